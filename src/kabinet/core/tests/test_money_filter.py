"""The `money` template filter: one way to show an amount on every page."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load kabinet %}" + source).render(Context(context))


def test_russian_amounts_are_grouped_with_a_comma_and_the_rouble_sign():
    with translation.override("ru"):
        text = render("{{ amount|money:'RUB' }}", amount=Decimal("1234.5"))
    assert text == "1\xa0234,50&nbsp;₽"


def test_english_amounts_use_the_english_separators():
    with translation.override("en"):
        text = render("{{ amount|money:'RUB' }}", amount=Decimal("1234567.891"))
    assert text == "1,234,567.89&nbsp;₽"


def test_without_a_currency_only_the_number_and_an_unknown_code_stays_a_code():
    with translation.override("ru"):
        assert render("{{ amount|money }}", amount=Decimal("0")) == "0,00"
        assert render("{{ amount|money:'XTS' }}", amount=Decimal("5")) == "5,00&nbsp;XTS"


def test_a_missing_amount_is_a_dash():
    assert render("{{ amount|money:'RUB' }}", amount=None) == "—"
