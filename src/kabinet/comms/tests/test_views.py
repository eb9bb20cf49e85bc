import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.models import Notification
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Status


@pytest.fixture
def order(partner_admin, goods):
    return order_make(author=partner_admin, variants=goods, status=Status.SENT)


@pytest.fixture
def notifications(partner_admin, order):
    return [
        Notification.objects.create(user=partner_admin, order=order, title=f"Note {n} of admin")
        for n in range(3)
    ]


def test_the_list_shows_only_the_users_own_notifications(
    partner_client, notifications, orders_only_employee
):
    Notification.objects.create(user=orders_only_employee, title="Note of a colleague")

    page = partner_client.get("/notifications/").content.decode()

    assert [n.title in page for n in notifications] == [True, True, True]
    assert "Note of a colleague" not in page


def test_reading_a_notification_marks_it_and_opens_its_order(partner_client, notifications, order):
    response = partner_client.post(f"/notifications/{notifications[0].pk}/read/")

    assert response.status_code == 302
    assert response["Location"] == f"/orders/{order.pk}/"
    assert [n.read_at is not None for n in Notification.objects.order_by("pk")] == [
        True,
        False,
        False,
    ]


def test_a_user_without_the_orders_section_stays_on_the_list(partner):
    user = UserFactory(partner=partner, sections=[Section.CATALOG])
    note = Notification.objects.create(user=user, title="Order shipped")

    response = client_for(user).post(f"/notifications/{note.pk}/read/")

    assert response["Location"] == "/notifications/"


def test_someone_elses_notification_is_not_found(notifications, orders_only_employee):
    client = client_for(orders_only_employee)

    assert client.post(f"/notifications/{notifications[0].pk}/read/").status_code == 404
    assert client.get(f"/notifications/{notifications[0].pk}/read/").status_code == 405
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_all_read_touches_only_the_users_notifications(
    partner_client, notifications, orders_only_employee
):
    other = Notification.objects.create(user=orders_only_employee, title="Colleague's")

    partner_client.post("/notifications/read/")

    assert Notification.objects.filter(read_at__isnull=True).get() == other


def test_the_badge_counts_unread_notifications(partner_client, notifications):
    notifications[0].read_at = notifications[0].created_at
    notifications[0].save()

    fragment = partner_client.get("/notifications/badge/").content.decode()

    assert 'id="notifications-badge"' in fragment
    assert ">2<span" in fragment


def test_the_badge_shows_no_count_without_unread(partner_client):
    fragment = partner_client.get("/notifications/badge/").content.decode()

    assert "bg-danger" not in fragment


def test_the_list_page_costs_the_same_queries_for_3_and_30_notifications(
    partner_client, partner_admin, notifications, django_assert_max_num_queries
):
    with CaptureQueriesContext(connection) as small:
        partner_client.get("/notifications/")
    Notification.objects.bulk_create(
        [Notification(user=partner_admin, title=f"More {n}") for n in range(27)]
    )

    with django_assert_max_num_queries(len(small.captured_queries)):
        partner_client.get("/notifications/")
