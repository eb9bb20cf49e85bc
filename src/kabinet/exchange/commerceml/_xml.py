"""Safe streaming XML access and the value conventions shared by every CommerceML parser.

Security: no DTD is loaded, no entity is resolved, nothing is fetched from the network, and a
file carrying a DOCTYPE at all is refused (1C never writes one; a DOCTYPE is how entity-expansion
bombs and external-entity reads get in). The refusal happens twice: a scan of the prolog bytes
before parsing, and a look at the parsed document info as soon as the parser reports anything.

Values: every text and attribute is stripped (1C pads with spaces); empty means None. Numbers
accept a comma or a dot and ignore spaces used as thousands separators.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from lxml import etree

from kabinet.exchange.commerceml.errors import CommerceMLError

Element = etree._Element

# The root element names a CommerceML file (or a fragment of one) may have.
ROOTS = frozenset(
    {
        "КоммерческаяИнформация",
        "Классификатор",
        "Каталог",
        "ПакетПредложений",
        "ИзмененияПакетаПредложений",
        "Документ",
        "Контрагенты",
    }
)

PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,  # libxml2's limits (10 MB text node, depth 256) are far above 1C's output
    "remove_comments": True,
    "remove_pis": True,
    "collect_ids": False,
}

PROLOG_SCAN_BYTES = 64 * 1024
_ROOT_START = re.compile(r"<[^?!]")
_DOCTYPE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
DOCTYPE_REFUSED = (
    "DOCTYPE declarations are not accepted in CommerceML files "
    "(1C never writes one; entity declarations are how XML bombs and file reads get in)"
)


_LOCAL_NAMES: dict[object, str] = {}
_LOCAL_NAMES_MAX = 4096  # a hostile file may invent endless tag names: cache only so many


def local(tag: object) -> str:
    """The local name of an element tag, whatever its namespace ('{urn:…}Товар' → 'Товар')."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rpartition("}")[2] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:
            _LOCAL_NAMES[tag] = name
    return name


def index(element: Element) -> dict[str, Element]:
    """Direct children by local name (the first of each); cheaper than several `child` calls."""
    found: dict[str, Element] = {}
    for node in element:
        found.setdefault(local(node.tag), node)
    return found


def text(element: Element | None) -> str | None:
    """The stripped text of an element; None when absent or blank."""
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def attr(element: Element, name: str) -> str | None:
    """A stripped attribute value; None when absent or blank. Attributes are never namespaced."""
    value = element.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def children(element: Element, name: str) -> Iterator[Element]:
    """Direct children with the given local name."""
    for child in element:
        if local(child.tag) == name:
            yield child


def child(element: Element, name: str) -> Element | None:
    """The first direct child with the given local name."""
    for node in element:
        if local(node.tag) == name:
            return node
    return None


def child_text(element: Element, name: str) -> str | None:
    return text(child(element, name))


def xml_path(element: Element) -> str:
    """'КоммерческаяИнформация/Каталог/Товары/Товар' for an element, for error messages."""
    names = []
    node: Element | None = element
    while node is not None:
        names.append(local(node.tag))
        node = node.getparent()
    return "/".join(reversed(names))


def error_at(element: Element, message: str) -> CommerceMLError:
    return CommerceMLError(message, line=element.sourceline, xml_path=xml_path(element))


_NUMBER_JUNK = str.maketrans("", "", " \u00a0\u2009\u202f")
# Plain decimals only: 1C never writes exponents, and "1e999999999" or "NaN" would only hurt.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_NUMBER_MAX_LENGTH = 40


def decimal(raw: str | None, element: Element) -> Decimal | None:
    """'1 719,50' → Decimal('1719.50'); None for None or blank; CommerceMLError if not a number."""
    if raw is None:
        return None
    cleaned = raw.translate(_NUMBER_JUNK).replace(",", ".")
    if not cleaned:
        return None
    if len(cleaned) > _NUMBER_MAX_LENGTH or not _NUMBER.fullmatch(cleaned):
        raise error_at(element, f"not a number: {raw!r}")
    return Decimal(cleaned)


def decimal_text(element: Element | None) -> Decimal | None:
    if element is None:
        return None
    return decimal(text(element), element)


_TRUE = frozenset({"true", "1", "да", "yes"})
_FALSE = frozenset({"false", "0", "нет", "no"})


def boolean(raw: str | None) -> bool | None:
    """'true'/'false' (also 1/0, да/нет); None for anything else."""
    if raw is None:
        return None
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def split_id(raw: str) -> tuple[str, str | None]:
    """'product#variant' → ('product', 'variant'); 'product' and 'product#' → ('product', None)."""
    product_id, _, variant_id = raw.partition("#")
    return product_id.strip(), (variant_id.strip() or None)


def only_changes(element: Element) -> bool | None:
    """СодержитТолькоИзменения, written as an attribute (2.04+) or a child element (2.03)."""
    value = boolean(attr(element, "СодержитТолькоИзменения"))
    if value is None:
        value = boolean(child_text(element, "СодержитТолькоИзменения"))
    return value


def release(element: Element) -> None:
    """Free a processed element and the already processed siblings before it (and its parent's).

    This is what keeps memory flat: iterparse builds the whole tree otherwise.
    """
    element.clear(keep_tail=False)
    node: Element | None = element
    for _ in range(2):
        if node is None:
            break
        parent = node.getparent()
        if parent is not None:
            while node.getprevious() is not None:
                del parent[0]
        node = parent


def refuse_doctype_in_prolog(path: str) -> None:
    """Refuse a DOCTYPE before the parser sees it (covers UTF-8, cp1251 and UTF-16 files)."""
    with open(path, "rb") as stream:
        head = stream.read(PROLOG_SCAN_BYTES)
    # latin-1 maps every byte to one character, so '<' and '!' survive in any ASCII-compatible
    # encoding; dropping NULs makes UTF-16 readable too.
    prolog = head.decode("latin-1").replace("\x00", "")
    start = _ROOT_START.search(prolog)
    found = _DOCTYPE.search(prolog[: start.start()] if start else prolog)
    if found:
        line = prolog[: found.start()].count("\n") + 1
        raise CommerceMLError(DOCTYPE_REFUSED, file=path, line=line)


def refuse_doctype_in_tree(element: Element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise CommerceMLError(DOCTYPE_REFUSED)


def check_root(element: Element) -> Element:
    """The root of the tree `element` belongs to, after checking it is CommerceML."""
    refuse_doctype_in_tree(element)
    root = element.getroottree().getroot()
    if local(root.tag) not in ROOTS:
        raise CommerceMLError(
            f"not a CommerceML file: the root element is <{local(root.tag)}>",
            line=root.sourceline,
        )
    return root


def syntax_error(exc: etree.XMLSyntaxError, path: str) -> CommerceMLError:
    message = exc.msg or str(exc)
    message = re.sub(r",? *\(.*, line \d+\)$", "", message)
    return CommerceMLError(f"malformed XML: {message}", file=path, line=exc.lineno)


def unreadable(exc: OSError, path: str) -> CommerceMLError:
    return CommerceMLError(f"cannot read the file: {exc.strerror or exc}", file=path)


def iter_elements(
    path: str | os.PathLike[str],
    names: Iterable[str],
    events: tuple[str, ...] = ("end",),
    on_root: Callable[[Element], object] | None = None,
) -> Iterator[tuple[str, Element]]:
    """Stream (event, element) pairs for elements with these local names, in any namespace.

    The root is checked (no DOCTYPE, a CommerceML root element) and handed to `on_root` with
    the first element reported, or once the file ends if nothing matched. Errors come out as
    CommerceMLError with the file name.
    """
    filename = os.fspath(path)
    try:
        refuse_doctype_in_prolog(filename)
        context = etree.iterparse(
            filename, events=events, tag=[f"{{*}}{name}" for name in names], **PARSER_OPTIONS
        )
        checked = False
        for event, element in context:
            if not checked:
                root = check_root(element)
                checked = True
                if on_root is not None:
                    on_root(root)
            yield event, element
        if not checked and context.root is not None:
            root = check_root(context.root)
            if on_root is not None:
                on_root(root)
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, filename) from None
    except OSError as exc:
        raise unreadable(exc, filename) from exc
    except CommerceMLError as exc:
        exc.file = exc.file or filename
        raise
