"""`detect` decides from the beginning of a file and stops reading there."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kabinet.exchange.commerceml import CommerceMLError, FileKind, detect, read_offers
from kabinet.exchange.tests import cml_writer as cml

PADDING = b" " * 1024 * 1024  # 1 MiB of (valid) white space…
BROKEN_TAIL = b"</not-opened><<<"  # …then what fails any parser that gets that far


def _with_broken_tail(path, *sections, **options):
    data = cml.render(*sections, **options)
    head = data[: data.rindex(b"</")]  # the root element is left open
    path.write_bytes(head + PADDING + BROKEN_TAIL)
    return path


@pytest.mark.parametrize(
    ("sections", "kind"),
    [
        ((cml.classifier(), cml.catalog(cml.product("1", "Стол"))), FileKind.CATALOG),
        ((cml.package(cml.offer("1", prices=[("pt", "1")]), cml.offer("2")),), FileKind.PRICES),
        ((cml.package(cml.offer("1", rests={"w": "1"}), cml.offer("2")),), FileKind.RESTS),
        ((cml.package(cml.offer("1", quantity="3"), cml.offer("2")),), FileKind.RESTS),
        ((cml.package(cml.offer("1", name="Стол"), cml.offer("2")),), FileKind.OFFERS),
        ((cml.package(cml.offer("1", prices=[("pt", "1")], quantity="1")),), FileKind.OFFERS),
        ((cml.order("1"), cml.order("2")), FileKind.DOCUMENTS),
        (("<Контейнер>" + cml.order("1") + "</Контейнер>",), FileKind.DOCUMENTS),
    ],
)
def test_the_kind_is_decided_before_the_end_of_the_file(tmp_path, sections, kind):
    path = _with_broken_tail(tmp_path / "file.xml", *sections)
    assert detect(path) is kind


def test_a_large_classifier_before_the_catalog_is_read_through(tmp_path):
    groups = cml.groups({f"g-{n}": (f"Группа {n}", {}) for n in range(20_000)})
    path = cml.write(tmp_path / "import.xml", cml.classifier(groups), cml.catalog())
    assert path.stat().st_size > 1_000_000
    assert detect(path) is FileKind.CATALOG


def test_past_the_byte_budget_the_classifier_decides(tmp_path):
    groups = cml.groups({f"g-{n}": (f"Группа {n}", {}) for n in range(5_000)})
    path = _with_broken_tail(tmp_path / "import.xml", cml.classifier(groups))
    assert detect(path, max_bytes=64 * 1024) is FileKind.CATALOG
    with pytest.raises(CommerceMLError, match="malformed XML"):
        detect(path)  # with the default budget it reaches the broken end


def test_a_bare_rest_total_is_a_quantity_not_warehouse_stock(tmp_path):
    path = cml.write(
        tmp_path / "rests.xml",
        cml.package(
            cml.offer("1", extra="<Остатки><Остаток><Количество>4</Количество></Остаток></Остатки>")
        ),
        version="3.1",
    )
    assert detect(path) is FileKind.RESTS
    with read_offers(path) as offers:
        offer = next(offers)
    assert (offer.quantity, offer.stock) == (Decimal(4), None)
