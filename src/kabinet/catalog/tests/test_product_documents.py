"""The card's documents: the title once, then only what it does not say already."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import override

from kabinet.catalog.models import ProductDocument
from kabinet.catalog.tests.factories import ProductDocumentFactory, catalog_make

TITLE = "Регистрационное удостоверение № РЗН 2019/8765"


def _documents_text(body: str) -> list[str]:
    """The text of each document's item, whitespace squeezed."""
    listing = body.split('data-testid="documents"', 1)[1].split("</ul>", 1)[0]
    items = listing.split('data-testid="document"')[1:]
    return [" ".join(strip_tags("<li " + item).split()) for item in items]


@pytest.mark.parametrize("with_file", [True, False], ids=["with-file", "without-file"])
def test_a_document_titled_with_its_kind_and_number_says_them_once(
    partner, partner_client, with_file
):
    product = catalog_make(partner, products=1).products[0]
    document = ProductDocumentFactory(
        product=product,
        kind=ProductDocument.Kind.REGISTRATION,
        title=TITLE,
        number="РЗН 2019/8765",
        valid_until=datetime.date(2030, 1, 31),
        **({} if with_file else {"file": ""}),
    )

    body = partner_client.get(reverse("catalog:product", args=[product.pk])).content.decode()

    (text,) = _documents_text(body)
    assert text.count("РЗН 2019/8765") == 1
    assert text.count("Регистрационное удостоверение") == 1
    assert "31.01.2030" in text
    link = f'href="{reverse("catalog:document", args=[document.pk])}"'
    assert (link in body) is with_file
    assert ("файл не приложен" in text) is not with_file


def test_a_document_shows_the_kind_and_number_its_title_lacks(partner, partner_client):
    product = catalog_make(partner, products=1).products[0]
    ProductDocumentFactory(
        product=product,
        kind=ProductDocument.Kind.CERTIFICATE,
        title="Декларация",
        number="ЕАЭС N RU Д-RU.РА01.В.12345/24",
        file="",
    )

    body = partner_client.get(reverse("catalog:product", args=[product.pk])).content.decode()

    (text,) = _documents_text(body)
    assert text == (
        "Декларация Сертификат / декларация соответствия № ЕАЭС N RU Д-RU.РА01.В.12345/24 · "
        "файл не приложен"
    )


@pytest.mark.parametrize(
    ("kind", "title", "number", "details"),
    [
        ("registration", TITLE, "РЗН 2019/8765", ""),
        ("registration", "РУ № ФСЗ 2010/07890", "ФСЗ 2010/07890", "Регистрационное удостоверение"),
        ("registration", "Регистрационное удостоверение", "РЗН 1", "№ РЗН 1"),
        ("instruction", "Инструкция по применению", "", ""),
        ("instruction", "Инструкция", "", "Инструкция по применению"),
        ("other", "Паспорт изделия", "П-7", "№ П-7"),
        ("other", "Паспорт изделия", "", ""),
    ],
)
def test_the_details_leave_out_what_the_title_says(kind, title, number, details):
    document = ProductDocument(kind=kind, title=title, number=number)

    with override("ru"):
        assert document.title_details == details
