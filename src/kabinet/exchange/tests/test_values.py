"""The value conventions: numbers, flags, ids, VAT rates, units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lxml import etree

from kabinet.exchange.commerceml import Unit, _xml, fields

ELEMENT = etree.fromstring("<x/>")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1719", Decimal(1719)),
        (" 1719.50 ", Decimal("1719.50")),
        ("1 719,50", Decimal("1719.50")),
        ("1\u00a0719,5", Decimal("1719.5")),
        ("-3", Decimal(-3)),
        (",5", Decimal("0.5")),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_numbers_take_a_comma_or_a_dot(raw, expected):
    assert _xml.decimal(raw, ELEMENT) == expected


@pytest.mark.parametrize("raw", ["abc", "1.2.3", "1e5", "NaN", "-Infinity", "9" * 41])
def test_anything_else_is_not_a_number(raw):
    with pytest.raises(_xml.CommerceMLError, match="not a number"):
        _xml.decimal(raw, ELEMENT)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), (" TRUE ", True), ("1", True), ("Да", True), ("false", False), ("0", False)],
)
def test_flags(raw, expected):
    assert _xml.boolean(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("p-1", ("p-1", None)),
        ("p-1#c-1", ("p-1", "c-1")),
        ("cat-1#", ("cat-1", None)),
        (" p-1 # c-1 ", ("p-1", "c-1")),
    ],
)
def test_variant_ids_split_on_the_first_hash(raw, expected):
    assert _xml.split_id(raw) == expected


@pytest.mark.parametrize(
    ("taxes", "expected"),
    [
        ((("НДС", "20"),), Decimal(20)),
        ((("НДС", "18%"),), Decimal(18)),
        ((("НДС", "НДС 10%"),), Decimal(10)),
        ((("НДС", "20/120"),), Decimal(20)),
        ((("НДС", "0"),), Decimal(0)),
        ((("НДС", "Без налога"),), None),
        ((("НДС", "Без НДС"),), None),
        ((("Акциз", "5"), ("НДС", "10")), Decimal(10)),
        ((), None),
    ],
)
def test_vat_rates(taxes, expected):
    assert fields.vat_rate(taxes) == expected


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (
            '<БазоваяЕдиница Код="796 " НаименованиеПолное="Штука   " '
            'МеждународноеСокращение="PCE">шт</БазоваяЕдиница>',
            Unit(None, "796", "шт", "Штука", "PCE"),
        ),
        ("<БазоваяЕдиница>796 </БазоваяЕдиница>", Unit(None, "796", None)),
        ("<БазоваяЕдиница>шт</БазоваяЕдиница>", Unit(None, None, "шт")),
        (
            "<Единица><Ид>796</Ид><Код>796</Код><НаименованиеКраткое>шт</НаименованиеКраткое>"
            "</Единица>",
            Unit("796", "796", "шт"),
        ),
    ],
)
def test_units(xml, expected):
    assert fields.unit(etree.fromstring(xml)) == expected


def test_local_names_ignore_the_namespace():
    assert _xml.local("{urn:1C.ru:commerceml_210}Товар") == "Товар"
    assert _xml.local("Товар") == "Товар"
    assert _xml.local(etree.Comment) == ""
