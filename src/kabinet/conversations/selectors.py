"""Reads of conversations and claims: the partner's through a Scope, the staff's by manager.

A partner user sees the partner's general conversation, and — with the "orders" section —
the conversations and claims of the orders they may see (an employee limited to some
counterparties: only those). A supplier manager sees the conversations and claims of the
partners they manage; a supplier administrator (superuser or the administrators' group) sees
all. "Missing" and "not yours" are both 404.
"""

from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from kabinet.accounts.models import Section, User
from kabinet.accounts.roles import ADMINISTRATOR_GROUP
from kabinet.accounts.scope import Scope
from kabinet.conversations.models import (
    Attachment,
    Claim,
    ClaimEvent,
    ClaimLine,
    Conversation,
    Message,
    ReadMark,
)
from kabinet.conversations.workflow import CLAIMABLE_ORDER_STATUSES
from kabinet.orders.models import Order, ShipmentLine
from kabinet.orders.selectors import order_qs

# --- who sees what ------------------------------------------------------------------------


def conversation_qs(scope: Scope) -> QuerySet[Conversation]:
    """Every conversation the partner user may read."""
    qs = Conversation.objects.filter(partner_id=scope.partner_id)
    general = Q(order__isnull=True)
    if not scope.can(Section.ORDERS):
        return qs.filter(general)
    return qs.filter(general | Q(order__in=order_qs(scope)))


def staff_is_administrator(user: User) -> bool:
    return user.is_superuser or user.groups.filter(name=ADMINISTRATOR_GROUP).exists()


def staff_conversation_qs(user: User) -> QuerySet[Conversation]:
    """Every conversation a staff member may read: their partners', or all for administrators."""
    if not (user.is_active and user.is_staff):
        return Conversation.objects.none()
    if staff_is_administrator(user):
        return Conversation.objects.all()
    return Conversation.objects.filter(partner__manager=user)


def claim_qs(scope: Scope) -> QuerySet[Claim]:
    if not scope.can(Section.ORDERS):
        return Claim.objects.none()
    return Claim.objects.filter(partner_id=scope.partner_id, order__in=order_qs(scope))


def staff_claim_qs(user: User) -> QuerySet[Claim]:
    if not (user.is_active and user.is_staff):
        return Claim.objects.none()
    if staff_is_administrator(user):
        return Claim.objects.all()
    return Claim.objects.filter(partner__manager=user)


# --- unread -------------------------------------------------------------------------------


def _read_at(user: User, conversation_ref: str):
    return Subquery(
        ReadMark.objects.filter(conversation=OuterRef(conversation_ref), user=user).values(
            "read_at"
        )[:1]
    )


def _with_unread(qs: QuerySet[Conversation], *, user: User, staff: bool) -> QuerySet:
    """Each conversation with `unread`: messages of the other side the user has not read."""
    return qs.annotate(read_at=_read_at(user, "pk")).annotate(
        unread=Count(
            "messages",
            filter=Q(messages__from_staff=not staff)
            & (Q(read_at__isnull=True) | Q(messages__created_at__gt=F("read_at"))),
        )
    )


def _unread_total(conversations: QuerySet[Conversation], *, user: User, staff: bool) -> int:
    return (
        Message.objects.filter(conversation__in=conversations, from_staff=not staff)
        .annotate(read_at=_read_at(user, "conversation_id"))
        .filter(Q(read_at__isnull=True) | Q(created_at__gt=F("read_at")))
        .count()
    )


def unread_count(scope: Scope) -> int:
    """Messages from the supplier the partner user has not read yet (the header counter)."""
    return _unread_total(conversation_qs(scope), user=scope.user, staff=False)


def staff_unread_count(user: User) -> int:
    return _unread_total(staff_conversation_qs(user), user=user, staff=True)


# --- conversations ------------------------------------------------------------------------


def _listed(qs: QuerySet[Conversation], *, user: User, staff: bool) -> list[Conversation]:
    last_text = Subquery(
        Message.objects.filter(conversation=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .values("text")[:1]
    )
    return list(
        _with_unread(qs, user=user, staff=staff)
        .annotate(last_text=last_text)
        .select_related("partner", "order", "claim")
        .order_by("-last_message_at", "-pk")[:200]
    )


def conversation_list(scope: Scope) -> list[Conversation]:
    """The user's conversations, latest first, each with `unread` and `last_text`."""
    return _listed(conversation_qs(scope), user=scope.user, staff=False)


def staff_conversation_list(*, user: User, unread_only: bool = False) -> list[Conversation]:
    qs = staff_conversation_qs(user)
    rows = _listed(qs, user=user, staff=True)
    return [row for row in rows if row.unread] if unread_only else rows


def _thread(qs: QuerySet[Conversation], conversation_id: int) -> Conversation:
    conversation = (
        qs.select_related("partner__manager", "order", "claim")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=Message.objects.select_related("author").prefetch_related("attachments"),
            )
        )
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise Http404
    return conversation


def conversation_get(scope: Scope, conversation_id: int) -> Conversation:
    """One of the user's conversations with its messages and their attachments."""
    return _thread(conversation_qs(scope), conversation_id)


def staff_conversation_get(user: User, conversation_id: int) -> Conversation:
    return _thread(staff_conversation_qs(user), conversation_id)


def conversation_general(scope: Scope) -> Conversation | None:
    return conversation_qs(scope).filter(order__isnull=True).first()


def conversation_of_order(scope: Scope, order: Order) -> Conversation | None:
    return conversation_qs(scope).filter(order=order, claim__isnull=True).first()


def message_order_get(scope: Scope, order_id: int) -> Order:
    """An order the user may write about (needs the orders section), else 404."""
    if not scope.can(Section.ORDERS):
        raise Http404
    order = order_qs(scope).filter(pk=order_id).first()
    if order is None:
        raise Http404
    return order


def attachment_get(scope: Scope, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(
        pk=attachment_id, message__conversation__in=conversation_qs(scope)
    ).first()
    if attachment is None:
        raise Http404
    return attachment


def staff_attachment_get(user: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(
        pk=attachment_id, message__conversation__in=staff_conversation_qs(user)
    ).first()
    if attachment is None:
        raise Http404
    return attachment


# --- claims -------------------------------------------------------------------------------


def claim_list(scope: Scope) -> list[Claim]:
    return list(claim_qs(scope).select_related("order", "author")[:200])


def staff_claim_list(*, user: User, status: str = "") -> list[Claim]:
    qs = staff_claim_qs(user).select_related("order", "partner", "author")
    if status:
        qs = qs.filter(status=status)
    return list(qs[:200])


def _claim_detail(qs: QuerySet[Claim], claim_id: int) -> Claim:
    claim = (
        qs.select_related("order", "partner", "author", "conversation")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ClaimLine.objects.select_related(
                    "shipment_line__order_line", "shipment_line__shipment"
                ),
            ),
            Prefetch("events", queryset=ClaimEvent.objects.select_related("author")),
        )
        .filter(pk=claim_id)
        .first()
    )
    if claim is None:
        raise Http404
    return claim


def claim_get(scope: Scope, claim_id: int) -> Claim:
    """One of the user's claims with its lines and history, else 404."""
    return _claim_detail(claim_qs(scope), claim_id)


def staff_claim_get(user: User, claim_id: int) -> Claim:
    return _claim_detail(staff_claim_qs(user), claim_id)


def claim_order_get(scope: Scope, order_id: int) -> Order:
    """An order of the user's the user may claim about (shipped or completed), else 404."""
    order = message_order_get(scope, order_id)
    if order.status not in CLAIMABLE_ORDER_STATUSES:
        raise Http404
    return order


def claimed_quantities(shipment_line_ids) -> dict[int, Decimal]:
    """How much of each shipment line is already claimed (every claim counts)."""
    rows = (
        ClaimLine.objects.filter(shipment_line_id__in=list(shipment_line_ids))
        .values("shipment_line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["shipment_line_id"]: row["total"] for row in rows}


def claimable_lines(order: Order) -> list[ShipmentLine]:
    """The order's shipment lines, each with `claimed` and `available` (shipped − claimed)."""
    lines = list(
        ShipmentLine.objects.filter(shipment__order=order)
        .select_related("order_line", "shipment")
        .annotate(
            claimed=Coalesce(
                Sum("claim_lines__quantity"),
                Value(Decimal(0)),
                output_field=DecimalField(max_digits=12, decimal_places=3),
            )
        )
        .order_by("shipment__date", "shipment_id", "pk")
    )
    for line in lines:
        line.available = max(line.quantity - line.claimed, Decimal(0))
    return lines
