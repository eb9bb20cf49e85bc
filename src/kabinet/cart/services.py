"""Changes to carts: lines (C1), saved carts and templates shared with colleagues (C5).

Every change is one transaction that starts by locking the cart row, so two tabs (or a
double click) apply one after the other. A refused change raises `ValidationError` with
translatable messages and changes nothing. A variant that is unknown, inactive, outside the
agreement's assortment or without a price answers the same "not available": the cart never
tells what exists beyond what the user may order. Only the owner changes a cart; colleagues
may load a shared one into their own.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement, Counterparty
from kabinet.accounts.scope import Scope
from kabinet.cart.models import Cart, CartLine
from kabinet.cart.rules import (
    QUANTITY_NOT_POSITIVE,
    nearest_valid_quantity,
    quantity_error,
    quantity_parse,
    quantity_total_check,
)
from kabinet.cart.selectors import valid_id
from kabinet.pricing.selectors import (
    PricingContext,
    orderable_variants,
    prices_for,
    pricing_context,
)

NOT_AVAILABLE = _("This product is not available to order.")
SOME_NOT_AVAILABLE = _("Some of the products are not available to order.")
NO_AGREEMENT = _("You have no active agreement to order under.")
NOT_OWNER = _("Only the owner can change this cart.")
NOT_SAVED = _("This is not a saved cart.")
NAME_REQUIRED = _("Give the saved cart a name.")
NAME_TOO_LONG = _("The name may have at most %(max)s characters.")
NAME_TAKEN = _("You already have a saved cart named “%(name)s”.")
NOTHING_TO_SAVE = _("The cart is empty: there is nothing to save.")
NOTHING_TO_ADD = _("Enter a quantity for at least one product.")
LOAD_INTO_ITSELF = _("A cart cannot be loaded into itself.")


class LoadMode:
    MERGE = "merge"  # add the saved quantities to what the cart holds
    REPLACE = "replace"  # empty the cart first


@dataclass(frozen=True, slots=True)
class LoadResult:
    cart: Cart
    loaded: int  # lines added or increased
    skipped: int  # lines not available under the cart's agreement


@dataclass(frozen=True, slots=True)
class _Orderable:
    name: str
    fractional: bool
    multiple: Decimal
    minimum: Decimal


# --- Working cart and lines -----------------------------------------------------------------


@transaction.atomic
def cart_get_or_create(*, scope: Scope, counterparty: Counterparty, agreement: Agreement) -> Cart:
    """The user's working cart for the counterparty (Cart with name ""), priced by `agreement`.

    Both must be ones the user may act for (404 otherwise). The cart remembers the agreement
    it was last used with; switching the agreement reprices the same cart.
    """
    in_scope = scope.counterparty_ids is None or counterparty.pk in scope.counterparty_ids
    if counterparty.partner_id != scope.partner_id or not in_scope or not counterparty.is_active:
        raise Http404
    if agreement.counterparty_id != counterparty.pk or not agreement.is_active:
        raise Http404
    cart, created = Cart.objects.get_or_create(
        owner=scope.user,
        counterparty=counterparty,
        name="",
        defaults={"partner_id": scope.partner_id, "agreement": agreement},
    )
    if not created and cart.agreement_id != agreement.pk:
        cart.agreement = agreement
        cart.save(update_fields=["agreement", "updated_at"])
    cart.agreement, cart.counterparty = agreement, counterparty  # keep what is loaded
    return cart


@transaction.atomic
def cart_line_add(*, scope: Scope, cart: Cart, variant_id: int, quantity=None) -> CartLine:
    """Add `quantity` of a variant to what the cart already holds of it.

    No quantity (None): the smallest one that can be ordered — the minimum, rounded up to the
    order multiple — as the catalog's empty quantity box promises.
    """
    if quantity is not None:
        quantity = quantity_parse(quantity)
    _lock(scope, cart)
    context = _context(scope, cart)
    if quantity is None:
        known = _orderable(context, [variant_id]).get(variant_id)
        if known is None:
            raise ValidationError(NOT_AVAILABLE)
        quantity = nearest_valid_quantity(
            Decimal(1), multiple=known.multiple, minimum=known.minimum
        )
    _check(context, {variant_id: quantity})
    line = CartLine.objects.filter(cart_id=cart.pk, variant_id=variant_id).first()
    if line is None:
        return CartLine.objects.create(cart=cart, variant_id=variant_id, quantity=quantity)
    quantity_total_check(line.quantity + quantity)
    line.quantity += quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def cart_line_set(*, scope: Scope, cart: Cart, variant_id: int, quantity) -> Decimal:
    """Set a line's quantity, adding the line if need be; 0 removes it. The new quantity."""
    quantity = quantity_parse(quantity)
    if quantity < 0:
        raise ValidationError(QUANTITY_NOT_POSITIVE)
    _lock(scope, cart)
    lines = CartLine.objects.filter(cart_id=cart.pk, variant_id=variant_id)
    if quantity == 0:
        lines.delete()
        return quantity
    _check(_context(scope, cart), {variant_id: quantity})
    if not lines.update(quantity=quantity):
        CartLine.objects.create(cart=cart, variant_id=variant_id, quantity=quantity)
    return quantity


@transaction.atomic
def cart_line_remove(*, scope: Scope, cart: Cart, variant_id: int) -> bool:
    """Remove a line (also one whose product is no longer available); False if absent."""
    _lock(scope, cart)
    deleted, _by_model = CartLine.objects.filter(cart_id=cart.pk, variant_id=variant_id).delete()
    return bool(deleted)


@transaction.atomic
def cart_lines_add(
    *, scope: Scope, cart: Cart, items: Mapping[int, object] | Iterable[tuple[int, object]]
) -> list[CartLine]:
    """Add many variants at once ("add all" from the product matrix, repeat an order).

    `items`: `{variant_id: quantity}` or `(variant_id, quantity)` pairs; repeated variants are
    summed. All or nothing, in a few queries whatever the number of items.
    """
    pairs = items.items() if isinstance(items, Mapping) else items
    wanted: dict[int, Decimal] = {}
    errors: list[str] = []
    for variant_id, raw in pairs:
        try:
            quantity = quantity_parse(raw)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        wanted[variant_id] = wanted.get(variant_id, Decimal(0)) + quantity
    if errors:
        raise ValidationError(sorted(set(errors)))
    if not wanted:
        raise ValidationError(NOTHING_TO_ADD)
    _lock(scope, cart)
    _check(_context(scope, cart), wanted)
    return _merge(cart, wanted)


@transaction.atomic
def cart_clear(*, scope: Scope, cart: Cart) -> int:
    """Remove every line; the number removed."""
    _lock(scope, cart)
    deleted, _by_model = CartLine.objects.filter(cart_id=cart.pk).delete()
    return deleted


# --- Saved carts and templates (C5) --------------------------------------------------------


@transaction.atomic
def cart_save_as(*, scope: Scope, cart: Cart, name: str, shared: bool = False) -> Cart:
    """Save a copy of the cart's lines under a name, optionally shared with colleagues."""
    _require_owner(scope, cart)
    name = _clean_name(scope, name)
    lines = list(CartLine.objects.filter(cart_id=cart.pk).values_list("variant_id", "quantity"))
    if not lines:
        raise ValidationError(NOTHING_TO_SAVE)
    saved = Cart.objects.create(
        partner_id=scope.partner_id,
        owner=scope.user,
        counterparty_id=cart.counterparty_id,
        agreement_id=cart.agreement_id,
        name=name,
        shared=shared,
    )
    now = timezone.now()
    CartLine.objects.bulk_create(
        CartLine(cart=saved, variant_id=variant_id, quantity=quantity, added_at=now)
        for variant_id, quantity in lines
    )
    return saved


@transaction.atomic
def cart_load(*, scope: Scope, saved_cart: Cart, into: Cart, mode: str = LoadMode.MERGE):
    """Put a saved cart (the user's own or one shared with them) into the user's cart.

    `mode`: "merge" adds the saved quantities to the cart's, "replace" empties the cart first.
    Lines not available under the cart's agreement are skipped and counted, never added.
    """
    if mode not in (LoadMode.MERGE, LoadMode.REPLACE):
        raise ValueError(f"unknown load mode: {mode!r}")
    visible = saved_cart.owner_id == scope.user.pk or saved_cart.shared
    if saved_cart.partner_id != scope.partner_id or not visible or not saved_cart.name:
        raise Http404
    if saved_cart.pk == into.pk:
        raise ValidationError(LOAD_INTO_ITSELF)
    _lock(scope, into)
    saved_lines = CartLine.objects.filter(cart_id=saved_cart.pk)
    saved = dict(saved_lines.values_list("variant_id", "quantity"))
    orderable = _orderable(_context(scope, into), saved)
    loadable = {
        variant_id: quantity
        for variant_id, quantity in saved.items()
        if variant_id in orderable
        and not quantity_error(quantity, fractional=orderable[variant_id].fractional, product="")
    }
    if mode == LoadMode.REPLACE:
        CartLine.objects.filter(cart_id=into.pk).delete()
    _merge(into, loadable)
    return LoadResult(cart=into, loaded=len(loadable), skipped=len(saved) - len(loadable))


@transaction.atomic
def cart_rename(*, scope: Scope, cart: Cart, name: str) -> Cart:
    _require_saved_own(scope, cart)
    cart.name = _clean_name(scope, name, exclude=cart.pk)
    cart.save(update_fields=["name", "updated_at"])
    return cart


@transaction.atomic
def cart_share(*, scope: Scope, cart: Cart, shared: bool) -> Cart:
    """Share a saved cart with the partner's colleagues (read-only for them), or stop."""
    _require_saved_own(scope, cart)
    cart.shared = shared
    cart.save(update_fields=["shared", "updated_at"])
    return cart


@transaction.atomic
def cart_delete(*, scope: Scope, cart: Cart) -> None:
    _require_saved_own(scope, cart)
    cart.delete()


# --- Helpers --------------------------------------------------------------------------------


def _require_owner(scope: Scope, cart: Cart) -> None:
    if cart.pk is None or cart.partner_id != scope.partner_id:
        raise Http404
    if cart.owner_id != scope.user.pk:
        raise PermissionDenied(NOT_OWNER)


def _require_saved_own(scope: Scope, cart: Cart) -> None:
    _require_owner(scope, cart)
    if not cart.name:
        raise ValidationError(NOT_SAVED)


def _lock(scope: Scope, cart: Cart) -> None:
    """Lock the user's cart row for the transaction (and record the agreement it is used with).

    An UPDATE takes the row lock on PostgreSQL; SQLite runs write transactions one at a time.
    """
    _require_owner(scope, cart)
    if not Cart.objects.filter(pk=cart.pk).update(
        updated_at=timezone.now(), agreement_id=cart.agreement_id
    ):
        raise Http404


def _context(scope: Scope, cart: Cart) -> PricingContext:
    agreement = cart.agreement
    allowed = scope.counterparty_ids
    if (
        agreement is None
        or not agreement.is_active
        or agreement.counterparty_id != cart.counterparty_id
        or (allowed is not None and cart.counterparty_id not in allowed)
    ):
        raise ValidationError(NO_AGREEMENT)
    return pricing_context(scope=scope, agreement=agreement)


def _orderable(context: PricingContext, variant_ids) -> dict[int, _Orderable]:
    """The variants orderable under the agreement — active, in its assortment, priced."""
    ids = [
        variant_id
        for variant_id in variant_ids
        if isinstance(variant_id, int) and valid_id(variant_id)
    ]
    if not ids:
        return {}
    priced = prices_for(context=context, variant_ids=ids)
    rows = (
        orderable_variants(context)
        .filter(pk__in=[variant_id for variant_id in ids if variant_id in priced])
        .values_list(
            "pk",
            "product__name",
            "name",
            "product__fractional",
            "product__order_multiple",
            "product__min_quantity",
        )
    )
    return {
        pk: _Orderable(
            name=f"{product} {variant}" if variant else product,
            fractional=fractional,
            multiple=multiple,
            minimum=minimum,
        )
        for pk, product, variant, fractional, multiple, minimum in rows
    }


def _check(context: PricingContext, wanted: dict[int, Decimal]) -> dict[int, _Orderable]:
    """Refuse, with every reason at once, what cannot be in the cart; nothing is changed."""
    orderable = _orderable(context, wanted)
    errors: list[str] = []
    if any(variant_id not in orderable for variant_id in wanted):
        errors.append(str(NOT_AVAILABLE if len(wanted) == 1 else SOME_NOT_AVAILABLE))
    for variant_id, quantity in wanted.items():
        known = orderable.get(variant_id)
        if known is not None:
            error = quantity_error(quantity, fractional=known.fractional, product=known.name)
            if error:
                errors.append(error)
    if errors:
        raise ValidationError(errors)
    return orderable


def _merge(cart: Cart, wanted: dict[int, Decimal]) -> list[CartLine]:
    """Add the quantities to the cart's lines, creating the missing ones (two statements)."""
    existing = {
        line.variant_id: line
        for line in CartLine.objects.filter(cart_id=cart.pk, variant_id__in=list(wanted))
    }
    created, updated = [], []
    now = timezone.now()
    for variant_id, quantity in wanted.items():
        line = existing.get(variant_id)
        if line is None:
            line = CartLine(cart=cart, variant_id=variant_id, quantity=quantity, added_at=now)
            created.append(line)
        else:
            line.quantity += quantity
            quantity_total_check(line.quantity)
            updated.append(line)
    if created:
        CartLine.objects.bulk_create(created)
    if updated:
        CartLine.objects.bulk_update(updated, ["quantity"])
    return created + updated


def _clean_name(scope: Scope, name: str, exclude: int | None = None) -> str:
    name = " ".join((name or "").split())
    max_length = Cart._meta.get_field("name").max_length
    if not name:
        raise ValidationError(NAME_REQUIRED)
    if len(name) > max_length:
        raise ValidationError(NAME_TOO_LONG % {"max": max_length})
    taken = Cart.objects.filter(owner_id=scope.user.pk, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(NAME_TAKEN % {"name": name})
    return name
