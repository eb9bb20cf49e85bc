"""The orders admin for the supplier's staff (issue 8, item 28): find, look, send to 1C again."""

from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from lxml import etree
from tests.conftest_helpers import client_for

from kabinet.accounts.roles import MANAGER_GROUP
from kabinet.accounts.tests.factories import StaffUserFactory
from kabinet.exchange.accounts import exchange_account_ensure
from kabinet.exchange.tests.exchange_client import OneC
from kabinet.orders.models import Order, OrderLine
from kabinet.orders.services import order_transition
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Actor, Status

LIST = "/admin/orders/order/"


def _english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def manager(staff_user):
    """The supplier's manager: staff in the managers' group, not a superuser."""
    Group.objects.get(name=MANAGER_GROUP).user_set.add(staff_user)
    return staff_user


@pytest.fixture
def manager_client(manager):
    return _english(client_for(manager))


@pytest.fixture
def sent_order(partner_admin, goods):
    order = order_make(author=partner_admin, variants=goods)
    order_transition(order=order, target=Status.SENT, actor=Actor.PARTNER, author=partner_admin)
    order.refresh_from_db()
    return order


def _one_c():
    exchange_account_ensure(login="1c@supplier.local", password="exchange-secret")
    client = OneC(kind="sale")
    assert client.checkauth()[0] == "success"
    client.call("init", version="2.08")
    return client


def _queried_numbers(client) -> list[str]:
    root = etree.fromstring(client.call("query").encode())
    return [document.findtext("Номер") for document in root.findall("Документ")]


def test_the_manager_lists_orders_and_filters_them(manager_client, partner_admin, goods):
    shipped = order_make(author=partner_admin, variants=goods, status=Status.SHIPPED)
    draft = order_make(author=partner_admin, variants=goods)

    everything = manager_client.get(LIST)
    only_shipped = manager_client.get(LIST, {"status__exact": Status.SHIPPED})
    by_erp_number = manager_client.get(LIST, {"q": shipped.erp_number})
    by_partner = manager_client.get(LIST, {"partner__id__exact": partner_admin.partner_id})
    drafts = manager_client.get(LIST, {"exchange": "draft"})

    assert everything.status_code == 200
    assert {o.pk for o in everything.context["cl"].result_list} == {shipped.pk, draft.pk}
    assert [o.pk for o in only_shipped.context["cl"].result_list] == [shipped.pk]
    assert [o.pk for o in by_erp_number.context["cl"].result_list] == [shipped.pk]
    assert {o.pk for o in by_partner.context["cl"].result_list} == {shipped.pk, draft.pk}
    assert [o.pk for o in drafts.context["cl"].result_list] == [draft.pk]
    assert "Not for 1C (a draft or awaiting approval)" in drafts.content.decode()


def test_the_order_page_shows_lines_history_shipments_and_the_exchange_state(
    manager_client, partner_admin, goods
):
    order = order_make(author=partner_admin, variants=goods, status=Status.SHIPPED)
    order.export_pending = True
    order.save(update_fields=["export_pending", "updated_at"])

    response = manager_client.get(f"{LIST}{order.pk}/change/")

    assert response.status_code == 200
    text = response.content.decode()
    for line in order.lines.all():
        assert line.product_name in text
    assert f"РН-{order.number[3:]}" in text  # the shipment
    assert response.context["inline_admin_formsets"][1].formset.queryset.count() == 4  # history
    assert "Queued for 1C" in text


def test_prices_lines_and_totals_cannot_be_edited(manager_client, sent_order):
    line = sent_order.lines.first()
    url = f"{LIST}{sent_order.pk}/change/"

    page = manager_client.get(url)
    response = manager_client.post(
        url,
        {
            "total": "1.00",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": str(line.pk),
            "lines-0-price": "1.00",
            "lines-0-quantity": "999",
        },
    )

    assert 'name="lines-0-price"' not in page.content.decode()
    assert 'name="total"' not in page.content.decode()
    assert response.status_code == 403
    line.refresh_from_db()
    assert (line.price, line.quantity) == (Decimal("100.00"), Decimal("2"))
    assert Order.objects.get(pk=sent_order.pk).total == Decimal("400.00")
    assert OrderLine.objects.filter(order=sent_order).count() == 2


def test_send_to_1c_again_queues_a_confirmed_order_for_the_next_query(manager_client, sent_order):
    one_c = _one_c()
    assert _queried_numbers(one_c) == [sent_order.number]
    assert one_c.call("success").startswith("success")
    assert _queried_numbers(one_c) == []  # 1C confirmed it: nothing more to send
    confirmed = manager_client.get(f"{LIST}{sent_order.pk}/change/")
    assert "Confirmed by 1C" in confirmed.content.decode()

    response = manager_client.post(
        LIST, {"action": "resend_to_1c", "_selected_action": [sent_order.pk]}, follow=True
    )

    assert response.status_code == 200
    assert "1 order is queued for 1C" in response.content.decode()
    assert Order.objects.get(pk=sent_order.pk).export_pending is True
    assert _queried_numbers(one_c) == [sent_order.number]
    sent = manager_client.get(f"{LIST}{sent_order.pk}/change/")
    assert "Sent to 1C, not confirmed yet" in sent.content.decode()


def test_the_order_page_has_a_send_to_1c_again_button(manager_client, sent_order):
    one_c = _one_c()
    _queried_numbers(one_c)
    one_c.call("success")
    page = manager_client.get(f"{LIST}{sent_order.pk}/change/")
    assert 'data-testid="resend-to-1c"' in page.content.decode()
    assert manager_client.get(f"{LIST}{sent_order.pk}/resend/").status_code == 403

    response = manager_client.post(f"{LIST}{sent_order.pk}/resend/")

    assert response.status_code == 302
    assert response["Location"] == f"{LIST}{sent_order.pk}/change/"
    assert _queried_numbers(one_c) == [sent_order.number]
    assert LogEntry.objects.get().get_change_message() == "Sent to 1C again."


def test_a_draft_is_not_sent_to_1c_again(manager_client, partner_admin, goods):
    draft = order_make(author=partner_admin, variants=goods)

    response = manager_client.post(
        LIST, {"action": "resend_to_1c", "_selected_action": [draft.pk]}, follow=True
    )

    assert (
        f"Order {draft.number} is a draft or awaits approval: such orders do not go to 1C."
        in response.content.decode()
    )
    assert Order.objects.get(pk=draft.pk).export_pending is False


def test_staff_without_order_permissions_cannot_look_at_orders(db, sent_order):
    stranger = _english(client_for(StaffUserFactory(email="intern@supplier.example")))

    assert stranger.get(LIST).status_code == 403
    assert stranger.get(f"{LIST}{sent_order.pk}/change/").status_code == 403
    assert stranger.post(f"{LIST}{sent_order.pk}/resend/").status_code == 403


def test_a_partner_user_is_refused(partner_client, sent_order):
    for url in (LIST, f"{LIST}{sent_order.pk}/change/"):
        response = partner_client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    for url, data in (
        (LIST, {"action": "resend_to_1c", "_selected_action": [sent_order.pk]}),
        (f"{LIST}{sent_order.pk}/resend/", {}),
    ):
        response = partner_client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")
    assert not LogEntry.objects.exists()  # nothing was queued again
