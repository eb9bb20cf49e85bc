from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from lxml import etree
from tests.conftest_helpers import client_for

from kabinet.accounts.scope import scope_for
from kabinet.catalog.tests.factories import catalog_make
from kabinet.exchange.orders_out import orders_xml, pending_orders
from kabinet.orders.models import Order, OrderLine
from kabinet.orders.shortage import order_shortage_answer
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Status


@pytest.fixture
def shortage_order(partner, partner_admin):
    data = catalog_make(partner, products=3)
    order = order_make(
        author=partner_admin,
        variants=data.variants,
        status=Status.SHORTAGE,
        quantity="10",
        price="100.00",
    )
    lines = list(order.lines.order_by("pk"))
    OrderLine.objects.filter(pk=lines[0].pk).update(confirmed_quantity=Decimal(4))
    OrderLine.objects.filter(pk=lines[1].pk).update(confirmed_quantity=Decimal(0))
    OrderLine.objects.filter(pk=lines[2].pk).update(confirmed_quantity=Decimal(10))
    return order


def test_the_partner_answers_each_line_and_the_order_goes_back_to_the_supplier(
    shortage_order, partner_admin
):
    first, second, _third = shortage_order.lines.order_by("pk")
    client = client_for(partner_admin)
    page = client.get(f"/orders/{shortage_order.pk}/").content.decode()
    assert 'data-testid="shortage"' in page
    response = client.post(
        f"/orders/{shortage_order.pk}/shortage/",
        {f"line-{first.pk}": "accepted", f"line-{second.pk}": "rejected"},
    )
    assert response.status_code == 302
    order = Order.objects.get(pk=shortage_order.pk)
    assert order.status == Status.ACCEPTED
    assert order.export_pending
    assert order.total == Decimal("1400.00")  # 4 + 0 + 10 units at 100
    assert dict(order.lines.values_list("pk", "shortage_answer")) == {
        first.pk: "accepted",
        second.pk: "rejected",
        _third.pk: "",
    }
    event = order.events.order_by("-pk").first()
    assert (event.status, event.actor, event.author) == (Status.ACCEPTED, "partner", partner_admin)

    document = etree.fromstring(orders_xml(pending_orders())).find("Документ")
    quantities = [Decimal(g.findtext("Количество")) for g in document.findall("Товары/Товар")]
    assert quantities == [Decimal(4), Decimal(10)]


def test_every_shortage_line_needs_an_answer_and_nothing_changes_without(
    shortage_order, partner_admin
):
    first = shortage_order.lines.order_by("pk").first()
    with pytest.raises(ValidationError):
        order_shortage_answer(
            scope=scope_for(partner_admin),
            order_id=shortage_order.pk,
            answers={first.pk: "accepted"},
        )
    order = Order.objects.get(pk=shortage_order.pk)
    assert order.status == Status.SHORTAGE
    assert set(order.lines.values_list("shortage_answer", flat=True)) == {""}


def test_an_accountant_without_ordering_sees_no_answer_form_and_cannot_answer(
    shortage_order, partner
):
    from kabinet.accounts.tests.factories import UserFactory

    accountant = UserFactory(partner=partner, sections=["orders", "finance"])
    client = client_for(accountant)
    assert (
        'data-testid="shortage"' not in client.get(f"/orders/{shortage_order.pk}/").content.decode()
    )
    assert client.post(f"/orders/{shortage_order.pk}/shortage/", {}).status_code == 403


def test_another_partners_shortage_is_not_found(shortage_order, other_admin):
    response = client_for(other_admin).post(f"/orders/{shortage_order.pk}/shortage/", {})
    assert response.status_code == 404
