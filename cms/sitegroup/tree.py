"""The site group as a tree: the one place that knows where a code or a page belongs.

* **code ↔ site**: ``get_site_profile("340123")``, ``resolve_code("340123100")``
  (a six-digit site code, or a township's nine-digit code: its ``TownshipPage``
  column and the site whose home page holds that column);
* **page → site**: ``SiteIndex`` places any page (by its treebeard path) under
  the deepest site root above it, for many pages with one query;
  ``site_for_path(path)`` for one;
* **township columns**: ``township_columns(profile)``, the ``TownshipPage`` rows
  under a site's home page;
* **ancestors and descendants** follow ``SiteProfile.parent`` (never the
  arithmetic of division codes, which a site group need not follow):
  ``ancestors(profile)``, ``descendants(profile)``, ``ancestor_codes(code)``.

Whether the public may *see* a site, a column or a page is the business of
``cms.sitegroup.visibility``, which uses this module to place things.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import cached_property

from .models import SiteProfile

if TYPE_CHECKING:
    from wagtail.models import Site


class UnknownDivisionCode(LookupError):
    """No site (or township column) has this division code."""


@dataclass(frozen=True)
class Place:
    """What a division code addresses: a site, and for a township its column page."""

    profile: SiteProfile
    township: object | None = None

    @property
    def site(self) -> Site:
        return self.profile.site

    @property
    def code(self) -> str:
        return (
            self.township.division_code if self.township is not None else self.profile.division_code
        )


def is_site_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def is_township_code(code: str) -> bool:
    return len(code) == 9 and code.isdigit()


# --- code ↔ site -----------------------------------------------------------------


def get_site_profile(code: str) -> SiteProfile:
    """The site with this six-digit code, or ``UnknownDivisionCode``."""
    try:
        return SiteProfile.objects.select_related("site__root_page", "parent").get(
            division_code=(code or "").strip()
        )
    except SiteProfile.DoesNotExist as exc:
        raise UnknownDivisionCode(code) from exc


def township_page(code: str):
    """The ``TownshipPage`` column with this nine-digit code (any state), or ``None``."""
    from cms.content.models import TownshipPage

    return TownshipPage.objects.filter(division_code=code).first()


def resolve_code(code: str) -> Place:
    """A six-digit site code or a nine-digit township code, as a ``Place``.

    A township belongs to the site whose home page holds its column (the page
    tree decides, not the first six digits of its code).
    """
    code = (code or "").strip()
    if is_township_code(code):
        township = township_page(code)
        profile = site_for_path(township.path) if township is not None else None
        if profile is None:
            raise UnknownDivisionCode(code)
        return Place(profile=profile, township=township)
    if not is_site_code(code):
        raise UnknownDivisionCode(code)
    return Place(profile=get_site_profile(code))


# --- page → site -----------------------------------------------------------------


@dataclass(frozen=True)
class SiteRoot:
    """One site of the group as the page tree sees it."""

    path: str  # treebeard path of the site's home page
    url_path: str  # Wagtail url_path of the home page
    site_id: int
    code: str
    profile: SiteProfile


class SiteIndex:
    """Every site's home page, deepest first, to place pages of any site (one query, lazily)."""

    @cached_property
    def roots(self) -> list[SiteRoot]:
        rows = [
            SiteRoot(p.site.root_page.path, p.site.root_page.url_path, p.site_id,
                     p.division_code, p)
            for p in SiteProfile.objects.select_related("site__root_page", "parent")
        ]  # fmt: skip
        rows.sort(key=lambda r: len(r.path), reverse=True)
        return rows

    def root_for_path(self, path: str | None) -> SiteRoot | None:
        """The site whose home page is at or above the page at ``path``, or ``None``."""
        if path:
            for root in self.roots:
                if path.startswith(root.path):
                    return root
        return None

    def profile_for_path(self, path: str | None) -> SiteProfile | None:
        root = self.root_for_path(path)
        return root.profile if root is not None else None

    def code_for_path(self, path: str | None) -> str | None:
        root = self.root_for_path(path)
        return root.code if root is not None else None

    def profile_for_site_id(self, site_id: int) -> SiteProfile | None:
        return self._by_site_id.get(site_id)

    @cached_property
    def _by_site_id(self) -> dict[int, SiteProfile]:
        return {root.site_id: root.profile for root in self.roots}

    def lineage(self, code: str) -> list[str]:
        """``code`` and the codes of the sites above it (by ``SiteProfile.parent``)."""
        by_id = {root.profile.pk: root.profile for root in self.roots}
        node = next((r.profile for r in self.roots if r.code == code), None)
        chain: list[str] = []
        while node is not None and node.division_code not in chain:
            chain.append(node.division_code)
            node = by_id.get(node.parent_id)
        return chain or [code]

    def public_url(self, path: str, url_path: str) -> tuple[str, str] | None:
        """``(public URL, site code)`` of a page, or ``None`` when it is under no site."""
        root = self.root_for_path(path)
        if root is None:
            return None
        return site_root_url(root.profile.site) + "/" + url_path[len(root.url_path) :], root.code


def site_for_path(path: str | None) -> SiteProfile | None:
    """The site a page (by its treebeard path) belongs to: one indexed query."""
    if not path:
        return None
    steps = 4  # treebeard's steplen in Wagtail
    prefixes = [path[:i] for i in range(steps, len(path) + 1, steps)]
    return (
        SiteProfile.objects.filter(site__root_page__path__in=prefixes)
        .select_related("site__root_page", "parent")
        .order_by("-site__root_page__depth")
        .first()
    )


def site_values_for_path(path: str | None) -> dict | None:
    """``{"site_id", "division_code", "name"}`` of ``site_for_path`` (no rows loaded)."""
    profile = site_for_path(path)
    if profile is None:
        return None
    return {"site_id": profile.site_id, "division_code": profile.division_code,
            "name": profile.name}  # fmt: skip


def site_for_page(page) -> SiteProfile | None:
    return site_for_path(getattr(page, "path", None))


def site_root_url(site: Site) -> str:
    """``http://host[:port]`` of a Wagtail ``Site`` (no trailing slash)."""
    if site.port == 80:
        return f"http://{site.hostname}"
    if site.port == 443:
        return f"https://{site.hostname}"
    return f"http://{site.hostname}:{site.port}"


# --- township columns -------------------------------------------------------------


def township_columns(profile: SiteProfile | None = None):
    """``TownshipPage`` columns (any state) under a site's home page, or under every site."""
    from cms.content.models import TownshipPage

    qs = TownshipPage.objects.all()
    if profile is not None:
        qs = qs.filter(path__startswith=profile.site.root_page.path)
    return qs.order_by("division_code")


# --- ancestors and descendants ---------------------------------------------------


def ancestors(profile: SiteProfile, include_self: bool = False) -> list[SiteProfile]:
    """The sites above ``profile`` by ``SiteProfile.parent``, the top (province) first."""
    chain, node = [], (profile if include_self else profile.parent)
    seen = set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def descendants(profile: SiteProfile, include_self: bool = False) -> list[SiteProfile]:
    """Every site below ``profile`` in the group (breadth first, by code within a level)."""
    result = [profile] if include_self else []
    frontier = [profile.pk]
    seen = set(frontier)
    while frontier:
        children = [
            c
            for c in SiteProfile.objects.filter(parent_id__in=frontier)
            .select_related("site")
            .order_by("division_code")
            if c.pk not in seen
        ]
        result.extend(children)
        frontier = [c.pk for c in children]
        seen.update(frontier)
    return result


class ScopeTree:
    """The parent → children links among ``profiles`` (a scope read once, such as
    ``descendants(root, include_self=True)`` narrowed to the sites a user may see), for
    the roll-ups that add each site's figures to those of the sites below it, with no
    further query. Children are in division-code order; ``root`` (when given) is never
    anybody's child."""

    def __init__(self, profiles, root: SiteProfile | None = None):
        in_scope = {p.pk for p in profiles}
        self._children: dict[int, list[SiteProfile]] = {}
        for p in sorted(profiles, key=lambda p: p.division_code):
            if p.parent_id in in_scope and (root is None or p.pk != root.pk):
                self._children.setdefault(p.parent_id, []).append(p)

    def children(self, profile: SiteProfile) -> list[SiteProfile]:
        """The sites of the scope directly below ``profile``."""
        return self._children.get(profile.pk, [])

    def site_ids(self, profile: SiteProfile) -> list[int]:
        """The site of ``profile`` and of every profile of the scope below it."""
        ids, stack, seen = [], [profile], set()
        while stack:
            node = stack.pop()
            if node.pk in seen:
                continue
            seen.add(node.pk)
            ids.append(node.site_id)
            stack.extend(self._children.get(node.pk, ()))
        return ids


def ancestor_codes(codes) -> list[str]:
    """The six-digit codes of these sites (a township's: its site's) and of every site
    above them, by ``SiteProfile.parent``. One query for the whole group."""
    parents = dict(SiteProfile.objects.values_list("division_code", "parent__division_code"))
    found: dict[str, None] = {}
    for code in codes:
        code = str(code or "").strip()
        if is_township_code(code):
            place = None
            try:
                place = resolve_code(code)
            except UnknownDivisionCode:
                continue
            code = place.profile.division_code
        while code and code not in found:
            found[code] = None
            code = parents.get(code)
    return sorted(found)
