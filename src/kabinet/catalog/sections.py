"""The section tree for navigation: cached (sections are few and change rarely), per assortment.

The tree shows the sections that hold products the agreement may order (by
`pricing.selectors.orderable_products`: assortment rules and prices) and their ancestors.
Caches are dropped by `catalog.services.catalog_cache_clear` and expire anyway.
"""

from dataclasses import dataclass, field

from django.core.cache import cache

from kabinet.catalog.models import Section
from kabinet.catalog.services import catalog_cache_version
from kabinet.pricing.selectors import PricingContext, orderable_products

CACHE_SECONDS = 300


@dataclass(frozen=True, slots=True)
class SectionInfo:
    pk: int
    parent_id: int | None
    name: str
    sort: int


@dataclass(slots=True)
class TreeNode:
    section: SectionInfo
    depth: int
    current: bool = False
    open: bool = False  # on the path to the current section: its children are shown
    has_children: bool = False


@dataclass(slots=True)
class SectionTree:
    nodes: list[TreeNode] = field(default_factory=list)
    path: list[SectionInfo] = field(default_factory=list)  # root … current (breadcrumbs)

    @property
    def current(self) -> SectionInfo | None:
        return self.path[-1] if self.path else None


def sections_all() -> dict[int, SectionInfo]:
    """Every active section, in display order; one query, then cached."""
    key = f"catalog:sections:{catalog_cache_version()}"
    sections = cache.get(key)
    if sections is None:
        rows = (
            Section.objects.filter(is_active=True)
            .order_by("sort", "name", "pk")
            .values_list("pk", "parent_id", "name", "sort")
        )
        sections = {row[0]: SectionInfo(*row) for row in rows}
        cache.set(key, sections, CACHE_SECONDS)
    return sections


def assortment_section_ids(context: PricingContext) -> set[int]:
    """Sections holding products the agreement may order; cached per agreement.

    The products themselves are always read live; only this navigation aid may lag behind a
    change of the assortment by CACHE_SECONDS.
    """
    key = (
        f"catalog:assortment-sections:{catalog_cache_version()}:{context.agreement_id}:"
        f"{context.price_type_id}:{context.partner_id}"
    )
    found = cache.get(key)
    if found is None:
        found = set(
            orderable_products(context).order_by().values_list("section_id", flat=True).distinct()
        )
        cache.set(key, found, CACHE_SECONDS)
    return found


def section_path(section_id: int | None, sections: dict[int, SectionInfo] | None = None):
    """The section and its ancestors, root first (empty for an unknown section)."""
    if sections is None:
        sections = sections_all()
    path: list[SectionInfo] = []
    seen: set[int] = set()
    while section_id is not None and section_id in sections and section_id not in seen:
        seen.add(section_id)
        path.append(sections[section_id])
        section_id = sections[section_id].parent_id
    return path[::-1]


def section_tree(*, context: PricingContext, current_id: int | None) -> SectionTree:
    """Roots, and the children of every section on the path to the current one.

    Only sections with products the agreement may see (in them or below them) are shown.
    """
    sections = sections_all()
    visible: set[int] = set()
    for section_id in assortment_section_ids(context):
        while section_id is not None and section_id in sections and section_id not in visible:
            visible.add(section_id)
            section_id = sections[section_id].parent_id
    children: dict[int | None, list[SectionInfo]] = {}
    for info in sections.values():  # already in display order
        if info.pk in visible:
            parent = info.parent_id if info.parent_id in sections else None
            children.setdefault(parent, []).append(info)
    path = [s for s in section_path(current_id, sections) if s.pk in visible]
    on_path = {s.pk for s in path}
    tree = SectionTree(path=path)

    def walk(parent_id: int | None, depth: int) -> None:
        for info in children.get(parent_id, []):
            node = TreeNode(
                section=info,
                depth=depth,
                current=bool(path) and info.pk == path[-1].pk,
                open=info.pk in on_path,
                has_children=info.pk in children,
            )
            tree.nodes.append(node)
            if node.open:
                walk(info.pk, depth + 1)

    walk(None, 0)
    return tree
