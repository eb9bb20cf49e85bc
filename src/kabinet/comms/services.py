"""Notifications (E5): in-app, e-mail and SMS, on order status changes; in-app and e-mail
when a reconciliation act is ready (F3).

`notify_order_event` runs after the transition is committed (`orders.services` registers it
with `transaction.on_commit`). Who hears of it and how is decided in one place,
`order_event_recipients` (per-user settings plug in there):

- the order's author and the partner's administrators (employees with the "employees"
  section) who may act for the order's counterparty — active users only, never the person who
  made the change — get an in-app notification, and a letter when they have an e-mail;
- an SMS goes to the order's author (with a phone) when the new status is listed in
  `settings.KABINET_SMS_STATUSES` (default: shortage, shipped); to the administrators as well
  when `settings.KABINET_SMS_TO` is "everyone" (default "author");
- the partner's manager at the supplier (`Partner.manager`) gets a letter, linking to the
  order in the staff pages, when the partner sends an order and when it answers a shortage;
- an order that starts waiting for approval is announced to its approvers only
  (`approvals.selectors.order_approvers`); the approver's decision (sent, or returned to
  draft with a comment) reaches the author as any status change does.

Texts are rendered in each user's language. A failing mail server or SMS gateway is logged and
does not stop the others.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kabinet.accounts.models import Section, User
from kabinet.accounts.scope import Scope
from kabinet.approvals.selectors import order_approvers
from kabinet.comms.models import Notification
from kabinet.comms.sms import get_sms_sender
from kabinet.finance.models import ReconciliationRequest
from kabinet.orders.models import Order, OrderEvent
from kabinet.orders.workflow import Actor, Status

logger = logging.getLogger(__name__)

DEFAULT_SMS_STATUSES = (Status.SHORTAGE, Status.SHIPPED)


def sms_statuses() -> frozenset[str]:
    return frozenset(getattr(settings, "KABINET_SMS_STATUSES", None) or DEFAULT_SMS_STATUSES)


def user_language(user: User) -> str:
    """The language to write to a user in: theirs when one is stored, else the portal's."""
    language = getattr(user, "language", "") or ""
    supported = {code for code, _name in settings.LANGUAGES}
    return language if language in supported else settings.LANGUAGE_CODE


def sms_to_everyone() -> bool:
    return getattr(settings, "KABINET_SMS_TO", "author") == "everyone"


@dataclass(frozen=True)
class Recipient:
    """One person to tell of an order event, and by which channels."""

    user: User
    in_app: bool
    email: bool
    sms: bool
    staff: bool = False  # the supplier's manager: the letter links to the staff pages


def _manager_hears(event: OrderEvent) -> bool:
    """The partner's manager hears of sent orders and of the partner's answers to a shortage."""
    if event.actor != Actor.PARTNER:
        return False
    return event.status == Status.SENT or event.previous_status == Status.SHORTAGE


def order_event_recipients(event: OrderEvent) -> list[Recipient]:
    """Who is told of an order event and how (see the module docstring), in two queries."""
    order = event.order
    users = list(User.objects.filter(partner_id=order.partner_id, is_active=True))
    restricted: dict[int, set[int]] = {}
    through = User.counterparties.through.objects.filter(user__partner_id=order.partner_id)
    for user_id, counterparty_id in through.values_list("user_id", "counterparty_id"):
        restricted.setdefault(user_id, set()).add(counterparty_id)

    def may_see(user: User) -> bool:
        allowed = restricted.get(user.pk)
        return allowed is None or order.counterparty_id in allowed

    if event.status == Status.AWAITING_APPROVAL:
        # The order waits for its approvers: they, and only they, are asked (in-app, letter).
        approvers = order_approvers(order)
        return [
            Recipient(user=user, in_app=True, email=bool(user.email), sms=False)
            for user in users
            if user.pk in approvers and user.pk != event.author_id
        ]
    sms_status = event.status in sms_statuses()
    recipients = [
        Recipient(
            user=user,
            in_app=True,
            email=bool(user.email),
            sms=bool(user.phone)
            and sms_status
            and (user.pk == order.author_id or sms_to_everyone()),
        )
        for user in users
        if user.pk != event.author_id
        and may_see(user)
        and (user.pk == order.author_id or Section.EMPLOYEES in (user.sections or []))
    ]
    manager = order.partner.manager
    if (
        manager is not None
        and manager.is_active
        and manager.is_staff
        and manager.email
        and manager.pk != event.author_id
        and _manager_hears(event)
    ):
        recipients.append(Recipient(user=manager, in_app=False, email=True, sms=False, staff=True))
    return recipients


@dataclass(frozen=True)
class _Texts:
    title: str
    body: str
    subject: str
    letter: str
    sms: str


def _order_url(order: Order, *, staff: bool, approval: bool = False) -> str:
    if staff:
        path = reverse("admin:orders_order_change", args=[order.pk])
    elif approval:  # approvers may lack the orders section: their page is the approval's
        path = reverse("approvals:detail", args=[order.pk])
    else:
        path = reverse("orders:detail", args=[order.pk])
    return settings.KABINET_SITE_URL.rstrip("/") + path


def _texts(event: OrderEvent, recipient: Recipient) -> _Texts:
    order, user = event.order, recipient.user
    with translation.override(user_language(user)):
        status = Status(event.status).label
        by = event.author or (gettext("the supplier") if event.actor == Actor.SUPPLIER else "")
        context = {
            "user": user,
            "order": order,
            "event": event,
            "status": status,
            "by": by,
            "url": _order_url(
                order,
                staff=recipient.staff,
                approval=event.status == Status.AWAITING_APPROVAL,
            ),
            "supplier": settings.KABINET_SUPPLIER_NAME,
        }
        if recipient.staff:
            subject = gettext("Order %(number)s of %(partner)s: %(status)s") % {
                "number": order.number,
                "partner": order.partner.name,
                "status": status,
            }
            letter = render_to_string("comms/email/order_event_staff.txt", context)
            return _Texts(title=subject, body="", subject=subject, letter=letter, sms="")
        title = gettext("Order %(number)s: %(status)s") % {"number": order.number, "status": status}
        return _Texts(
            title=title,
            body=render_to_string("comms/notification/order_event.txt", context).strip(),
            subject=title,
            letter=render_to_string("comms/email/order_event.txt", context),
            sms=render_to_string("comms/sms/order_event.txt", context).strip(),
        )


def notify_order_event(*, event: OrderEvent) -> list[Notification]:
    """Tell the people concerned of an order's status change (see the module docstring)."""
    event = OrderEvent.objects.select_related(
        "order__counterparty", "order__partner__manager", "author"
    ).get(pk=event.pk)
    recipients = order_event_recipients(event)
    texts = [(r, _texts(event, r)) for r in recipients]
    notifications = Notification.objects.bulk_create(
        [
            Notification(user=r.user, order=event.order, title=text.title[:300], body=text.body)
            for r, text in texts
            if r.in_app
        ]
    )
    _send_letters([(r.user, text) for r, text in texts if r.email and r.user.email])
    _send_sms([(r.user, text) for r, text in texts if r.sms and r.user.phone])
    return notifications


@dataclass(frozen=True)
class Message:
    """A notification about anything but an order event, for one user, in their language.

    The in-app notification is always made; the letter (subject: the title) and the SMS only
    when their text is given and the user has an e-mail / a phone.
    """

    user: User
    title: str
    body: str = ""
    letter: str = ""
    sms: str = ""

    @property
    def subject(self) -> str:
        return self.title


def notify_users(*, messages: list[Message]) -> list[Notification]:
    """Tell users of something (events, news…) by the same channels as order events."""
    notifications = Notification.objects.bulk_create(
        [Notification(user=m.user, title=m.title[:300], body=m.body) for m in messages]
    )
    _send_letters([(m.user, m) for m in messages if m.letter and m.user.email])
    _send_sms([(m.user, m) for m in messages if m.sms and m.user.phone])
    return notifications


def _send_letters(letters: list[tuple[User, _Texts | Message]]) -> None:
    if not letters:
        return
    try:
        with get_connection() as connection:
            for user, texts in letters:
                message = EmailMessage(
                    subject=texts.subject,
                    body=texts.letter,
                    to=[user.email],
                    connection=connection,
                )
                try:
                    message.send()
                except Exception:
                    logger.exception("notification e-mail to user %s failed", user.pk)
    except Exception:
        logger.exception("cannot connect to the mail server for notifications")


def _send_sms(messages: list[tuple[User, _Texts | Message]]) -> None:
    if not messages:
        return
    sender = get_sms_sender()
    for user, texts in messages:
        try:
            sender.send(phone=user.phone, text=texts.sms)
        except Exception:
            logger.exception("notification SMS to user %s failed", user.pk)


@transaction.atomic
def notification_read(*, scope: Scope, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (404 for anyone else's)."""
    notification = Notification.objects.filter(pk=notification_id, user=scope.user).first()
    if notification is None:
        raise Http404
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_read_all(*, scope: Scope) -> int:
    return Notification.objects.filter(user=scope.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ── Finance: a reconciliation act is ready (F3) ─────────────────────────────────────────────


def act_ready_recipients(act_request: ReconciliationRequest) -> list[User]:
    """Who asked for the act, while they are active and have the finance section; when they
    cannot be told, the partner's users with finance who may act for its counterparty."""
    requester = act_request.requested_by
    if (
        requester is not None
        and requester.is_active
        and requester.partner_id == act_request.partner_id
        and Section.FINANCE in (requester.sections or [])
    ):
        return [requester]
    users = User.objects.filter(partner_id=act_request.partner_id, is_active=True)
    restricted: dict[int, set[int]] = {}
    through = User.counterparties.through.objects.filter(user__partner_id=act_request.partner_id)
    for user_id, counterparty_id in through.values_list("user_id", "counterparty_id"):
        restricted.setdefault(user_id, set()).add(counterparty_id)
    return [
        user
        for user in users
        if Section.FINANCE in (user.sections or [])
        and act_request.counterparty_id in restricted.get(user.pk, {act_request.counterparty_id})
    ]


def _act_texts(act_request: ReconciliationRequest, user: User) -> _Texts:
    with translation.override(user_language(user)):
        context = {
            "user": user,
            "act": act_request,
            "url": settings.KABINET_SITE_URL.rstrip("/") + reverse("finance:acts"),
            "supplier": settings.KABINET_SUPPLIER_NAME,
        }
        title = gettext("The reconciliation act is ready")
        return _Texts(
            title=title,
            body=render_to_string("comms/notification/act_ready.txt", context).strip(),
            subject=title,
            letter=render_to_string("comms/email/act_ready.txt", context),
            sms="",
        )


def notify_act_ready(*, request_id: int) -> list[Notification]:
    """Tell the user who asked that their reconciliation act can be downloaded (in-app, e-mail).

    Runs after the act is stored (`finance.services.reconciliation_act_attach`, on commit).
    """
    act_request = ReconciliationRequest.objects.select_related("counterparty", "requested_by").get(
        pk=request_id
    )
    recipients = act_ready_recipients(act_request)
    texts = {user.pk: _act_texts(act_request, user) for user in recipients}
    notifications = Notification.objects.bulk_create(
        [
            Notification(user=user, title=texts[user.pk].title, body=texts[user.pk].body)
            for user in recipients
        ]
    )
    _send_letters([(user, texts[user.pk]) for user in recipients if user.email])
    return notifications
