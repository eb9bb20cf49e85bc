"""Conversations with the manager: posting, e-mail throttling, unread counters, notifications."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from tests.conftest_helpers import client_for

from kabinet.accounts.models import Section
from kabinet.accounts.scope import scope_for
from kabinet.accounts.tests.factories import UserFactory
from kabinet.comms.models import Notification
from kabinet.conversations import selectors, services
from kabinet.conversations.models import Conversation, Message, ReadMark
from kabinet.conversations.tests.factories import pdf_bytes, shipped_order_make, upload


def _later(conversation, *, minutes: int, field: str) -> None:
    """As if the last letter of the conversation had gone `minutes` ago."""
    Conversation.objects.filter(pk=conversation.pk).update(
        **{
            field: Conversation.objects.get(pk=conversation.pk).__dict__[field]
            - datetime.timedelta(minutes=minutes)
        }
    )


@pytest.mark.django_db
def test_partner_message_reaches_the_manager_by_one_letter_per_15_minutes(
    partner_client, partner_admin, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = partner_client.post(reverse("conversations:general"), {"text": "Hello, where?"})
    conversation = Conversation.objects.get()
    assert first.status_code == 302
    assert first["Location"] == reverse("conversations:detail", args=[conversation.pk])
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["manager@supplier.example"]
    assert letter.subject == "Alpha Pharmacy: новое сообщение — Общие вопросы"
    assert "Hello, where?" in letter.body
    assert f"/staff/messages/{conversation.pk}/" in letter.body

    url = reverse("conversations:detail", args=[conversation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        partner_client.post(url, {"text": "Second, 2 minutes later"})
        partner_client.post(url, {"text": "Third"})
    assert len(mail.outbox) == 1
    assert Message.objects.filter(conversation=conversation).count() == 3

    _later(conversation, minutes=16, field="manager_emailed_at")
    with django_capture_on_commit_callbacks(execute=True):
        partner_client.post(url, {"text": "Fourth, 16 minutes after the letter"})
    assert len(mail.outbox) == 2
    assert "Fourth, 16 minutes after the letter" in mail.outbox[1].body


@pytest.mark.django_db
def test_throttling_is_per_conversation(
    partner_client, partner_admin, manager, django_capture_on_commit_callbacks
):
    order = shipped_order_make(partner_admin.partner, author=partner_admin)
    with django_capture_on_commit_callbacks(execute=True):
        partner_client.post(reverse("conversations:general"), {"text": "General question"})
        partner_client.post(
            reverse("conversations:order", args=[order.pk]), {"text": "About the order"}
        )
        partner_client.post(
            reverse("conversations:order", args=[order.pk]), {"text": "About it again"}
        )
    assert [m.subject for m in mail.outbox] == [
        "Alpha Pharmacy: новое сообщение — Общие вопросы",
        f"Alpha Pharmacy: новое сообщение — Заказ {order.number}",
    ]
    assert Conversation.objects.count() == 2


@pytest.mark.django_db
def test_manager_reply_notifies_the_partner_and_counts_as_unread(
    partner_client, partner_admin, manager, manager_client, django_capture_on_commit_callbacks
):
    colleague = UserFactory(partner=partner_admin.partner, sections=[Section.CATALOG])
    services.conversation_start(scope=scope_for(partner_admin), order=None, text="Question")
    conversation = Conversation.objects.get()
    mail.outbox.clear()
    url = reverse("staff-conversations:detail", args=[conversation.pk])

    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            url, {"text": "Answer one", "files": [upload("price.pdf", pdf_bytes())]}
        )
        manager_client.post(url, {"text": "Answer two"})

    # In-app each time, a letter once per 15 minutes; the colleague who did not write is not told.
    assert (
        list(Notification.objects.filter(user=partner_admin).values_list("title", flat=True))
        == ["Новое сообщение от менеджера — Общие вопросы"] * 2
    )
    assert not Notification.objects.filter(user=colleague).exists()
    assert [m.to for m in mail.outbox] == [["admin@alpha.example"]]
    assert "Answer one" in mail.outbox[0].body
    assert "Приложен 1 файл." in mail.outbox[0].body

    page = partner_client.get(reverse("web:home"))
    assert "unread_messages" not in page.context  # the page pays no query for the counter
    badge = partner_client.get(reverse("conversations:badge"))
    assert badge.context["unread_messages"] == 2
    assert ">2<" in badge.text
    thread = partner_client.get(reverse("conversations:detail", args=[conversation.pk]))
    assert thread.status_code == 200
    assert "Answer two" in thread.text
    assert selectors.unread_count(scope_for(partner_admin)) == 0
    # The manager has read everything the partner wrote: nothing unread on the staff side.
    assert selectors.staff_unread_count(manager) == 0


@pytest.mark.django_db
def test_staff_list_counts_unread_partner_messages(partner_admin, manager, manager_client):
    scope = scope_for(partner_admin)
    services.conversation_start(scope=scope, order=None, text="One")
    conversation = Conversation.objects.get()
    services.message_send(conversation=conversation, author=partner_admin, text="Two")

    listing = manager_client.get(reverse("staff-conversations:list"))

    assert [(c.pk, c.unread) for c in listing.context["conversations"]] == [(conversation.pk, 2)]
    assert listing.context["staff_unread_messages"] == 2
    manager_client.get(reverse("staff-conversations:detail", args=[conversation.pk]))
    assert selectors.staff_unread_count(manager) == 0
    assert ReadMark.objects.filter(user=manager, conversation=conversation).count() == 1


@pytest.mark.django_db
def test_an_empty_message_is_refused(partner_client, manager):
    response = partner_client.post(reverse("conversations:general"), {"text": "   "})

    assert response.status_code == 200
    assert "Напишите сообщение или приложите файл." in response.text
    assert Conversation.objects.count() == 0


@pytest.mark.django_db
def test_an_employee_without_orders_sees_only_the_general_conversation(partner_admin, manager):
    scope = scope_for(partner_admin)
    order = shipped_order_make(partner_admin.partner, author=partner_admin)
    general = services.conversation_start(scope=scope, order=None, text="General").conversation
    about = services.conversation_start(scope=scope, order=order, text="Order").conversation
    accountant = UserFactory(partner=partner_admin.partner, sections=[Section.FINANCE])
    client = client_for(accountant)

    listing = client.get(reverse("conversations:list"))

    assert [c.pk for c in listing.context["conversations"]] == [general.pk]
    assert client.get(reverse("conversations:detail", args=[about.pk])).status_code == 404
    assert client.get(reverse("conversations:order", args=[order.pk])).status_code == 403
