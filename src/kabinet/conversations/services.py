"""Writes of conversations and claims: messages with attachments, read marks, claims and their
status changes. Letters and in-app notifications go out after the commit (`notify.py`)."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.accounts.models import User
from kabinet.accounts.scope import Scope
from kabinet.conversations import notify
from kabinet.conversations.files import CheckedFile, attachments_check
from kabinet.conversations.models import (
    Attachment,
    Claim,
    ClaimEvent,
    ClaimLine,
    Conversation,
    Message,
    ReadMark,
)
from kabinet.conversations.selectors import claimed_quantities
from kabinet.conversations.workflow import (
    CLAIMABLE_ORDER_STATUSES,
    ClaimReason,
    ClaimStatus,
    Resolution,
    can_transition,
)
from kabinet.orders.models import Order, ShipmentLine

MAX_TEXT = 5000
# At most one letter about new messages per conversation and side in this time.
EMAIL_THROTTLE = datetime.timedelta(minutes=15)


def _message_checked(text: str, files: list) -> tuple[str, list[CheckedFile]]:
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("A message may be at most %(max)d characters long.") % {"max": MAX_TEXT},
            code="too_long",
        )
    checked = attachments_check(list(files or []))
    if not text and not checked:
        raise ValidationError(_("Write a message or attach a file."), code="empty")
    return text, checked


def _attachments_store(message: Message, checked: list[CheckedFile]) -> None:
    """Write the files, then their rows; if anything fails, remove what was written."""
    written: list[Attachment] = []
    try:
        for item in checked:
            attachment = Attachment(
                message=message,
                name=item.name,
                content_type=item.content_type,
                size=len(item.data),
            )
            written.append(attachment)
            attachment.file.save(item.name, ContentFile(item.data), save=False)
            if item.thumbnail is not None:
                attachment.thumbnail.save(item.name, ContentFile(item.thumbnail), save=False)
        Attachment.objects.bulk_create(written)
    except Exception:
        _files_delete(written)
        raise


def _files_delete(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        for field in (attachment.file, attachment.thumbnail):
            if field.name:
                field.storage.delete(field.name)


def _read_mark_set(conversation: Conversation, user: User, at: datetime.datetime) -> None:
    ReadMark.objects.update_or_create(
        conversation=conversation, user=user, defaults={"read_at": at}
    )


def _message_create(
    *,
    conversation: Conversation,
    author: User,
    text: str,
    checked: list[CheckedFile],
    from_staff: bool,
) -> Message:
    now = timezone.now()
    message = Message.objects.create(
        conversation=conversation, author=author, from_staff=from_staff, text=text, created_at=now
    )
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=now)
    _read_mark_set(conversation, author, now)
    email = _email_slot_take(conversation, to_staff=not from_staff, now=now)
    # Files last: after them only the commit remains, so a failure leaves no file behind.
    _attachments_store(message, checked)
    transaction.on_commit(lambda: notify.message_posted(message_id=message.pk, email=email))
    return message


def _email_slot_take(conversation: Conversation, *, to_staff: bool, now) -> bool:
    """May a letter about this message go out? One per conversation and side per 15 minutes.

    The conversation's timestamp is moved by a conditional UPDATE, so two messages at once
    still make one letter.
    """
    field = "manager_emailed_at" if to_staff else "partner_emailed_at"
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": now - EMAIL_THROTTLE})
    return bool(Conversation.objects.filter(free, pk=conversation.pk).update(**{field: now}))


@transaction.atomic
def message_send(
    *, conversation: Conversation, author: User, text: str, files=(), from_staff: bool = False
) -> Message:
    """Add a message (with attachments) to a conversation the author may read.

    `conversation` comes from a scoped selector; attachments are checked before anything is
    stored, and a refusal raises ValidationError with nothing written.
    """
    text, checked = _message_checked(text, files)
    return _message_create(
        conversation=conversation, author=author, text=text, checked=checked, from_staff=from_staff
    )


@transaction.atomic
def conversation_start(*, scope: Scope, order: Order | None, text: str, files=()) -> Message:
    """The partner's first message in the general conversation or in the one of an order
    (`order` from `selectors.message_order_get`); an existing conversation is reused."""
    text, checked = _message_checked(text, files)
    conversation, _created = Conversation.objects.get_or_create(
        partner_id=scope.partner_id, order=order, claim=None
    )
    return _message_create(
        conversation=conversation, author=scope.user, text=text, checked=checked, from_staff=False
    )


@transaction.atomic
def conversation_read(*, conversation: Conversation, user: User) -> None:
    """The user has read the conversation up to its last message."""
    _read_mark_set(conversation, user, timezone.now())


# --- claims -------------------------------------------------------------------------------


QUANTITY_STEP = Decimal("0.001")  # ClaimLine.quantity keeps three decimal places


def _quantity(raw) -> Decimal | None:
    """A typed quantity ("1,5" too), or None when it is not a number that can be stored (more
    than three decimals, too big, NaN)."""
    try:
        value = Decimal(str(raw).replace(",", ".").strip())
    except ArithmeticError:
        return None
    if not value.is_finite() or abs(value) >= 10**9 or value != value.quantize(QUANTITY_STEP):
        return None
    return value.quantize(QUANTITY_STEP)


@transaction.atomic
def claim_create(
    *,
    scope: Scope,
    order: Order,
    reason: str,
    description: str,
    quantities: dict[int, str | Decimal],
    files=(),
) -> Claim:
    """Open a claim on shipped goods of an order (`order` from `selectors.claim_order_get`).

    `quantities` maps the order's shipment line ids to the claimed quantity; blank and zero
    are left out. A line can never be claimed beyond what was shipped less what earlier
    claims took: the shipment lines are locked (in id order) while this is checked.
    """
    if order.status not in CLAIMABLE_ORDER_STATUSES or order.partner_id != scope.partner_id:
        raise ValidationError(_("A claim can be opened only for a shipped order."))
    if reason not in ClaimReason.values:
        raise ValidationError(_("Choose the reason of the claim."), code="reason")
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Describe what is wrong."), code="description")
    wanted: dict[int, Decimal] = {}
    for line_id, raw in quantities.items():
        if raw is None or str(raw).strip() == "":
            continue
        value = _quantity(raw)
        if value is None or value < 0:
            raise ValidationError(_("Quantities must be positive numbers."), code="quantity")
        if value > 0:
            wanted[int(line_id)] = value
    if not wanted:
        raise ValidationError(_("Choose at least one line and its quantity."), code="no_lines")
    text, checked = _message_checked(description, files)

    lines = list(
        ShipmentLine.objects.select_for_update()
        .filter(shipment__order=order, pk__in=wanted)
        .select_related("order_line")
        .order_by("pk")
    )
    if len(lines) != len(wanted):
        raise ValidationError(_("A chosen line is not in this order's shipments."))
    claimed = claimed_quantities(wanted)
    for line in lines:
        already = claimed.get(line.pk, Decimal(0))
        if wanted[line.pk] > line.quantity - already:
            raise ValidationError(
                _(
                    "“%(product)s”: at most %(available)s can be claimed (shipped %(shipped)s, "
                    "already claimed %(claimed)s)."
                )
                % {
                    "product": line.order_line.product_name,
                    "available": _number(max(line.quantity - already, Decimal(0))),
                    "shipped": _number(line.quantity),
                    "claimed": _number(already),
                },
                code="too_much",
            )

    claim = Claim.objects.create(
        partner_id=scope.partner_id,
        order=order,
        author=scope.user,
        reason=reason,
        description=description,
    )
    ClaimLine.objects.bulk_create(
        [ClaimLine(claim=claim, shipment_line=line, quantity=wanted[line.pk]) for line in lines]
    )
    ClaimEvent.objects.create(claim=claim, status=ClaimStatus.NEW, author=scope.user)
    conversation = Conversation.objects.create(
        partner_id=scope.partner_id, order=order, claim=claim
    )
    _message_create(
        conversation=conversation, author=scope.user, text=text, checked=checked, from_staff=False
    )
    return claim


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


@transaction.atomic
def claim_transition(
    *, claim: Claim, author: User, status: str, resolution: str = "", comment: str = ""
) -> ClaimEvent:
    """Move a claim along the table (staff only; `claim` from `selectors.staff_claim_get`).

    Resolving needs a resolution (replacement, credit note, return). The partner's people
    concerned are told after the commit.
    """
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if not can_transition(claim.status, status):
        raise ValidationError(
            _("A claim that is “%(current)s” cannot become “%(target)s”.")
            % {
                "current": ClaimStatus(claim.status).label,
                "target": ClaimStatus(status).label if status in ClaimStatus.values else status,
            },
            code="transition",
        )
    if status == ClaimStatus.RESOLVED:
        if resolution not in Resolution.values:
            raise ValidationError(_("Choose how the claim is resolved."), code="resolution")
    else:
        resolution = ""
    comment = (comment or "").strip()[:MAX_TEXT]
    event = ClaimEvent.objects.create(
        claim=claim,
        status=status,
        previous_status=claim.status,
        resolution=resolution,
        author=author,
        comment=comment,
    )
    claim.status = status
    if resolution:
        claim.resolution = resolution
    claim.save(update_fields=["status", "resolution", "updated_at"])
    transaction.on_commit(lambda: notify.claim_changed(event_id=event.pk))
    return event
