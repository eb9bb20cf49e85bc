"""Reader mechanics: every item is freed once read, whichever reader reads the file."""

from __future__ import annotations

from collections import Counter

import pytest

from kabinet.exchange.commerceml import (
    _xml,
    read_catalog,
    read_classifier,
    read_documents,
    read_offers,
)
from kabinet.exchange.tests import cml_writer as cml


@pytest.fixture
def released(monkeypatch):
    """Counts the elements the readers free, by local name."""
    freed: Counter[str] = Counter()
    release = _xml.release

    def counting(element):
        freed[_xml.local(element.tag)] += 1
        release(element)

    monkeypatch.setattr(_xml, "release", counting)
    return freed


@pytest.fixture
def offers_file(tmp_path):
    offers = [cml.offer(f"p-{n}", name=f"Товар {n}", prices=[("pt", "1")]) for n in range(500)]
    classifier = cml.classifier(cml.groups({"g": ("Все", {})}))
    return cml.write(tmp_path / "offers.xml", classifier, cml.package(*offers))


def test_an_offers_file_read_for_its_classifier_frees_every_offer(offers_file, released):
    classifier = read_classifier(offers_file)
    assert [group.id for group in classifier.groups] == ["g"]
    assert released == {"Классификатор": 1, "Предложение": 500, "ПакетПредложений": 1}


@pytest.mark.parametrize("reader", [read_catalog, read_documents])
def test_the_wrong_reader_yields_nothing_and_still_frees_every_offer(offers_file, released, reader):
    with reader(offers_file) as items:
        assert list(items) == []
    assert released["Предложение"] == 500


def test_the_right_reader_frees_what_it_yields(offers_file, released):
    with read_offers(offers_file) as offers:
        assert sum(1 for _ in offers) == 500
    assert released["Предложение"] == 500


def test_items_inside_documents_are_left_to_their_document(tmp_path, released):
    order = cml.order("1", lines=[("p-1", "Стол", "10", "1"), ("p-2", "Стул", "5", "2")])
    path = cml.write(tmp_path / "orders.xml", order)
    with read_documents(path) as documents:
        (document,) = documents
    assert [line.xml_id for line in document.lines] == ["p-1", "p-2"]
    assert len(document.counterparties) == 1
    assert released == {"Документ": 1}
