"""Telling the other side of new messages and claim status changes, after the commit.

Through the existing notification channels of `comms`: in-app notifications for the
partner's people, letters for both sides (rendered in each recipient's language).

- A partner's message: a letter to the partner's manager (`Partner.manager`), at most one per
  conversation per 15 minutes (`services._email_slot_take` decided it in the transaction).
- A staff message: an in-app notification to the partner's people concerned, each time, and
  a letter to them under the same 15-minute rule.
- A claim's status change: an in-app notification and a letter to the people concerned.

The partner's people concerned with a conversation: active users who may read it and who
wrote in it, authored its order or claim, or are the partner's administrators.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kabinet.accounts.models import Section, User
from kabinet.accounts.scope import scope_for
from kabinet.comms.models import Notification
from kabinet.comms.services import _send_letters, _Texts, user_language
from kabinet.conversations.models import ClaimEvent, Conversation, Message
from kabinet.conversations.workflow import ClaimStatus, Resolution


def _url(path: str) -> str:
    return settings.KABINET_SITE_URL.rstrip("/") + path


def partner_people(conversation: Conversation, *, exclude: int | None = None) -> list[User]:
    """The partner's users to tell about this conversation (see the module docstring)."""
    writers = set(
        Message.objects.filter(conversation=conversation, from_staff=False).values_list(
            "author_id", flat=True
        )
    )
    if conversation.order_id is not None:
        writers.add(conversation.order.author_id)
    if conversation.claim_id is not None:
        writers.add(conversation.claim.author_id)
    people = []
    for user in User.objects.filter(partner_id=conversation.partner_id, is_active=True):
        if user.pk == exclude:
            continue
        if user.pk not in writers and Section.EMPLOYEES not in (user.sections or []):
            continue
        scope = scope_for(user)
        if scope is None:
            continue
        if conversation.order_id is not None and not _may_see_order(scope, conversation):
            continue
        people.append(user)
    return people


def _may_see_order(scope, conversation: Conversation) -> bool:
    if not scope.can(Section.ORDERS):
        return False
    allowed = scope.counterparty_ids
    return allowed is None or conversation.order.counterparty_id in allowed


def _subject(conversation: Conversation) -> str:
    if conversation.claim_id is not None:
        return gettext("Claim № %(number)s on order %(order)s") % {
            "number": conversation.claim_id,
            "order": conversation.order.number,
        }
    if conversation.order_id is not None:
        return gettext("Order %(order)s") % {"order": conversation.order.number}
    return gettext("General questions")


def message_posted(*, message_id: int, email: bool) -> None:
    message = Message.objects.select_related(
        "author", "conversation__partner__manager", "conversation__order", "conversation__claim"
    ).get(pk=message_id)
    if message.from_staff:
        _to_partner(message, email=email)
    elif email:
        _to_manager(message)


def _to_manager(message: Message) -> None:
    conversation = message.conversation
    manager = conversation.partner.manager
    if manager is None or not (manager.is_active and manager.is_staff and manager.email):
        return
    with translation.override(user_language(manager)):
        subject = gettext("%(partner)s: new message — %(topic)s") % {
            "partner": conversation.partner.name,
            "topic": _subject(conversation),
        }
        letter = render_to_string(
            "conversations/email/message.txt",
            {
                "user": manager,
                "message": message,
                "topic": _subject(conversation),
                "partner": conversation.partner,
                "url": _url(reverse("staff-conversations:detail", args=[conversation.pk])),
                "supplier": settings.KABINET_SUPPLIER_NAME,
            },
        )
    _send_letters(
        [(manager, _Texts(title=subject, body="", subject=subject, letter=letter, sms=""))]
    )


def _to_partner(message: Message, *, email: bool) -> None:
    conversation = message.conversation
    people = partner_people(conversation, exclude=message.author_id)
    notifications, letters = [], []
    for user in people:
        with translation.override(user_language(user)):
            topic = _subject(conversation)
            title = gettext("New message from your manager — %(topic)s") % {"topic": topic}
            letter = render_to_string(
                "conversations/email/message.txt",
                {
                    "user": user,
                    "message": message,
                    "topic": topic,
                    "partner": None,
                    "url": _url(reverse("conversations:detail", args=[conversation.pk])),
                    "supplier": settings.KABINET_SUPPLIER_NAME,
                },
            )
        notifications.append(
            Notification(user=user, order=None, title=title[:300], body=message.text[:500])
        )
        if email and user.email:
            letters.append(
                (user, _Texts(title=title, body="", subject=title, letter=letter, sms=""))
            )
    Notification.objects.bulk_create(notifications)
    _send_letters(letters)


def claim_changed(*, event_id: int) -> None:
    event = ClaimEvent.objects.select_related("claim__order", "claim__conversation", "author").get(
        pk=event_id
    )
    claim = event.claim
    conversation = claim.conversation
    notifications, letters = [], []
    for user in partner_people(conversation, exclude=event.author_id):
        with translation.override(user_language(user)):
            status = ClaimStatus(event.status).label
            title = gettext("Claim № %(number)s: %(status)s") % {
                "number": claim.pk,
                "status": status,
            }
            context = {
                "user": user,
                "claim": claim,
                "event": event,
                "status": status,
                "resolution": Resolution(event.resolution).label if event.resolution else "",
                "url": _url(reverse("claims:detail", args=[claim.pk])),
                "supplier": settings.KABINET_SUPPLIER_NAME,
            }
            letter = render_to_string("conversations/email/claim_status.txt", context)
            body = render_to_string("conversations/email/claim_status_short.txt", context).strip()
        notifications.append(Notification(user=user, title=title[:300], body=body))
        if user.email:
            letters.append(
                (user, _Texts(title=title, body=body, subject=title, letter=letter, sms=""))
            )
    Notification.objects.bulk_create(notifications)
    _send_letters(letters)
