"""The partner's own product codes (B9): the product card's fragment, a file of codes loaded all
or nothing, and catalog search finding products by them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.template.loader import render_to_string

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.cart.tests.factories import english_client
from kabinet.catalog.services import search_normalize, search_tokens
from kabinet.imports.models import PartnerProductCode
from kabinet.imports.selectors import partner_code_product_ids
from kabinet.imports.services import partner_code_set
from kabinet.imports.tests.builders import csv_bytes
from kabinet.imports.tests.factories import product_make
from kabinet.imports.tests.pages import upload_and_confirm
from kabinet.pricing.selectors import orderable_products, pricing_context

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def client(buyer):
    return english_client(buyer)


@pytest.fixture
def bandage(partner):
    return product_make(partner, article="БИНТ-7", barcodes=["4600000000777"])


def codes(partner):
    return sorted(
        PartnerProductCode.objects.filter(partner=partner).values_list(
            "code", "code_key", "product__article", "variant_id"
        )
    )


def test_the_card_fragment_loads_itself_and_sets_a_code(client, partner, bandage):
    placeholder = render_to_string("imports/partner_code_form.html", {"product": bandage})
    assert f'hx-get="/quick-order/codes/products/{bandage.pk}/"' in placeholder
    assert 'hx-trigger="load"' in placeholder

    fragment = client.get(f"/quick-order/codes/products/{bandage.pk}/", **HTMX)
    assert fragment.status_code == 200
    assert "Give the product your own code" in fragment.content.decode()

    saved = client.post(
        f"/quick-order/codes/products/{bandage.pk}/set/", {"code": "  Наш  Бинт "}, **HTMX
    )

    assert 'data-testid="partner-code">Наш Бинт' in saved.content.decode()
    assert codes(partner) == [("Наш Бинт", search_normalize("наш бинт"), "БИНТ-7", None)]


def test_a_code_of_another_product_is_refused_and_a_code_is_removed(client, partner, bandage):
    other = product_make(partner, article="ВАТА-1")
    client.post(f"/quick-order/codes/products/{bandage.pk}/set/", {"code": "N-1"}, **HTMX)

    refused = client.post(f"/quick-order/codes/products/{other.pk}/set/", {"code": "n-1"}, **HTMX)

    assert "The code “n-1” is already given to “Товар БИНТ-7”." in refused.content.decode()
    code = PartnerProductCode.objects.get()
    removed = client.post(
        f"/quick-order/codes/{code.pk}/delete/", {"from": "card"}, **HTMX
    ).content.decode()
    assert 'data-testid="partner-code"' not in removed
    assert codes(partner) == []


def test_a_code_for_one_variant_of_a_product_in_sizes(client, partner):
    gloves = product_make(partner, article="GL-1", sizes=["S", "M"])
    fragment = client.get(f"/quick-order/codes/products/{gloves.pk}/", **HTMX).content.decode()
    assert f'<option value="{gloves.test_variants[1].pk}">M</option>' in fragment

    client.post(
        f"/quick-order/codes/products/{gloves.pk}/set/",
        {"code": "ПЕРЧ-M", "variant": gloves.test_variants[1].pk},
        **HTMX,
    )

    assert codes(partner) == [
        ("ПЕРЧ-M", search_normalize("перч-m"), "GL-1", gloves.test_variants[1].pk)
    ]


def test_products_the_user_may_not_order_get_no_codes(client, partner, scope, agreement):
    hidden = product_make(partner, article="HIDDEN", priced=False)

    assert client.get(f"/quick-order/codes/products/{hidden.pk}/").status_code == 404
    assert (
        client.post(f"/quick-order/codes/products/{hidden.pk}/set/", {"code": "X"}).status_code
        == 404
    )
    with pytest.raises(ValidationError):
        partner_code_set(scope=scope, agreement=agreement, product_id=hidden.pk, code="   ")


def test_a_file_of_codes_is_loaded_with_a_header_and_updates_existing_codes(
    client, partner, bandage, scope, agreement
):
    vata = product_make(partner, article="ВАТА-1", erp_code="000000555")
    partner_code_set(scope=scope, agreement=agreement, product_id=vata.pk, code="OLD-1")
    data = csv_bytes(["Наш код;Артикул", "K-1;бинт-7", "K-2;4600000000777", "old-1;555"])

    response = client.post("/quick-order/codes/", {"file": _file(data, "codes.csv")}, follow=True)

    assert "3 codes are loaded." in response.content.decode()
    assert codes(partner) == [
        ("K-1", "k-1", "БИНТ-7", None),
        ("K-2", "k-2", "БИНТ-7", bandage.test_variants[0].pk),  # a barcode names the variant
        ("old-1", "old-1", "ВАТА-1", None),
    ]


def test_a_file_of_codes_with_a_bad_row_loads_nothing_and_says_which(client, partner, bandage):
    product_make(partner, article="HIDDEN", priced=False)
    data = csv_bytes(["K-1;БИНТ-7", "K-2;НЕТ-ТАКОГО", "K-3;HIDDEN", ";БИНТ-7", "K-1;HIDDEN"])

    response = client.post("/quick-order/codes/", {"file": _file(data, "codes.csv")})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was loaded: 4 rows need fixing." in page
    assert "No product has this article, barcode or 1C code." in page
    assert "The product is not sold under your agreement." in page
    assert "No code in this row." in page
    assert codes(partner) == []


def test_an_unreadable_file_of_codes_says_why(client):
    response = client.post("/quick-order/codes/", {"file": _file(b"", "codes.csv")})
    assert "The file has no data" in response.content.decode()


def test_quick_order_finds_products_by_the_partners_codes(
    client, partner, bandage, scope, agreement
):
    partner_code_set(scope=scope, agreement=agreement, product_id=bandage.pk, code="НАШ-17")
    data = csv_bytes(["Наш код;Кол-во", "наш-17;4"])

    job = upload_and_confirm(client, data, "order.csv")

    assert job.mapping["columns"] == {"partner_code": 0, "quantity": 1}
    row = job.rows.get()
    assert (row.variant_id, row.matched_by, row.quantity) == (
        bandage.test_variants[0].pk,
        "partner_code",
        4,
    )


def test_catalog_search_can_find_products_by_the_partners_codes(
    partner, other_partner, bandage, scope, agreement
):
    other = product_make(partner, article="ДРУГОЙ")
    partner_code_set(scope=scope, agreement=agreement, product_id=bandage.pk, code="Наш Бинт 7")
    PartnerProductCode.objects.create(
        partner=other_partner, product=other, code="наш", code_key="наш"
    )
    context = pricing_context(scope=scope, agreement=agreement)

    def found(query):
        tokens = search_tokens(query)
        words = Q()
        for token in tokens:
            words &= Q(search_text__contains=token)
        products = orderable_products(context).filter(
            words | Q(pk__in=partner_code_product_ids(scope, tokens))
        )
        return sorted(products.values_list("article", flat=True))

    assert found("наш бинт") == ["БИНТ-7"]
    assert found("НАШ") == ["БИНТ-7"]  # another partner's code "наш" is not theirs to see
    assert found("другой") == ["ДРУГОЙ"]
    colleague = scope_for(UserFactory(partner=partner, email="c@alpha.example"))
    assert list(partner_code_product_ids(colleague, search_tokens("бинт"))) == [
        {"product_id": bandage.pk}
    ]


def _file(content: bytes, name: str):
    return SimpleUploadedFile(name, content)


def test_a_code_differing_only_in_look_alike_letters_is_the_same_code(
    partner, bandage, scope, agreement
):
    other = product_make(partner, article="ДРУГОЙ")
    partner_code_set(scope=scope, agreement=agreement, product_id=bandage.pk, code="САМ-1")

    with pytest.raises(ValidationError):
        partner_code_set(scope=scope, agreement=agreement, product_id=other.pk, code="CAM-1")

    assert codes(partner) == [("САМ-1", "cam-1", "БИНТ-7", None)]
    context = pricing_context(scope=scope, agreement=agreement)
    found = orderable_products(context).filter(
        pk__in=partner_code_product_ids(scope, search_tokens("cam-1"))
    )
    assert list(found.values_list("article", flat=True)) == ["БИНТ-7"]
