from types import SimpleNamespace

import pytest
from django.core import mail

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import StaffUserFactory, UserFactory
from kabinet.comms.models import Notification
from kabinet.comms.services import notify_order_event, user_language
from kabinet.comms.sms import FileSmsSender, MemorySmsSender, Sms, get_sms_sender
from kabinet.orders.models import OrderLine
from kabinet.orders.services import (
    order_cancel,
    order_send,
    order_status_set_by_supplier,
    order_transition,
)
from kabinet.orders.shortage import order_shortage_answer
from kabinet.orders.tests.factories import order_make
from kabinet.orders.workflow import Actor, Status


@pytest.fixture
def people(partner, other_partner, partner_admin):
    """Who should hear of an order of the partner's head company, and who should not."""
    head = partner.counterparties.order_by("pk").first()
    branch = partner.counterparties.order_by("pk").last()
    author = UserFactory(
        partner=partner,
        email="author@alpha.example",
        phone="+79990000001",
        sections=[Section.CATALOG],
    )
    follower = UserFactory(
        partner=partner,
        email="follower@alpha.example",
        phone="+79990000002",
        sections=[Section.ORDERS],
    )
    phone_only = UserFactory(
        partner=partner, email=None, phone="+79990000003", sections=[Section.ORDERS]
    )
    head_only = UserFactory(partner=partner, email="head@alpha.example", sections=[Section.ORDERS])
    head_only.counterparties.set([head])
    branch_only = UserFactory(
        partner=partner, email="branch@alpha.example", sections=[Section.ORDERS]
    )
    branch_only.counterparties.set([branch])
    catalog_only = UserFactory(
        partner=partner, email="catalog@alpha.example", sections=[Section.CATALOG]
    )
    blocked = UserFactory(partner=partner, email="blocked@alpha.example", is_active=False)
    stranger = UserFactory(partner=other_partner, email="stranger@omega.example")
    return SimpleNamespace(
        head=head,
        author=author,
        admin=partner_admin,
        follower=follower,
        phone_only=phone_only,
        head_only=head_only,
        branch_only=branch_only,
        catalog_only=catalog_only,
        blocked=blocked,
        stranger=stranger,
    )


@pytest.fixture
def order(people, goods):
    return order_make(
        author=people.author, variants=goods, status=Status.ASSEMBLING, counterparty=people.head
    )


def _told(*users):
    return sorted(u.pk for u in users)


def test_the_author_and_the_partners_administrators_are_told_and_no_one_else(
    people, order, settings
):
    settings.LANGUAGE_CODE = "en"
    event = order_status_set_by_supplier(order=order, target=Status.SHIPPED)

    notifications = notify_order_event(event=event)

    # Colleagues with the orders section (a new hire among them) are not written to.
    assert _told(*(n.user for n in notifications)) == _told(people.author, people.admin)
    assert {n.title for n in notifications} == {f"Order {order.number}: Shipped"}
    assert {n.order_id for n in notifications} == {order.pk}


def test_letters_go_to_those_with_an_e_mail_in_their_language(people, order, settings):
    settings.LANGUAGE_CODE = "en"
    event = order_status_set_by_supplier(order=order, target=Status.SHIPPED, comment="Truck 7")

    notify_order_event(event=event)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        u.email for u in (people.author, people.admin)
    )
    letter = next(m for m in mail.outbox if m.to == [people.admin.email])
    assert letter.subject == f"Order {order.number}: Shipped"
    assert f"Order {order.number} of {order.counterparty.name} is now “Shipped”." in letter.body
    assert "Truck 7" in letter.body
    assert f"http://127.0.0.1:8000/orders/{order.pk}/" in letter.body


def test_sms_go_to_the_author_for_the_listed_statuses_only(people, order, settings):
    settings.LANGUAGE_CODE = "en"
    people.admin.phone = "+79990000009"
    people.admin.save()
    shipped = order_status_set_by_supplier(order=order, target=Status.SHIPPED)
    completed = order_status_set_by_supplier(order=order, target=Status.COMPLETED)

    notify_order_event(event=shipped)
    notify_order_event(event=completed)

    assert [sms.phone for sms in MemorySmsSender.outbox] == ["+79990000001"]
    assert {sms.text for sms in MemorySmsSender.outbox} == {
        f"Kabinet: order {order.number} is now “Shipped”. http://127.0.0.1:8000/orders/{order.pk}/"
    }


def test_the_sms_statuses_come_from_the_setting(people, order, settings):
    settings.KABINET_SMS_STATUSES = ["completed"]
    order_status_set_by_supplier(order=order, target=Status.SHIPPED)
    completed = order_status_set_by_supplier(order=order, target=Status.COMPLETED)

    notify_order_event(event=completed)

    assert [sms.phone for sms in MemorySmsSender.outbox] == ["+79990000001"]


def test_a_setting_sends_the_sms_to_everyone_told(people, order, settings):
    settings.KABINET_SMS_TO = "everyone"
    people.admin.phone = "+79990000009"
    people.admin.save()

    notify_order_event(event=order_status_set_by_supplier(order=order, target=Status.SHIPPED))

    assert sorted(sms.phone for sms in MemorySmsSender.outbox) == ["+79990000001", "+79990000009"]


def test_the_person_who_made_the_change_is_not_told(
    people, goods, django_capture_on_commit_callbacks
):
    order = order_make(
        author=people.author, variants=goods, status=Status.SENT, counterparty=people.head
    )

    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(scope=scope_for(people.admin), order_id=order.pk, comment="")

    told = Notification.objects.filter(order=order).values_list("user_id", flat=True)
    assert sorted(told) == _told(people.author)


def test_a_transition_notifies_only_once_it_is_committed(
    people, order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order_transition(order=order, target=Status.SHIPPED, actor=Actor.SUPPLIER)

    assert Notification.objects.count() == 0
    assert len(callbacks) == 1
    callbacks[0]()
    assert Notification.objects.filter(order=order).count() == 2


def test_a_failing_sms_gateway_does_not_stop_the_others(people, order, settings):
    settings.KABINET_SMS_BACKEND = "kabinet.comms.tests.test_notifications.BrokenSender"
    event = order_status_set_by_supplier(order=order, target=Status.SHIPPED)

    notifications = notify_order_event(event=event)

    assert len(notifications) == 2
    assert len(mail.outbox) == 2


class BrokenSender:
    def send(self, *, phone, text):
        raise ConnectionError("gateway down")


def test_the_file_sms_backend_appends_to_its_log(tmp_path, settings):
    settings.KABINET_SMS_BACKEND = "kabinet.comms.sms.FileSmsSender"
    settings.KABINET_SMS_FILE = tmp_path / "sms.log"
    sender = get_sms_sender()

    sender.send(phone="+79990000001", text="Order KB-1\nshipped")
    sender.send(phone="+79990000002", text="second")

    assert isinstance(sender, FileSmsSender)
    lines = (tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[1:] for line in lines] == [
        ["+79990000001", "Order KB-1 shipped"],
        ["+79990000002", "second"],
    ]


def test_the_memory_backend_keeps_messages():
    get_sms_sender().send(phone="+7999", text="hello")

    assert MemorySmsSender.outbox == [Sms(phone="+7999", text="hello")]


def test_a_user_is_written_to_in_their_stored_language_else_the_portals(settings):
    settings.LANGUAGE_CODE = "ru"

    assert user_language(SimpleNamespace(language="en")) == "en"
    assert user_language(SimpleNamespace(language="xx")) == "ru"
    assert user_language(SimpleNamespace()) == "ru"


def test_an_administrator_limited_to_another_counterparty_is_not_told(people, order):
    branch_admin = UserFactory(partner=order.partner, email="branch-admin@alpha.example")
    branch_admin.counterparties.set(
        [order.partner.counterparties.exclude(pk=order.counterparty_id)[0]]
    )

    notifications = notify_order_event(
        event=order_status_set_by_supplier(order=order, target=Status.SHIPPED)
    )

    assert branch_admin.pk not in {n.user_id for n in notifications}


@pytest.fixture
def manager(partner):
    manager = StaffUserFactory(
        email="manager@supplier.example", phone="+79995550000", full_name="Supplier Manager"
    )
    partner.manager = manager
    partner.save()
    return manager


def _letters_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_partners_manager_gets_a_letter_when_an_order_is_sent(
    people, goods, manager, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    draft = order_make(author=people.author, variants=goods, counterparty=people.head)

    with django_capture_on_commit_callbacks(execute=True):
        order_send(scope=scope_for(people.author), order_id=draft.pk)

    [letter] = _letters_to(manager)
    assert letter.subject == f"Order {draft.number} of {draft.partner.name}: Sent"
    assert (
        f"Order {draft.number} of {people.head.name} (partner {draft.partner.name}) is now “Sent”."
        in letter.body
    )
    assert "Total: 400.00 RUB" in letter.body
    assert f"http://127.0.0.1:8000/admin/orders/order/{draft.pk}/change/" in letter.body
    assert not Notification.objects.filter(user=manager).exists()
    assert MemorySmsSender.outbox == []
    # The author sent it: only the administrator hears of it on the partner's side.
    assert Notification.objects.filter(order=draft).get().user == people.admin


def test_the_partners_manager_gets_a_letter_when_the_partner_answers_a_shortage(
    people, goods, manager, settings, django_capture_on_commit_callbacks
):
    settings.LANGUAGE_CODE = "en"
    order = order_make(
        author=people.author, variants=goods, status=Status.SHORTAGE, counterparty=people.head
    )
    lines = list(order.lines.order_by("pk"))
    OrderLine.objects.filter(pk=lines[0].pk).update(confirmed_quantity=1)

    with django_capture_on_commit_callbacks(execute=True):
        order_shortage_answer(
            scope=scope_for(people.author), order_id=order.pk, answers={lines[0].pk: "accepted"}
        )

    [letter] = _letters_to(manager)
    assert letter.subject == f"Order {order.number} of {order.partner.name}: Accepted"
    assert "Shortage answered: 1 accepted, 0 rejected." in letter.body


def test_the_partners_manager_is_not_written_to_of_the_suppliers_own_changes(
    people, order, manager
):
    notify_order_event(event=order_status_set_by_supplier(order=order, target=Status.SHIPPED))

    assert _letters_to(manager) == []
