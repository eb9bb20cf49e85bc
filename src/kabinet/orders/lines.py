"""Checking and pricing order lines: the cart's rules, applied to a draft order.

A line is valid when its quantity is above zero and whole for piece goods (the cart's own
`cart.rules.quantity_error`) and its variant is orderable under the order's agreement
(active, in the assortment, priced) — the same rules as the cart. Prices come live from
`pricing.selectors`; a draft's stored prices are provisional and are read again when it is
sent.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kabinet.accounts.models import Agreement
from kabinet.accounts.scope import Scope
from kabinet.cart.rules import quantity_error
from kabinet.core.money import money, vat_of_gross
from kabinet.pricing.selectors import orderable_variants, prices_for, pricing_context

NOT_ORDERABLE = _("“%(name)s” cannot be ordered under this agreement any more.")
NO_LINES = _("An order needs at least one line.")


@dataclass(frozen=True, slots=True)
class PricedLine:
    variant_id: int
    product_name: str
    article: str
    unit: str
    quantity: Decimal
    price: Decimal
    vat_rate: Decimal | None
    amount: Decimal


def lines_price(
    *, scope: Scope, agreement: Agreement, quantities: dict[int, Decimal], names: dict[int, str]
) -> list[PricedLine]:
    """Validate `{variant_id: quantity}` for the agreement and price it; all errors at once.

    `names` labels variants in error messages (e.g. the name stored on an order line), since a
    variant that is no longer orderable cannot be looked up for its name.
    """
    if not quantities:
        raise ValidationError(NO_LINES)
    context = pricing_context(scope=scope, agreement=agreement)
    variants = {
        v.pk: v
        for v in orderable_variants(context)
        .filter(pk__in=list(quantities))
        .select_related("product")
    }
    prices = prices_for(context=context, variant_ids=list(variants))
    errors: list[str] = []
    priced: list[PricedLine] = []
    for variant_id, quantity in quantities.items():
        variant = variants.get(variant_id)
        name = str(variant) if variant else names.get(variant_id, f"#{variant_id}")
        unit_price = prices.get(variant_id)
        if variant is None or unit_price is None:
            errors.append(NOT_ORDERABLE % {"name": name})
            continue
        error = quantity_error(quantity, fractional=variant.product.fractional, product=name)
        if error:
            errors.append(error)
            continue
        priced.append(
            PricedLine(
                variant_id=variant_id,
                product_name=name,
                article=variant.product.article,
                unit=variant.product.unit,
                quantity=quantity,
                price=unit_price.amount,
                vat_rate=unit_price.vat_rate,
                amount=money(unit_price.amount * quantity),
            )
        )
    if errors:
        raise ValidationError(errors)
    return priced


def orderable_ids(*, scope: Scope, agreement: Agreement, variant_ids) -> set[int]:
    """Which of the variants may be ordered (and have a price) under the agreement now."""
    context = pricing_context(scope=scope, agreement=agreement)
    candidates = set(
        orderable_variants(context).filter(pk__in=list(variant_ids)).values_list("pk", flat=True)
    )
    return candidates & set(prices_for(context=context, variant_ids=candidates))


def lines_totals(lines) -> tuple[Decimal, Decimal]:
    """(total, VAT in it) of priced lines or order lines; VAT is counted per line."""
    total = money(sum((line.amount for line in lines), Decimal(0)))
    vat = money(sum((vat_of_gross(line.amount, line.vat_rate) for line in lines), Decimal(0)))
    return total, vat
