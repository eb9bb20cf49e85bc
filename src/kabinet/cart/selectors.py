"""Reads of carts, always through a Scope; prices and stock are read live, never stored.

A user sees their own carts and the saved carts colleagues of the same partner shared, for the
counterparties the user may act for; anything else is 404. `cart_view` prices a whole cart in a
fixed number of queries whatever its size: the lines (one query), the pricing context,
`prices_for`, the orderable check and `stock_for` — one each.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, Counterparty
from kabinet.accounts.scope import Scope
from kabinet.accounts.selectors import counterparty_qs
from kabinet.cart.models import Cart, CartLine
from kabinet.cart.rules import is_multiple, nearest_valid_quantity, quantity_display
from kabinet.catalog.stock import stock_display
from kabinet.core.money import money, vat_of_gross
from kabinet.pricing.selectors import (
    UnitPrice,
    assortment_allows,
    prices_for,
    pricing_context,
    stock_for,
)

# Database ids are signed 64-bit: a larger number in a URL is simply not found.
ID_MAX = 2**63 - 1

UNAVAILABLE = _("No longer available: it will not be ordered. Remove it from the cart.")
OUT_OF_STOCK = _("Out of stock: the supplier will confirm what it can deliver.")
SHORT_STOCK = _("Only %(stock)s %(unit)s in stock: the supplier will confirm the rest.")
SHORT_STOCK_LEVELS = _("Not enough in stock: the supplier will confirm what it can deliver.")
BELOW_MINIMUM = _("The minimum order is %(minimum)s %(unit)s.")
NOT_MULTIPLE = _("Sold in multiples of %(multiple)s %(unit)s.")


class WarningCode:
    UNAVAILABLE = "unavailable"
    STOCK = "stock"
    MINIMUM = "minimum"
    MULTIPLE = "multiple"


# Problems that keep a cart from being ordered until fixed (stock is the supplier's call).
BLOCKING = frozenset({WarningCode.MINIMUM, WarningCode.MULTIPLE})


@dataclass(frozen=True, slots=True)
class LineWarning:
    code: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING


@dataclass(slots=True)
class LineView:
    variant_id: int
    product_id: int
    title: str
    article: str
    unit: str
    quantity: Decimal
    fractional: bool
    order_multiple: Decimal
    min_quantity: Decimal
    weight_kg: Decimal | None
    volume_m3: Decimal | None
    available: bool
    price: UnitPrice | None
    amount: Decimal | None
    stock: Decimal | None = None  # None: not read (only the rows shown need it)
    warnings: list[LineWarning] = field(default_factory=list)
    suggested_quantity: Decimal | None = None

    @property
    def blocking_warnings(self) -> list[LineWarning]:
        return [w for w in self.warnings if w.blocking]


@dataclass(slots=True)
class CartTotals:
    count: int = 0  # every line, available or not
    lines: int = 0  # lines that will be ordered
    unavailable: int = 0
    problems: int = 0  # lines to fix before the cart can be sent (multiple, minimum)
    quantity: Decimal = Decimal(0)
    amount: Decimal = Decimal("0.00")  # VAT included
    vat: Decimal = Decimal("0.00")
    vat_by_rate: list[tuple[Decimal | None, Decimal]] = field(default_factory=list)
    weight_kg: Decimal | None = None
    weight_partial: bool = False  # some lines have no known weight
    volume_m3: Decimal | None = None
    volume_partial: bool = False
    currency: str = ""


@dataclass(slots=True)
class CartView:
    cart: Cart
    agreement: Agreement | None
    lines: list[LineView]
    totals: CartTotals

    @property
    def problems(self) -> list[LineView]:
        """Available lines that must be fixed before the cart can be ordered."""
        return [line for line in self.lines if line.available and line.blocking_warnings]


def valid_id(value: int) -> bool:
    return 0 < value <= ID_MAX


# --- Which carts a user sees ---------------------------------------------------------------


def cart_qs(scope: Scope) -> QuerySet[Cart]:
    """Every cart the user may see: their own, and saved carts colleagues shared."""
    return Cart.objects.filter(
        Q(owner_id=scope.user.pk) | (Q(shared=True) & ~Q(name="")),
        partner_id=scope.partner_id,
        counterparty__in=counterparty_qs(scope),
    )


def cart_working(*, scope: Scope, counterparty: Counterparty, agreement: Agreement) -> Cart:
    """The user's working cart for the counterparty, priced by `agreement`.

    An unsaved empty cart when the user has none yet: reading a page never creates rows
    (`services.cart_get_or_create` does, on the first change).
    """
    cart = cart_qs(scope).filter(owner_id=scope.user.pk, counterparty=counterparty, name="").first()
    if cart is None:
        cart = Cart(
            partner_id=scope.partner_id, owner=scope.user, counterparty=counterparty, name=""
        )
    cart.counterparty = counterparty
    cart.agreement = agreement  # prices follow the agreement the user acts for now
    return cart


def cart_has_line(*, cart: Cart, variant_id: int) -> bool:
    if cart.pk is None or not valid_id(variant_id):
        return False
    return CartLine.objects.filter(cart_id=cart.pk, variant_id=variant_id).exists()


def saved_cart_list(scope: Scope) -> list[Cart]:
    """The user's saved carts and those colleagues shared, with their number of lines."""
    return list(
        cart_qs(scope)
        .exclude(name="")
        .select_related("owner", "counterparty")
        .annotate(line_count=Count("lines"))
        .order_by("name", "-updated_at", "pk")
    )


def saved_cart_get(scope: Scope, cart_id: int) -> Cart:
    """A saved cart the user may see (their own or shared with them), else 404."""
    if not valid_id(cart_id):
        raise Http404
    cart = (
        cart_qs(scope)
        .exclude(name="")
        .select_related("owner", "counterparty")
        .filter(pk=cart_id)
        .first()
    )
    if cart is None:
        raise Http404
    return cart


# --- A cart with live prices, stock and warnings ---------------------------------------------

_LINE_FIELDS = (
    "variant_id",
    "quantity",
    "variant__name",
    "variant__is_active",
    "variant__product_id",
    "variant__product__name",
    "variant__product__article",
    "variant__product__unit",
    "variant__product__fractional",
    "variant__product__order_multiple",
    "variant__product__min_quantity",
    "variant__product__weight_kg",
    "variant__product__volume_m3",
    "variant__product__is_active",
    "variant__product__section_id",
)


def cart_view(
    *,
    scope: Scope,
    cart: Cart,
    agreement: Agreement | None = None,
    stock_of: list[int] | None = None,
) -> CartView:
    """Every line of the cart with its live price, amount, stock and warnings, and the totals.

    `agreement` prices the cart (default: the cart's own); a line is available when its
    variant is orderable under it and has a price — unavailable lines are marked and left out
    of the totals. `stock_of`: read stock for these variants only (a one-line update needs the
    totals, not the stock of the other 499 lines); default every line.
    """
    if cart.partner_id != scope.partner_id or not (
        cart.owner_id == scope.user.pk or (cart.shared and cart.name)
    ):
        raise Http404
    agreement = agreement if agreement is not None else cart.agreement
    rows = [] if cart.pk is None else _line_rows(cart)
    if not rows or agreement is None:
        lines = [_line(row, price=None, available=False) for row in rows]
        return CartView(cart=cart, agreement=agreement, lines=lines, totals=_totals(lines, ""))
    context = pricing_context(scope=scope, agreement=agreement)
    variant_ids = [row[0] for row in rows]
    prices = prices_for(
        context=context,
        variant_ids=CartLine.objects.filter(cart_id=cart.pk).values("variant_id"),
    )
    # Orderable = active variant and product (checked in `_line`), priced, and in the
    # agreement's assortment — the rule of `orderable_variants`, decided on the loaded rows.
    in_assortment = assortment_allows(context, {row[4]: row[-1] for row in rows})
    lines = [
        _line(row, price=prices.get(row[0]), available=row[4] in in_assortment) for row in rows
    ]
    stock_ids = set(variant_ids if stock_of is None else stock_of)
    stock = stock_for(variant_ids=stock_ids) if stock_ids else {}
    exact = stock_display() == "exact"
    for line in lines:
        if line.variant_id in stock_ids:
            line.stock = stock.get(line.variant_id, Decimal(0))
        _warn(line, exact_stock=exact)
    return CartView(
        cart=cart, agreement=agreement, lines=lines, totals=_totals(lines, context.currency)
    )


def cart_line_view(
    *, scope: Scope, cart: Cart, variant_id: int
) -> tuple[LineView | None, CartTotals]:
    """One line (None when it is gone) and the cart's totals, for a one-row htmx update."""
    view = cart_view(scope=scope, cart=cart, stock_of=[variant_id])
    line = next((line for line in view.lines if line.variant_id == variant_id), None)
    return line, view.totals


def cart_summary(*, scope: Scope, cart: Cart) -> CartTotals:
    """The mini-cart's numbers: lines and the total with VAT."""
    return cart_view(scope=scope, cart=cart, stock_of=[]).totals


def _line_rows(cart: Cart) -> list[tuple]:
    lines = CartLine.objects.filter(cart_id=cart.pk).order_by("added_at", "pk")
    return list(lines.values_list(*_LINE_FIELDS))


def _line(row: tuple, *, price: UnitPrice | None, available: bool) -> LineView:
    (
        variant_id,
        quantity,
        variant_name,
        variant_active,
        product_id,
        product_name,
        article,
        unit,
        fractional,
        multiple,
        minimum,
        weight,
        volume,
        product_active,
        _section_id,
    ) = row
    available = available and variant_active and product_active and price is not None
    return LineView(
        variant_id=variant_id,
        product_id=product_id,
        title=f"{product_name} {variant_name}" if variant_name else product_name,
        article=article,
        unit=unit,
        quantity=quantity,
        fractional=fractional,
        order_multiple=multiple,
        min_quantity=minimum,
        weight_kg=weight,
        volume_m3=volume,
        available=available,
        price=price if available else None,
        amount=money(price.amount * quantity) if available and price else None,
    )


def _warn(line: LineView, *, exact_stock: bool) -> None:
    if not line.available:
        line.warnings.append(LineWarning(WarningCode.UNAVAILABLE, str(UNAVAILABLE)))
        return
    unit = line.unit
    if line.stock is not None and line.quantity > line.stock:
        if line.stock <= 0:
            message = str(OUT_OF_STOCK)
        elif exact_stock:
            message = SHORT_STOCK % {"stock": quantity_display(line.stock), "unit": unit}
        else:
            message = str(SHORT_STOCK_LEVELS)
        line.warnings.append(LineWarning(WarningCode.STOCK, message))
    below = line.quantity < line.min_quantity
    if below:
        message = BELOW_MINIMUM % {"minimum": quantity_display(line.min_quantity), "unit": unit}
        line.warnings.append(LineWarning(WarningCode.MINIMUM, message))
    if not is_multiple(line.quantity, line.order_multiple):
        message = NOT_MULTIPLE % {"multiple": quantity_display(line.order_multiple), "unit": unit}
        line.warnings.append(LineWarning(WarningCode.MULTIPLE, message))
    if line.blocking_warnings:
        line.suggested_quantity = nearest_valid_quantity(
            line.quantity, multiple=line.order_multiple, minimum=line.min_quantity
        )


def _totals(lines: list[LineView], currency: str) -> CartTotals:
    totals = CartTotals(count=len(lines), currency=currency)
    vat_by_rate: dict[Decimal | None, Decimal] = {}
    weight, volume = Decimal(0), Decimal(0)
    for line in lines:
        if not line.available or line.amount is None or line.price is None:
            totals.unavailable += 1
            continue
        totals.lines += 1
        if line.blocking_warnings:
            totals.problems += 1
        totals.quantity += line.quantity
        totals.amount += line.amount
        rate = line.price.vat_rate
        vat_by_rate[rate] = vat_by_rate.get(rate, Decimal(0)) + vat_of_gross(line.amount, rate)
        if line.weight_kg is None:
            totals.weight_partial = True
        else:
            weight += line.weight_kg * line.quantity
        if line.volume_m3 is None:
            totals.volume_partial = True
        else:
            volume += line.volume_m3 * line.quantity
    totals.amount = money(totals.amount)
    totals.vat_by_rate = sorted(
        ((rate, money(vat)) for rate, vat in vat_by_rate.items() if rate),
        key=lambda item: item[0],
    )
    totals.vat = money(sum((vat for _rate, vat in totals.vat_by_rate), Decimal(0)))
    has_weight = totals.lines and not (totals.weight_partial and weight == 0)
    has_volume = totals.lines and not (totals.volume_partial and volume == 0)
    totals.weight_kg = weight.quantize(Decimal("0.001")) if has_weight else None
    totals.volume_m3 = volume.quantize(Decimal("0.0001")) if has_volume else None
    return totals
