"""Adding products to a draft from its edit page (issue 13, point 6): find them by article,
code, barcode or name in the draft's assortment, type quantities, add."""

import re
from decimal import Decimal

from kabinet.catalog.models import Product
from kabinet.catalog.services import product_search_text_refresh
from kabinet.orders.tests.factories import goods_make, order_make
from kabinet.orders.workflow import Status


def _found(page: str) -> list[str]:
    return re.findall(r'name="add-(\d+)"', page)


def test_the_edit_page_finds_products_by_article_to_add(
    partner_client, partner_admin, partner, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)
    extra, _other = goods_make(partner, n=2)
    Product.objects.filter(pk=extra.product_id).update(article="GLV-4410")
    product_search_text_refresh([extra.product_id])  # as the 1C importer writes it

    page = partner_client.get(f"/orders/{order.pk}/edit/", {"q": "glv-4410"}).content.decode()

    assert _found(page) == [str(extra.pk)]
    assert 'form="draft-form"' in page
    assert 'data-testid="draft-add-submit"' in page


def test_the_search_answers_htmx_with_the_results_only(
    partner_client, partner_admin, partner, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)
    extra = goods_make(partner, n=1, name="Бахилы особые")[0]

    response = partner_client.get(
        f"/orders/{order.pk}/edit/",
        {"q": "бахилы"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="draft-found",
    )

    body = response.content.decode()
    assert body.lstrip().startswith('<div id="draft-found"')
    assert _found(body) == [str(extra.pk)]
    assert "HX-Request" in response["Vary"]


def test_nothing_found_says_so(partner_client, partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)

    page = partner_client.get(f"/orders/{order.pk}/edit/", {"q": "no-such-thing"}).content.decode()

    assert 'data-testid="draft-found-none"' in page
    assert _found(page) == []


def test_another_partners_products_are_not_found(
    partner_client, partner_admin, goods, other_partner
):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT)
    foreign = goods_make(other_partner, n=1, name="Чужой товар")[0]

    page = partner_client.get(f"/orders/{order.pk}/edit/", {"q": "чужой"}).content.decode()

    assert str(foreign.pk) not in _found(page)


def test_found_products_are_added_to_the_draft_and_the_page_stays_open(
    english_client, partner_admin, partner, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT, quantity="2")
    extra = goods_make(partner, n=1, price="50.00")[0]

    response = english_client.post(
        f"/orders/{order.pk}/edit/",
        {
            "address": order.address_id or "",
            "comment": "keep me",
            f"line-{goods[0].pk}": "2",
            f"line-{goods[1].pk}": "2",
            f"add-{extra.pk}": "3",
            f"add-{goods[0].pk}": "1",  # already a line: its quantity grows
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/edit/"
    order.refresh_from_db()
    assert sorted(order.lines.values_list("variant_id", "quantity", "price")) == sorted(
        [
            (goods[0].pk, Decimal(3), Decimal("100.00")),
            (goods[1].pk, Decimal(2), Decimal("100.00")),
            (extra.pk, Decimal(3), Decimal("50.00")),
        ]
    )
    assert (order.comment, order.total) == ("keep me", Decimal("650.00"))
    assert (
        "The products have been added to the draft."
        in english_client.get(response["Location"]).content.decode()
    )


def test_a_product_outside_the_assortment_is_refused_and_nothing_changes(
    partner_client, partner_admin, goods, other_partner
):
    order = order_make(author=partner_admin, variants=goods, status=Status.DRAFT, quantity="2")
    foreign = goods_make(other_partner, n=1)[0]
    before = list(order.lines.values_list("variant_id", "quantity"))

    response = partner_client.post(
        f"/orders/{order.pk}/edit/",
        {f"line-{goods[0].pk}": "2", f"line-{goods[1].pk}": "2", f"add-{foreign.pk}": "1"},
    )

    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert list(order.lines.values_list("variant_id", "quantity")) == before
