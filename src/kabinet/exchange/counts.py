"""What an import's counts (ExchangeFile.counts) say, in words: for the exchange log and 1C.

The importers count per kind of object: how many the file listed (`products`), and of those
how many were created, updated (a value differed) or left unchanged (`products_created`,
`products_updated`, `products_unchanged`); prices and stock say changed / unchanged. The same
file always gives the same figures (see docs/1c-exchange.md, "The exchange log").
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

EXAMPLES = 5  # ids named in a warning


def _groups() -> list[tuple[str, str, tuple[str, ...]]]:
    """(key, label, parts): the label reads "<label>: 120 created, 3 updated, …"."""
    return [
        ("sections", pgettext("exchange counts", "sections"), ("created", "updated", "unchanged")),
        ("products", pgettext("exchange counts", "products"), ("created", "updated", "unchanged")),
        ("variants", pgettext("exchange counts", "variants"), ("created", "updated", "unchanged")),
        ("prices", pgettext("exchange counts", "prices"), ("changed", "unchanged")),
        ("stock", pgettext("exchange counts", "stock rows"), ("changed", "unchanged")),
        ("orders", pgettext("exchange counts", "orders"), ("created", "updated", "unchanged")),
    ]


def _part(part: str, count: int) -> str:
    texts = {
        "created": _("%(count)s created"),
        "updated": _("%(count)s updated"),
        "unchanged": _("%(count)s unchanged"),
        "changed": _("%(count)s changed"),
    }
    return texts[part] % {"count": count}


def _singles() -> dict[str, str]:
    return {
        "files": _("files unpacked: %(count)s"),
        "offers": _("offers: %(count)s"),
        "properties": _("properties: %(count)s"),
        "property_values": _("property values: %(count)s"),
        "price_types": _("price types: %(count)s"),
        "warehouses": _("warehouses: %(count)s"),
        "deactivated": _("products hidden (not in the full unload): %(count)s"),
        "variants_deactivated": _("variants hidden (deletion marks): %(count)s"),
        "images": _("pictures stored: %(count)s"),
        "images_unchanged": _("pictures unchanged: %(count)s"),
        "images_missing": _("pictures named but not sent: %(count)s"),
        "offers_unknown_product": _("offers for products the site does not have: %(count)s"),
        "price_types_unknown": _("new price types not declared by 1C: %(count)s"),
        "status_changes": _("order status changes: %(count)s"),
        "status_conflicts": _("status changes the workflow does not allow: %(count)s"),
        "orders_status_unknown": _("orders with an unknown status: %(count)s"),
        "lines_confirmed": _("order lines confirmed: %(count)s"),
        "lines_unknown": _("order lines with unknown goods: %(count)s"),
        "orders_unknown_counterparty": _("orders of unknown buyers, skipped: %(count)s"),
        "orders_without_agreement": _("orders without an agreement, skipped: %(count)s"),
        "documents_skipped": _("documents that are not orders: %(count)s"),
    }


def _lists() -> dict[str, str]:
    return {
        "statuses_unknown": _("unknown order statuses: %(names)s"),
        "price_types_not_mapped": _("price types not mapped: %(names)s"),
    }


def counts_display(counts: dict | None) -> str:
    """ "products: 120 created, 3 updated, 5 unchanged; prices: 84 changed; …" ("—" if none)."""
    counts = dict(counts or {})
    done: set[str] = set()
    phrases = []
    for key, label, parts in _groups():
        done |= {key, *(f"{key}_{part}" for part in parts)}
        listed = counts.get(key) or 0
        figures = [(part, counts.get(f"{key}_{part}") or 0) for part in parts]
        if not listed and not any(value for _part_name, value in figures):
            continue
        shown = [_part(part, value) for part, value in figures if value]
        phrases.append(f"{label}: {', '.join(shown) if shown else listed}")
    singles, lists = _singles(), _lists()
    examples = counts.get("offers_unknown_product_ids") or []
    done.add("offers_unknown_product_ids")
    known = [*singles, *lists]
    ordered = sorted(counts, key=lambda k: known.index(k) if k in known else len(known))
    for key in ordered:
        value = counts[key]
        if key in done or not value:
            continue
        if key == "offers_unknown_product" and examples:
            phrases.append(
                singles[key] % {"count": value}
                + " ("
                + _("e.g. %(names)s") % {"names": ", ".join(examples)}
                + ")"
            )
        elif key in singles:
            phrases.append(singles[key] % {"count": value})
        elif key in lists:
            phrases.append(lists[key] % {"names": ", ".join(map(str, value))})
        else:
            phrases.append(f"{key}: {value}")
    return "; ".join(phrases) or "—"


def counts_warnings(counts: dict | None) -> list[str]:
    """What 1C and staff should hear about although the file was imported: data dropped or
    not understood. Empty when there is nothing to say."""
    counts = counts or {}
    found = []
    if unknown := counts.get("offers_unknown_product"):
        found.append(
            ngettext(
                "%(count)s offer for a product the site does not have, e.g. %(ids)s",
                "%(count)s offers for products the site does not have, e.g. %(ids)s",
                unknown,
            )
            % {
                "count": unknown,
                "ids": ", ".join(counts.get("offers_unknown_product_ids") or []),
            }
        )
    if statuses := counts.get("statuses_unknown"):
        found.append(
            _(
                "order statuses no mapping knows (orders: %(count)s, their status is kept): "
                "%(names)s; add them to KABINET_1C_STATUS_MAP"
            )
            % {"count": counts.get("orders_status_unknown") or 0, "names": ", ".join(statuses)}
        )
    return found
