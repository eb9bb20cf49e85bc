"""Placing an order from the working cart (C2): validate, freeze prices, number, send or keep.

`order_place` is one transaction. It locks the cart first, so a double-submitted form waits
for the first submission and then finds its order by `submit_token` (the same order comes
back, never a second one), and two different submits of one cart cannot both order it.

Prices are read live from `pricing.selectors` at this moment and frozen on the order lines
with copies of the product's name, article and unit. Lines no longer available (inactive,
outside the assortment, unpriced) are left out — the cart shows them so — and the cart is
emptied once the order exists. Lines breaking the order multiple or minimum refuse the whole
order with the list of problem lines, creating nothing.

Credit check (`KABINET_CREDIT_CHECK` = "warn" (default) | "block" | "off"): sending an order
that takes an agreement's exposure above `Agreement.credit_limit` is refused ("block"; a draft
may still be saved) or sent with a warning ("warn"). Agreements without a limit are not checked.
The exposure is
- with a debt sent by the ERP (`finance.Debt`, through the ERP API): that debt, plus the orders
  it cannot contain yet — orders in work not shipped (sent, accepted, shortage, assembling) and
  shipped orders with no shipment dated on or before the debt's "as of" date;
- without one (the fallback, e.g. before the ERP is connected): the total of the agreement's
  orders in work — sent, accepted, shortage, assembling and shipped (shipped ones count until
  completed, as if unpaid).
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, DeliveryAddress
from kabinet.accounts.scope import Scope
from kabinet.cart.models import Cart, CartLine
from kabinet.cart.rules import quantity_display
from kabinet.cart.selectors import CartView, cart_view
from kabinet.core.money import currency_sign, money, vat_of_gross
from kabinet.finance.selectors import agreement_debt
from kabinet.orders.models import Order, OrderEvent, OrderLine, Shipment
from kabinet.orders.services import order_dispatch
from kabinet.orders.workflow import IN_WORK, Actor, Status
from kabinet.pricing.selectors import agreement_for

CART_EMPTY = _("The cart has nothing that can be ordered.")
NOT_YOUR_CART = _("Only the owner of the cart can order it.")
AGREEMENT_OTHER_COUNTERPARTY = _("Choose an agreement of the cart's counterparty.")
ADDRESS_UNKNOWN = _("Choose a delivery address of the order's counterparty.")
DATE_IN_PAST = _("The desired delivery date cannot be in the past.")
PROBLEM_LINE = _("“%(product)s”: %(problem)s Order %(suggested)s %(unit)s.")
CREDIT_EXCEEDED = _(
    "The order takes the agreement over its credit limit: limit %(limit)s, orders in work "
    "%(in_work)s, this order %(amount)s."
)
CREDIT_EXCEEDED_WITH_DEBT = _(
    "The order takes the agreement over its credit limit: limit %(limit)s, debt %(debt)s, "
    "orders in work %(in_work)s, this order %(amount)s."
)
CREDIT_BLOCKED = _("It cannot be sent now; you may save it as a draft.")
TOKEN_USED = _("This form was already used. Reload the page and try again.")
COMMENT_MAX = 2000


class CreditCheck:
    OFF = "off"
    WARN = "warn"
    BLOCK = "block"


@dataclass(frozen=True, slots=True)
class CreditStatus:
    limit: Decimal
    in_work: Decimal
    amount: Decimal
    mode: str
    currency: str
    debt: Decimal | None = None  # the ERP's; None: it sent none, orders in work stand for it

    @property
    def available(self) -> Decimal:
        return self.limit - self.in_work - (self.debt or 0)

    @property
    def exceeded(self) -> bool:
        return self.amount > self.available

    @property
    def blocks(self) -> bool:
        return self.exceeded and self.mode == CreditCheck.BLOCK

    @property
    def message(self) -> str:
        values = {
            "limit": _money_text(self.limit, self.currency),
            "in_work": _money_text(self.in_work, self.currency),
            "amount": _money_text(self.amount, self.currency),
        }
        if self.debt is None:
            return CREDIT_EXCEEDED % values
        return CREDIT_EXCEEDED_WITH_DEBT % {**values, "debt": _money_text(self.debt, self.currency)}


def credit_mode() -> str:
    mode = getattr(settings, "KABINET_CREDIT_CHECK", CreditCheck.WARN)
    return mode if mode in (CreditCheck.OFF, CreditCheck.WARN, CreditCheck.BLOCK) else "warn"


def credit_status(*, agreement: Agreement, amount: Decimal) -> CreditStatus | None:
    """The agreement's credit position with an order of `amount` added (see the module doc).

    None when the check is off or the agreement has no limit. The caller has checked that the
    agreement is one the user may act for.
    """
    mode = credit_mode()
    if mode == CreditCheck.OFF or agreement.credit_limit is None:
        return None
    orders = Order.objects.filter(agreement_id=agreement.pk, status__in=IN_WORK)
    debt = agreement_debt(agreement_id=agreement.pk)
    if debt is not None:
        in_debt = Shipment.objects.filter(order=OuterRef("pk"), date__lte=debt.as_of)
        orders = orders.exclude(Q(status=Status.SHIPPED) & Exists(in_debt))
    in_work = orders.aggregate(total=Sum("total"))["total"]
    return CreditStatus(
        limit=agreement.credit_limit,
        in_work=money(in_work or 0),
        amount=amount,
        mode=mode,
        currency=agreement.currency,
        debt=None if debt is None else money(debt.balance),
    )


def submit_token_new() -> str:
    """A fresh token for the hidden field of a checkout form."""
    return uuid.uuid4().hex


def order_number(order: Order) -> str:
    """ "К-2026-000123": a prefix, the year and the order's id, unique without a counter table."""
    prefix = getattr(settings, "KABINET_ORDER_PREFIX", "К")
    return f"{prefix}-{timezone.localdate(order.created_at).year}-{order.pk:06d}"


@transaction.atomic
def order_place(
    *,
    scope: Scope,
    cart: Cart,
    agreement: Agreement,
    address_id: int | None,
    desired_date: date | None,
    comment: str,
    send: bool,
    submit_token: str,
) -> Order:
    """Turn the user's working cart into an order: a draft (`send=False`) or sent to the supplier.

    Raises ValidationError (nothing created) for a wrong address, a past date, an empty cart,
    lines to fix, or — in "block" mode — a sent order over the credit limit. The returned order
    carries `placement_warnings` (messages for the user, e.g. the credit warning).
    """
    token = (submit_token or "").strip()[:64] or None
    if cart.pk is None or cart.partner_id != scope.partner_id or cart.name:
        raise Http404
    if cart.owner_id != scope.user.pk:
        raise PermissionDenied(NOT_YOUR_CART)
    agreement = agreement_for(scope, agreement.pk)  # in scope and active, else 404
    # The lock: a second submit waits here until the first has committed.
    if not Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now()):
        raise Http404
    if token and (done := _order_by_token(scope, token)) is not None:
        return done
    if agreement.counterparty_id != cart.counterparty_id:
        raise ValidationError(AGREEMENT_OTHER_COUNTERPARTY)
    address = _address(agreement, address_id)
    if desired_date is not None and desired_date < timezone.localdate():
        raise ValidationError(DATE_IN_PAST)
    view = cart_view(scope=scope, cart=cart, agreement=agreement, stock_of=[])
    _check_lines(view)
    warnings: list[str] = []
    if send:
        credit = _credit_locked(agreement, view.totals.amount)
        if credit is not None and credit.exceeded:
            if credit.blocks:
                raise ValidationError([credit.message, str(CREDIT_BLOCKED)])
            warnings.append(credit.message)
    order = _order_create(
        scope=scope,
        cart=cart,
        agreement=agreement,
        address=address,
        view=view,
        desired_date=desired_date,
        comment=comment,
        token=token,
    )
    if send:
        order_dispatch(order=order, author=scope.user)
    CartLine.objects.filter(cart_id=cart.pk).delete()
    order.placement_warnings = warnings
    return order


def _order_by_token(scope: Scope, token: str) -> Order | None:
    order = Order.objects.filter(submit_token=token, partner_id=scope.partner_id).first()
    if order is not None:
        order.placement_warnings = []
    return order


def _address(agreement: Agreement, address_id: int | None) -> DeliveryAddress | None:
    if address_id is None:
        return None
    address = DeliveryAddress.objects.filter(
        pk=address_id, counterparty_id=agreement.counterparty_id, is_active=True
    ).first()
    if address is None:
        raise ValidationError(ADDRESS_UNKNOWN)
    return address


def _check_lines(view: CartView) -> None:
    """Refuse an empty cart, and list every line to fix (multiple, minimum) with its remedy."""
    if not any(line.available for line in view.lines):
        raise ValidationError(CART_EMPTY)
    problems = [
        PROBLEM_LINE
        % {
            "product": line.title,
            "problem": " ".join(w.message for w in line.blocking_warnings),
            "suggested": quantity_display(line.suggested_quantity or line.quantity),
            "unit": line.unit,
        }
        for line in view.problems
    ]
    if problems:
        raise ValidationError(problems)


def _credit_locked(agreement: Agreement, amount: Decimal) -> CreditStatus | None:
    """The credit position, with the agreement locked so two sends cannot both pass a limit."""
    if credit_mode() == CreditCheck.BLOCK:
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
    return credit_status(agreement=agreement, amount=amount)


def _order_create(
    *, scope, cart, agreement, address, view: CartView, desired_date, comment, token
) -> Order:
    lines = [line for line in view.lines if line.available]
    vat = sum((vat_of_gross(line.amount, line.price.vat_rate) for line in lines), Decimal(0))
    try:
        with transaction.atomic():
            order = Order.objects.create(
                number=f"new-{uuid.uuid4().hex}",  # replaced below, once the id is known
                partner_id=scope.partner_id,
                counterparty_id=cart.counterparty_id,
                agreement=agreement,
                address=address,
                author=scope.user,
                status=Status.DRAFT,
                desired_date=desired_date,
                comment=(comment or "").strip()[:COMMENT_MAX],
                currency=view.totals.currency,
                total=money(sum((line.amount for line in lines), Decimal(0))),
                vat_total=money(vat),
                submit_token=token,
            )
    except IntegrityError:
        # The token belongs to an order this partner cannot see: refuse rather than reveal.
        raise ValidationError(TOKEN_USED) from None
    order.number = order_number(order)
    order.save(update_fields=["number"])
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant_id=line.variant_id,
            product_name=line.title[:500],
            article=line.article,
            unit=line.unit,
            quantity=line.quantity,
            price=line.price.amount,
            vat_rate=line.price.vat_rate,
            amount=line.amount,
            sort=position,
        )
        for position, line in enumerate(lines)
    )
    OrderEvent.objects.create(
        order=order, status=Status.DRAFT, actor=Actor.PARTNER, author=scope.user
    )
    return order


def _money_text(amount: Decimal, currency: str) -> str:
    text = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{text}\xa0{currency_sign(currency)}"
