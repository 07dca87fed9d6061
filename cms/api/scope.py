"""What one API request may see: the site (or township column) named by ``?site=``.

A ``Scope`` is built once per request with a fixed, small number of queries
(the site with its root page, and the hidden subtrees of the page tree) and
then answers, without further queries:

* ``pages()``: the pages of the known page types in the site's (or
  township's) subtree that the public may see (``cms.sitegroup.visibility``),
  as one queryset;
* the public URL and API URL of any page from its ``url_path``, computed from
  the site's root path (no per-page ``Site`` lookups as ``Page.url`` does).

Anything outside that queryset answers the same 404 as a page that does not
exist: a draft, a page marked not public, a page under an unpublished or
not-public column, a page under a private view restriction, or a page of
another site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from wagtail.models import Page, Site

from cms.content.models import (
    ArticlePage,
    ColumnPage,
    HomePage,
    ListedPage,
    MeetingPage,
    RegulationPage,
    ReportPage,
    TownshipPage,
)
from cms.sitegroup import visibility
from cms.sitegroup.models import SiteProfile
from cms.sitegroup.tree import site_root_url

from .conventions import resolve_site

#: Stable short names of the page types the API serves.
PAGE_TYPES: dict[str, type[Page]] = {
    "home": HomePage,
    "column": ColumnPage,
    "township": TownshipPage,
    "article": ArticlePage,
    "regulation": RegulationPage,
    "report": ReportPage,
    "meeting": MeetingPage,
}
#: Types that hold dated content (they have ``date`` and ``summary``).
CONTENT_TYPES = ("article", "regulation", "report", "meeting")
#: Types that hold other pages (navigation).
CONTAINER_TYPES = ("home", "column", "township")
#: Choice sets as the OpenAPI document names them (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]).
PAGE_TYPE_CHOICES = [(name, name) for name in PAGE_TYPES]
COLUMN_TYPE_CHOICES = [("column", "column"), ("township", "township")]

API_PREFIX = "/api/v1/"


def type_for_content_type_id() -> dict[int, str]:
    """``{content_type_id: short name}``; ContentType's own cache answers after the first call."""
    by_model = ContentType.objects.get_for_models(*PAGE_TYPES.values())
    names = {model: name for name, model in PAGE_TYPES.items()}
    return {ct.pk: names[model] for model, ct in by_model.items()}


def content_type_ids(types) -> list[int]:
    """The content type ids of these short type names."""
    ids = {name: pk for pk, name in type_for_content_type_id().items()}
    return [ids[t] for t in types]


root_url = site_root_url


@dataclass
class Scope:
    """The site (and, for a nine-digit code, the township column) a request addresses."""

    code: str
    profile: SiteProfile
    home: Page
    township: TownshipPage | None
    visible: visibility.Visibility = field(default_factory=visibility.Visibility)

    @property
    def site(self) -> Site:
        return self.profile.site

    @property
    def root(self) -> Page:
        """The top of what this scope may show: the township column or the site's home."""
        return self.township or self.home

    @cached_property
    def base_url(self) -> str:
        return root_url(self.site)

    def relative_path(self, url_path: str) -> str:
        """``/news/slug/`` for a page of this site (its URL below the home page)."""
        return "/" + url_path[len(self.home.url_path) :]

    def public_url(self, url_path: str) -> str:
        return self.base_url + self.relative_path(url_path)

    def api_url(self, page_id: int) -> str:
        return f"{API_PREFIX}pages/{page_id}/?site={self.code}"

    def page_ref(self, row: dict, types: dict[int, str]) -> dict:
        """The identifying fields of a page row (``values()`` of a page query), in API order."""
        return {
            "id": row["id"],
            "type": types[row["content_type_id"]],
            "title": row["title"],
            "slug": row["slug"],
            "path": self.relative_path(row["url_path"]),
            "url": self.public_url(row["url_path"]),
            "api_url": self.api_url(row["id"]),
        }

    def pages(self, types: list[str] | None = None) -> QuerySet:
        """Every page of ``types`` (default: all) this scope may show, as a queryset of base
        ``Page`` rows. Only the tables of ``types`` are joined: for one type, one join."""
        types = list(types or PAGE_TYPES)
        qs = Page.objects.filter(content_type_id__in=content_type_ids(types))
        return self.visible.public_pages(qs, self.root.path, [PAGE_TYPES[t] for t in types])

    def listed(self, types: list[str]):
        """The rows of the page lists' index (``ListedPage``) for the pages of ``types``
        this scope may show: the same pages as ``pages(types)``, read from one index."""
        qs = ListedPage.objects.filter(content_type_id__in=content_type_ids(types))
        return self.visible.public_listed(qs, self.root.path)

    def shows(self, path: str) -> bool:
        """Is a live page marked public at ``path`` inside what this scope may show?"""
        return path.startswith(self.root.path) and not self.visible.path_is_hidden(path)

    def page(self, page_id: int, parent: bool = False) -> Page | None:
        """The specific page ``page_id`` if this scope may show it, else ``None``.

        One query when this process has seen the page before (a page's type never
        changes; the type is kept per id), two the first time. No join beyond the
        page's own type table. With ``parent``, the page carries ``parent_id``, its
        parent's id (any parent: check it with the scope before showing it)."""
        name = _page_types.get(page_id)
        page = _specific(name, page_id, parent) if name else None
        if page is None:
            content_type_id = (
                Page.objects.filter(pk=page_id).values_list("content_type_id", flat=True).first()
            )
            name = type_for_content_type_id().get(content_type_id)
            page = _specific(name, page_id, parent) if name else None
            if page is None:
                return None
            if len(_page_types) >= PAGE_TYPES_KEPT:
                _page_types.clear()
            _page_types[page_id] = name
        inside = page.path.startswith(self.root.path)
        return page if inside and self.visible.page_is_public(page) else None


#: Page id → short type name, kept by ``Scope.page`` (a few MB at most).
_page_types: dict[int, str] = {}
PAGE_TYPES_KEPT = 50_000


#: The id of a page's parent, by its tree path (the path less one step); written as SQL
#: because compiling the equivalent ``Subquery`` cost more than running it.
PARENT_ID_SQL = (
    "SELECT U0.id FROM wagtailcore_page U0 WHERE U0.path = "
    "SUBSTR(wagtailcore_page.path, 1, LENGTH(wagtailcore_page.path) - %s)"
)


def _specific(name: str, page_id: int, parent: bool):
    qs = PAGE_TYPES[name]._base_manager.filter(pk=page_id)
    if parent:
        qs = qs.annotate(
            parent_id=RawSQL(PARENT_ID_SQL, (Page.steplen,), output_field=IntegerField())
        )
    return qs.first()


def resolve_scope(code: str | None) -> Scope:
    """The scope of ``?site=<code>``, or an ``ApiProblem`` (400 missing, 404 unknown or not
    public: ``cms.api.conventions.resolve_site``).

    Two queries (three for a township): the site with its home page, and the
    hidden subtrees of the whole tree (few rows, loaded once).
    """
    visible = visibility.Visibility()
    place = resolve_site(code, visible)
    return Scope(
        code=place.code,
        profile=place.profile,
        home=place.profile.site.root_page,
        township=place.township,
        visible=visible,
    )
