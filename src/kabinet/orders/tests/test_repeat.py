"""Repeating an order says at which agreement's prices (issue 8, item 24).

The order was placed at 100.00 a unit under the head company's agreement; another agreement of
the same company prices the goods at 114.00 today (+14 %).
"""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.http import Http404

from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import AgreementFactory
from kabinet.cart.models import Cart, CartLine
from kabinet.catalog.tests.factories import PriceFactory
from kabinet.orders.services import order_repeat
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Status
from kabinet.pricing.models import Price
from kabinet.web.selectors import SESSION_KEY

NBSP = "\xa0"


@pytest.fixture
def head(partner):
    return partner.counterparties.order_by("pk").first()


@pytest.fixture
def original(head):
    return head.agreements.get()


@pytest.fixture
def retail(head, goods):
    """A second agreement of the head company, 14 % dearer."""
    agreement = AgreementFactory(counterparty=head, name="Head retail")
    for variant in goods:
        PriceFactory(price_type=agreement.price_type, variant=variant, amount=Decimal("114.00"))
    return agreement


@pytest.fixture
def order(partner_admin, goods, head):
    return order_make(
        author=partner_admin, variants=goods, status=Status.COMPLETED, counterparty=head
    )


def _work_with(client, agreement):
    session = client.session
    session[SESSION_KEY] = agreement.pk
    session.save()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _cart_lines(user):
    return sorted(CartLine.objects.filter(cart__owner=user).values_list("variant_id", "quantity"))


def _rub(amount: str) -> str:
    return f"{amount}{NBSP}₽"


def test_repeating_under_the_orders_agreement_lists_prices_changed_since(
    english_client, partner_admin, order, original, goods
):
    Price.objects.filter(price_type=original.price_type, variant=goods[0]).update(
        amount=Decimal("114.00")
    )
    _work_with(english_client, original)

    response = english_client.post(f"/orders/{order.pk}/repeat/")

    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert _cart_lines(partner_admin) == sorted([(v.pk, Decimal("2")) for v in goods])
    changed = order.lines.get(variant=goods[0]).product_name
    assert _messages(response) == [
        f"2 lines added to the cart under the agreement “{original.name}”.",
        f"Prices are today's prices of the agreement “{original.name}”, not the order's: "
        f"“{changed}”: {_rub('100.00')} → {_rub('114.00')}. The repeated lines cost "
        f"{_rub('428.00')} instead of {_rub('400.00')} (+7{NBSP}%).",
    ]


def test_working_under_another_agreement_the_user_is_asked_first(
    english_client, partner_admin, order, original, retail
):
    _work_with(english_client, retail)

    response = english_client.post(f"/orders/{order.pk}/repeat/")

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/repeat/"
    assert _cart_lines(partner_admin) == []
    page = english_client.get(response["Location"])
    assert page.status_code == 200
    options = page.context["options"]
    assert [(o["plan"].agreement.pk, o["switch"]) for o in options] == [
        (original.pk, True),
        (retail.pk, False),
    ]
    text = page.content.decode()
    assert "Switch to this agreement and repeat" in text
    assert (
        f"At today's prices the lines cost {_rub('456.00')} instead of {_rub('400.00')} "
        f"(+14{NBSP}%)." in text.replace("&nbsp;", NBSP)
    )
    assert f"Today's prices are the same as in the order: {_rub('400.00')}." in text.replace(
        "&nbsp;", NBSP
    )


def test_switching_to_the_orders_agreement_repeats_there(
    english_client, partner_admin, order, original, retail, goods
):
    _work_with(english_client, retail)

    response = english_client.post(f"/orders/{order.pk}/repeat/", {"agreement": original.pk})

    assert response.status_code == 302
    assert _cart_lines(partner_admin) == sorted([(v.pk, Decimal("2")) for v in goods])
    assert Cart.objects.get(owner=partner_admin, name="").agreement_id == original.pk
    assert english_client.session[SESSION_KEY] == original.pk
    assert _messages(response) == [
        f"2 lines added to the cart under the agreement “{original.name}”."
    ]


def test_repeating_at_the_current_agreements_prices_says_how_much_dearer(
    english_client, partner_admin, order, original, retail
):
    _work_with(english_client, retail)

    response = english_client.post(f"/orders/{order.pk}/repeat/", {"agreement": retail.pk})

    assert Cart.objects.get(owner=partner_admin, name="").agreement_id == retail.pk
    added, prices = _messages(response)
    assert added == f"2 lines added to the cart under the agreement “{retail.name}”."
    assert prices.startswith(f"Prices are today's prices of the agreement “{retail.name}”")
    assert prices.endswith(
        f"The repeated lines cost {_rub('456.00')} instead of {_rub('400.00')} (+14{NBSP}%)."
    )


def test_when_the_orders_agreement_has_ended_the_page_says_so(
    english_client, partner_admin, order, original, retail
):
    original.is_active = False
    original.save()
    _work_with(english_client, retail)

    asked = english_client.post(f"/orders/{order.pk}/repeat/")
    page = english_client.get(f"/orders/{order.pk}/repeat/")

    assert asked["Location"] == f"/orders/{order.pk}/repeat/"
    assert _cart_lines(partner_admin) == []
    assert f"The order's agreement “{original.name}” has ended" in page.content.decode()
    assert [o["plan"].agreement.pk for o in page.context["options"]] == [retail.pk]


def test_an_agreement_of_another_partner_is_not_found(
    english_client, partner_admin, order, other_partner
):
    foreign = other_partner.counterparties.first().agreements.first()

    response = english_client.post(f"/orders/{order.pk}/repeat/", {"agreement": foreign.pk})

    assert response.status_code == 404
    assert _cart_lines(partner_admin) == []


def test_the_service_compares_todays_prices_with_the_order(partner_admin, order, retail):
    result = order_repeat(scope=scope_for(partner_admin), order_id=order.pk, agreement_id=retail.pk)

    assert result.plan.agreement == retail
    assert [r.price for r in result.plan.changed] == [Decimal("114.00"), Decimal("114.00")]
    assert (result.plan.ordered_total, result.plan.today_total) == (
        Decimal("400.00"),
        Decimal("456.00"),
    )
    assert result.plan.difference_percent == Decimal(14)
    assert result.cart.agreement_id == retail.pk


def test_the_service_refuses_an_agreement_the_user_may_not_use(partner_admin, order, other_partner):
    foreign = other_partner.counterparties.first().agreements.first()

    with pytest.raises(Http404):
        order_repeat(scope=scope_for(partner_admin), order_id=order.pk, agreement_id=foreign.pk)
