"""The demo has pictures, document files and shipment documents, served through the access
check like any partner's files."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from kabinet.accounts.models import Agreement, User
from kabinet.catalog.models import Product, ProductDocument, ProductImage
from kabinet.demo import files
from kabinet.demo.catalog.files import PICTURED_EVERY
from kabinet.demo.files import document_pdf, product_picture
from kabinet.demo.generator import demo_generate
from kabinet.orders.models import Shipment
from kabinet.pricing.models import AssortmentRule


@pytest.fixture
def demo(db):
    return demo_generate(partners=6, skus=500, months=3)


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_picture_is_a_png_of_the_asked_size():
    data = product_picture(article="TM-00042", title="Перчатки смотровые нитриловые", seed="x")

    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("PNG", (480, 480))


def test_a_document_is_a_pdf_with_its_russian_text():
    data = document_pdf(
        title="УПД № РТУ-000001", lines=["Покупатель: ООО «Ромашка»"], table=[["№", "Товар"]]
    )

    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert len(data) > 1000


def test_the_demo_has_pictures_document_files_and_shipment_documents(demo):
    catalog = demo.catalog
    images = list(ProductImage.objects.all())
    pictured = {image.product_id for image in images}
    assert catalog.pictures == len(images)
    assert len(pictured) == Product.objects.count() // PICTURED_EVERY > 0
    assert len(pictured) < len(images)  # some have two
    for image in images[:5]:
        with image.file.open("rb") as handle:
            assert Image.open(handle).format == "PNG"
    with_files = ProductDocument.objects.exclude(file="")
    assert catalog.document_files == with_files.count() > 0
    assert ProductDocument.objects.filter(file="").exists()  # and some without, as from 1C
    for document in with_files:
        with document.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        assert document.kind in {"registration", "certificate"}

    # The newest shipments of each partner have their УПД, older ones only its title.
    documented = Shipment.objects.exclude(document="")
    assert demo.history.shipment_documents == documented.count() > 0
    assert Shipment.objects.filter(document="").exists()
    partners = set(documented.values_list("order__partner_id", flat=True))
    assert len(partners) == len(set(Shipment.objects.values_list("order__partner_id", flat=True)))
    for shipment in documented:
        newer = Shipment.objects.filter(
            order__partner_id=shipment.order.partner_id, date__gt=shipment.date
        )
        assert newer.count() < 2
        with shipment.document.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"


def test_the_demo_files_are_served_to_their_partner_only(demo):
    buyer = _client("buyer1@partner.demo")
    stranger = _client("buyer2@partner.demo")
    partner_id = User.objects.get(email="buyer1@partner.demo").partner_id

    image = ProductImage.objects.order_by("pk").first()
    response = buyer.get(reverse("catalog:image", args=[image.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    with image.file.open("rb") as handle:
        assert _body(response) == handle.read()
    card = buyer.get(reverse("catalog:product", args=[image.product_id])).content.decode()
    assert f'src="{reverse("catalog:image", args=[image.pk])}"' in card

    document = ProductDocument.objects.exclude(file="").order_by("pk").first()
    response = buyer.get(reverse("catalog:document", args=[document.pk]))
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-")
    card = buyer.get(reverse("catalog:product", args=[document.product_id])).content.decode()
    assert f'href="{reverse("catalog:document", args=[document.pk])}"' in card

    shipment = Shipment.objects.filter(order__partner_id=partner_id).exclude(document="").first()
    url = reverse("orders:shipment-document", args=[shipment.pk])
    response = buyer.get(url)
    assert response.status_code == 200
    assert _body(response).startswith(b"%PDF-")
    order_page = buyer.get(reverse("orders:detail", args=[shipment.order_id])).content.decode()
    assert f'href="{url}"' in order_page
    assert stranger.get(url).status_code == 404

    # A dental clinic buying only from its sections gets no picture from the others.
    rule = AssortmentRule.objects.select_related("agreement__counterparty").first()
    agreement = Agreement.objects.get(pk=rule.agreement_id)
    user = User.objects.filter(
        partner_id=agreement.counterparty.partner_id, email__startswith="buyer"
    ).get()
    allowed = set(
        AssortmentRule.objects.filter(agreement=agreement).values_list("section_id", flat=True)
    )
    outside = next(
        image
        for image in ProductImage.objects.select_related("product__section__parent__parent")
        if not {
            image.product.section_id,
            image.product.section.parent_id,
            getattr(image.product.section.parent, "parent_id", None),
        }
        & allowed
    )
    client = _client(user.email)
    session = client.session  # acting under the limited agreement
    session["agreement_id"] = agreement.pk
    session.save()

    assert client.get(reverse("catalog:image", args=[outside.pk])).status_code == 404
    assert client.get(reverse("catalog:product", args=[outside.product_id])).status_code == 404


def test_without_a_cyrillic_font_the_files_are_made_all_the_same(monkeypatch, tmp_path):
    monkeypatch.setattr(files, "FONT_DIRS", [tmp_path])  # a machine without fonts-dejavu-core
    files._font.cache_clear()
    try:
        pdf = files.document_pdf(title="УПД № РТУ-000001", table=[["№", "Товар"], ["1", "Бинт"]])
        picture = files.product_picture(article="TM-1", title="Бинт марлевый", seed="y")
    finally:
        files._font.cache_clear()

    assert pdf.startswith(b"%PDF-")
    assert b"DejaVu" not in pdf
    assert Image.open(io.BytesIO(picture)).format == "PNG"
