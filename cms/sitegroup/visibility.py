"""What the public may see: the one rule for sites, township codes and pages.

A **page** is public only if

* it is live and marked public (公开, ``cms.content.models.Confidentiality``);
* no page above it (its columns, its site's home page) is unpublished or
  marked not public;
* no view restriction (password, login, groups) is on it or above it;
* its site is public: the site's home page is public by this same rule.

A **site** (its code) is public when its home page is; a **township code**
when its ``TownshipPage`` column is. Everything that is not
public answers exactly as if it did not exist: the API's 404, no search hit,
no downloadable attachment. Every public surface (the content API, plugin
routes, search, documents) asks this module; none keeps its own copy.

Placing things (which site a page or code belongs to) is
``cms.sitegroup.tree``'s business.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.functional import cached_property

from .tree import Place, UnknownDivisionCode, is_site_code, is_township_code


def page_models() -> list[type]:
    """The concrete page types that carry the confidentiality mark (``LianxiPage``)."""
    from django.apps import apps

    from cms.content.models import LianxiPage

    return [
        model
        for model in apps.get_models()
        if issubclass(model, LianxiPage) and not model._meta.abstract and not model._meta.proxy
    ]


def public_q(models=None) -> Q:
    """Pages marked public (the mark lives on each concrete page table)."""
    from cms.content.models import Confidentiality

    q = Q()
    for model in models if models is not None else page_models():
        q |= Q(**{f"{model._meta.model_name}__confidentiality": Confidentiality.PUBLIC})
    return q


def not_public_q(models=None) -> Q:
    """Pages explicitly marked not public (pages of other types carry no mark)."""
    from cms.content.models import Confidentiality

    withheld = [value for value in Confidentiality.values if value != Confidentiality.PUBLIC]
    q = Q(pk__in=[])
    for model in models if models is not None else page_models():
        q |= Q(**{f"{model._meta.model_name}__confidentiality__in": withheld})
    return q


def withheld(models=None) -> Q:
    """Pages explicitly marked not public, for a base ``Page`` queryset: ``.exclude(withheld())``
    keeps the rest. The same answer as ``not_public_q`` without joining the type tables to
    the page row (the planner's cost grows with every join; an ``EXISTS`` per type does not).

    Written once per process as SQL: Django compiling a correlated ``Exists`` for each of
    the seven page types cost more than the query itself. The SQL names the page table
    itself, so use it on a top-level query, never inside a subquery (Django renames a
    subquery's tables)."""
    from django.db.models import BooleanField
    from django.db.models.expressions import RawSQL

    models = tuple(models if models is not None else page_models())
    sql, params = _withheld_sql(models)
    return Q(RawSQL(sql, params, output_field=BooleanField()))


_withheld_cache: dict[tuple, tuple[str, tuple]] = {}


def _withheld_sql(models: tuple) -> tuple[str, tuple]:
    from django.db import connection

    from cms.content.models import Confidentiality

    found = _withheld_cache.get(models)
    if found is None:
        quote = connection.ops.quote_name
        page = quote(models[0]._meta.pk.remote_field.model._meta.db_table) if models else ""
        checks = [
            f"EXISTS (SELECT 1 FROM {quote(m._meta.db_table)} U0 WHERE "
            f"U0.{quote(m._meta.pk.column)} = {page}.{quote('id')} AND U0.confidentiality <> %s)"
            for m in models
        ]
        found = (
            "(" + " OR ".join(checks) + ")" if checks else "(1 = 0)",
            (Confidentiality.PUBLIC,) * len(checks),
        )
        _withheld_cache[models] = found
    return found


def hidden_paths() -> list[str]:
    """Tree paths under which nothing is public: pages with a view restriction, and
    home pages and pages with children that are unpublished or marked not public.

    Asked on every API request, so kept in the Django cache until the page tree
    changes (``cms.api.caching.cached_by_tree``: the API cache's generations,
    bumped by every publish, unpublish, save, move, delete and view restriction).
    Without a cache (Redis down) it is one query.
    """
    from cms.api.caching import cached_by_tree

    return cached_by_tree("hidden", query_hidden_paths)


def query_hidden_paths() -> list[str]:
    """``hidden_paths()`` from the database, in one query."""
    from wagtail.models import Page, PageViewRestriction

    withheld = (
        Page.objects.filter(depth__gt=1)
        .filter(Q(numchild__gt=0) | Q(depth=2))
        .filter(Q(live=False) | not_public_q())
        .order_by()
        .values_list("path", flat=True)
    )
    restricted = PageViewRestriction.objects.order_by().values_list("page__path", flat=True)
    return sorted(set(restricted.union(withheld)))


def hidden_among(paths: list[str]) -> Exists:
    """Is one of the pages at ``paths`` (a page and its ancestors) unpublished, marked
    not public or under a view restriction? One subquery, for an annotation."""
    from wagtail.models import Page, PageViewRestriction

    return Exists(
        Page.objects.filter(path__in=paths, depth__gt=1).filter(Q(live=False) | not_public_q())
    ) | Exists(PageViewRestriction.objects.filter(page__path__in=paths))


def home_public_annotation() -> Exists:
    """For a ``SiteProfile`` queryset: is the site's home page public (live, marked
    public, unrestricted)? One subquery, so resolving a site costs no extra query."""
    from wagtail.models import Page, PageViewRestriction

    home = OuterRef("site__root_page_id")
    return Exists(Page.objects.filter(pk=home, live=True).exclude(not_public_q())) & ~Exists(
        PageViewRestriction.objects.filter(Q(page_id=home) | Q(page__depth=1))
    )


def public_site_profiles() -> QuerySet:
    """Sites whose home page is public, with their site, home page and parent loaded."""
    from .models import SiteProfile

    return (
        SiteProfile.objects.select_related("site__root_page", "parent")
        .alias(home_public=home_public_annotation())
        .filter(home_public=True)
    )


class Visibility:
    """The hidden subtrees of the page tree, loaded once (one query), for many questions."""

    def __init__(self, hidden: list[str] | None = None):
        if hidden is not None:
            self.__dict__["hidden"] = hidden

    @cached_property
    def hidden(self) -> list[str]:
        return hidden_paths()

    def path_is_hidden(self, path: str) -> bool:
        """Is the page at ``path`` inside (or at the top of) a hidden subtree?"""
        return any(path.startswith(h) for h in self.hidden)

    def page_is_public(self, page) -> bool:
        """The rule for one page (specific or base ``Page``; a base page costs a query)."""
        from cms.content.models import Confidentiality

        if not page.live or self.path_is_hidden(page.path):
            return False
        specific = page if hasattr(page, "confidentiality") else page.specific_deferred
        return getattr(specific, "confidentiality", None) == Confidentiality.PUBLIC

    def public_townships(self, profile=None) -> list[tuple[str, str, str, str]]:
        """``(code, title, path, url_path)`` of the township columns the public may see
        (under one site, or every site), by code."""
        from cms.content.models import Confidentiality

        from .tree import township_columns

        rows = township_columns(profile).filter(live=True, confidentiality=Confidentiality.PUBLIC)
        return [
            row
            for row in rows.values_list("division_code", "title", "path", "url_path")
            if not self.path_is_hidden(row[2])
        ]

    def public_pages(self, qs: QuerySet, root_path: str, models=None) -> QuerySet:
        """``qs`` (base ``Page`` rows) narrowed to the public pages at or below ``root_path``."""
        if self.path_is_hidden(root_path):
            return qs.none()
        qs = qs.filter(path__startswith=root_path, live=True).filter(public_q(models))
        return self._outside_hidden(qs, root_path)

    def public_listed(self, qs: QuerySet, root_path: str) -> QuerySet:
        """The same for ``ListedPage`` rows (the page lists' index, ``cms.content.listing``):
        its ``shown`` is "live and marked public" of the page itself."""
        from cms.content.listing import site_path

        if self.path_is_hidden(root_path):
            return qs.none()
        qs = qs.filter(site_path=site_path(root_path), shown=True)
        if len(root_path) > len(site_path(root_path)):
            qs = qs.filter(path__startswith=root_path)
        return self._outside_hidden(qs, root_path)

    def _outside_hidden(self, qs: QuerySet, root_path: str) -> QuerySet:
        for path in self.hidden:
            if path.startswith(root_path):
                qs = qs.exclude(path__startswith=path)
        return qs


def public_place(code: str, visibility: Visibility | None = None) -> Place:
    """The ``Place`` of a site or township code the public may see, else ``UnknownDivisionCode``.

    Every API request asks it, and writes too, so a known code's place is kept in
    the Django cache until the page tree or the site set changes
    (``cms.api.caching.cached_by_tree``, like ``hidden_paths``); unknown codes are
    never kept (anyone can ask for any of a billion codes). From the database, a
    six-digit code costs one query (the site with its home page's visibility); a
    nine-digit code two (its column; its site with the column's ancestors' visibility).
    """
    from cms.api.caching import cached_by_tree

    code = (code or "").strip()
    if not (is_site_code(code) or is_township_code(code)):
        raise UnknownDivisionCode(code)
    place = cached_by_tree(f"place:{code}", lambda: query_public_place(code, visibility))
    if place is None:
        raise UnknownDivisionCode(code)
    return place


def query_public_place(code: str, visibility: Visibility | None = None) -> Place | None:
    """``public_place(code)`` from the database; ``None`` when the public may not see it."""
    from cms.content.models import Confidentiality, TownshipPage

    if is_site_code(code):
        profile = public_site_profiles().filter(division_code=code).first()
        return None if profile is None else Place(profile=profile)
    township = (
        TownshipPage.objects.filter(
            division_code=code, live=True, confidentiality=Confidentiality.PUBLIC
        )
        .only("id", "path", "depth", "url_path", "title", "slug", "division_code", "intro",
              "live", "confidentiality")
        .first()
    )  # fmt: skip
    if township is None:
        return None
    steps = 4
    above = [township.path[:i] for i in range(steps, len(township.path), steps)]
    profiles = public_site_profiles().filter(site__root_page__path__in=above)
    if visibility is None or "hidden" not in visibility.__dict__:
        # No hidden subtrees loaded yet: check the column's ancestors in the same query.
        profiles = profiles.alias(hidden_above=hidden_among([*above, township.path])).filter(
            hidden_above=False
        )
    elif visibility.path_is_hidden(township.path):
        return None
    profile = profiles.order_by("-site__root_page__depth").first()
    return None if profile is None else Place(profile=profile, township=township)


def code_is_public(code: str) -> bool:
    try:
        public_place(code)
    except UnknownDivisionCode:
        return False
    return True
