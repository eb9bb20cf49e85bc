"""Money is Decimal, never float, and is rounded in one place."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Round to kopecks, half up, as Russian invoices do."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of_gross(gross: Decimal, rate: Decimal | None) -> Decimal:
    """The VAT contained in an amount that includes it (20% of 120 → 20)."""
    if not rate:
        return Decimal("0.00")
    return money(gross * rate / (100 + rate))


def add_vat(net: Decimal, rate: Decimal | None) -> Decimal:
    return money(net * (100 + (rate or 0)) / 100)


# How amounts are shown: the sign after the number, as Russian invoices write it (1 234,50 ₽).
CURRENCY_SIGNS = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥", "KZT": "₸", "BYN": "Br"}


def currency_sign(code: str) -> str:
    return CURRENCY_SIGNS.get(code, code)
