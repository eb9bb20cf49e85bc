"""Hostile and broken files: every reader and `detect` refuse them with a CommerceMLError that
says what and where, and never expand an entity or read another file."""

from __future__ import annotations

import codecs

import pytest

from kabinet.exchange.commerceml import (
    CommerceMLError,
    detect,
    read_catalog,
    read_classifier,
    read_counterparties,
    read_documents,
    read_offers,
)
from kabinet.exchange.tests import cml_writer as cml

ROOT = '<КоммерческаяИнформация ВерсияСхемы="2.07">'
LAUGHS = "".join(
    f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' if n else '<!ENTITY lol0 "lol">' for n in range(10)
)
BILLION_LAUGHS = (
    f'<?xml version="1.0"?>\n<!DOCTYPE КоммерческаяИнформация [{LAUGHS}]>\n'
    f"{ROOT}<Каталог><Товары><Товар><Ид>1</Ид><Наименование>&lol9;</Наименование></Товар>"
    "</Товары></Каталог></КоммерческаяИнформация>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE КоммерческаяИнформация [\n'
    '  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>\n'
    f"{ROOT}<Каталог><Товары><Товар><Ид>1</Ид><Наименование>&secret;</Наименование></Товар>"
    "</Товары></Каталог></КоммерческаяИнформация>"
)
EXTERNAL_DTD = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE КоммерческаяИнформация SYSTEM "http://127.0.0.1:9/commerceml.dtd">\n'
    f"{ROOT}</КоммерческаяИнформация>"
)
# A DOCTYPE pushed past the prolog scan by a long comment: caught by the parsed-tree check.
LATE_DOCTYPE = (
    f'<?xml version="1.0"?>\n<!--{"x" * 70_000}-->\n'
    '<!DOCTYPE КоммерческаяИнформация [<!ENTITY e "boom">]>\n'
    f"{ROOT}<Каталог><Товары><Товар><Ид>&e;</Ид></Товар></Товары></Каталог>"
    "</КоммерческаяИнформация>"
)
OPENERS = [detect, read_catalog, read_offers, read_documents, read_counterparties, read_classifier]


def _open(opener, path):
    result = opener(path)
    if hasattr(result, "__next__"):
        list(result)


@pytest.mark.parametrize("opener", OPENERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("content", "line"),
    [(BILLION_LAUGHS, 2), (EXTERNAL_ENTITY, 2), (EXTERNAL_DTD, 2), (LATE_DOCTYPE, None)],
    ids=["billion-laughs", "external-entity", "external-dtd", "late-doctype"],
)
def test_a_doctype_is_refused(tmp_path, opener, content, line):
    path = tmp_path / "import.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommerceMLError, match="DOCTYPE declarations are not accepted") as caught:
        _open(opener, path)
    assert (caught.value.file, caught.value.line) == (str(path), line)
    assert "root:" not in str(caught.value)  # nothing of /etc/passwd leaked into the message


@pytest.mark.parametrize("opener", OPENERS, ids=lambda f: f.__name__)
def test_a_doctype_is_refused_in_utf16_too(tmp_path, opener):
    path = tmp_path / "import.xml"
    path.write_bytes(codecs.BOM_UTF16_LE + EXTERNAL_ENTITY.encode("utf-16-le"))
    with pytest.raises(CommerceMLError, match="DOCTYPE"):
        _open(opener, path)


@pytest.mark.parametrize("opener", OPENERS, ids=lambda f: f.__name__)
def test_malformed_xml_names_the_line(tmp_path, opener):
    path = tmp_path / "import.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n{ROOT}\n<Каталог>\n<Товары>\n<Товар><Ид>1</Ид>\n</Каталог>\n',
        encoding="utf-8",
    )
    with pytest.raises(CommerceMLError) as caught:
        _open(opener, path)
    assert caught.value.message.startswith("malformed XML: Opening and ending tag mismatch")
    assert (caught.value.file, caught.value.line) == (str(path), 6)
    assert str(caught.value).startswith(f"{path}:6: malformed XML")


@pytest.mark.parametrize("opener", OPENERS, ids=lambda f: f.__name__)
def test_cp1251_bytes_declared_utf8_are_refused(tmp_path, opener):
    path = tmp_path / "import.xml"
    path.write_bytes(
        cml.render(cml.catalog(cml.product("1", "Ботинки")), encoding="windows-1251").replace(
            b"windows-1251", b"UTF-8"
        )
    )
    with pytest.raises(CommerceMLError, match="malformed XML"):
        _open(opener, path)


@pytest.mark.parametrize("opener", OPENERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("content", [b"", b"\xff\xd8\xff\xe0 JFIF image", b"success\n"])
def test_an_empty_or_binary_file_is_refused(tmp_path, opener, content):
    path = tmp_path / "import.xml"
    path.write_bytes(content)
    with pytest.raises(CommerceMLError, match="malformed XML"):
        _open(opener, path)


@pytest.mark.parametrize("opener", OPENERS, ids=lambda f: f.__name__)
def test_a_missing_file_is_refused(tmp_path, opener):
    with pytest.raises(CommerceMLError, match="cannot read the file"):
        _open(opener, tmp_path / "absent.xml")


def test_a_price_that_is_not_a_number_names_its_place(tmp_path):
    path = cml.write(tmp_path / "prices.xml", cml.package(cml.offer("1", prices=[("pt", "12р.")])))
    with pytest.raises(CommerceMLError) as caught:
        list(read_offers(path))
    error = caught.value
    assert error.message == "not a number: '12р.'"
    assert error.xml_path == (
        "КоммерческаяИнформация/ПакетПредложений/Предложения/Предложение/Цены/Цена/ЦенаЗаЕдиницу"
    )
    assert (error.file, error.line) == (str(path), 3)


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "1e999999999999"])
def test_special_numbers_are_refused(tmp_path, raw):
    path = cml.write(tmp_path / "rests.xml", cml.package(cml.offer("1", quantity=raw)))
    with pytest.raises(CommerceMLError, match="not a number"):
        list(read_offers(path))


def test_an_item_without_id_is_refused(tmp_path):
    path = cml.write(
        tmp_path / "import.xml", cml.catalog("<Товар><Наименование>x</Наименование></Товар>")
    )
    with pytest.raises(CommerceMLError, match="a Товар without Ид"):
        list(read_catalog(path))
