"""What one API request may see: the site (or township column) named by ``?site=``.

A ``Scope`` is built once per request with a fixed, small number of queries
(the site with its root page, and every view restriction of the tree) and
then answers, without further queries:

* ``pages()``: the live, public, unrestricted pages of the known page types
  in the site's (or township's) subtree, as one queryset;
* the public URL and API URL of any page from its ``url_path``, computed from
  the site's root path (no per-page ``Site`` lookups as ``Page.url`` does).

Anything outside that queryset answers the same 404 as a page that does not
exist: a draft, a page marked not public, a page under a private view
restriction, or a page of another site.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from wagtail.models import Page, PageViewRestriction, Site

from cms.content.models import (
    ArticlePage,
    ColumnPage,
    Confidentiality,
    HomePage,
    MeetingPage,
    RegulationPage,
    ReportPage,
    TownshipPage,
)
from cms.sitegroup.lookup import Place, UnknownDivisionCode, resolve_code
from cms.sitegroup.models import SiteProfile

from .exceptions import ApiProblem

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
SITE_LEVEL_CHOICES = [(name, name) for name in ("province", "municipal", "county", "township")]

API_PREFIX = "/api/v1/"


def type_for_content_type_id() -> dict[int, str]:
    """``{content_type_id: short name}``; ContentType's own cache answers after the first call."""
    by_model = ContentType.objects.get_for_models(*PAGE_TYPES.values())
    names = {model: name for name, model in PAGE_TYPES.items()}
    return {ct.pk: names[model] for model, ct in by_model.items()}


def public_q() -> Q:
    """Pages marked public; the mark lives on each concrete page table."""
    q = Q()
    for model in PAGE_TYPES.values():
        q |= Q(**{f"{model._meta.model_name}__confidentiality": Confidentiality.PUBLIC})
    return q


def root_url(site: Site) -> str:
    if site.port == 80:
        return f"http://{site.hostname}"
    if site.port == 443:
        return f"https://{site.hostname}"
    return f"http://{site.hostname}:{site.port}"


def unknown_site(code: str) -> ApiProblem:
    return ApiProblem(
        404,
        "unknown-site",
        _("站点不存在"),
        _("没有行政区划代码为 %(code)s 的站点。") % {"code": code},
        site=code,
    )


def site_required() -> ApiProblem:
    return ApiProblem(
        400,
        "site-required",
        _("缺少站点参数"),
        _("请用 site 参数指明站点的行政区划代码,如 ?site=340123。"),
    )


@dataclass
class Scope:
    """The site (and, for a nine-digit code, the township column) a request addresses."""

    code: str
    profile: SiteProfile
    home: Page
    township: TownshipPage | None
    restricted_paths: list[str] = field(default_factory=list)

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

    def is_restricted(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.restricted_paths)

    def pages(self, types: list[str] | None = None) -> QuerySet:
        """Every page this scope may show, as a queryset of base ``Page`` rows."""
        type_ids = {name: pk for pk, name in type_for_content_type_id().items()}
        wanted = [type_ids[t] for t in (types or PAGE_TYPES)]
        qs = Page.objects.filter(
            path__startswith=self.root.path, live=True, content_type_id__in=wanted
        ).filter(public_q())
        for path in self.restricted_paths:
            if self.root.path.startswith(path):
                return qs.none()
            if path.startswith(self.root.path):
                qs = qs.exclude(path__startswith=path)
        return qs


def resolve_site_param(code: str | None) -> Place:
    """``?site=<code>`` as a ``Place``, or an ``ApiProblem`` (400 missing, 404 unknown).

    The one site check of plugin routes and search; the content endpoints use
    ``resolve_scope``, which also loads what they need to filter pages.
    """
    code = (code or "").strip()
    if not code:
        raise site_required()
    try:
        return resolve_code(code)
    except UnknownDivisionCode:
        raise unknown_site(code) from None


def resolve_scope(code: str | None) -> Scope:
    """The scope of ``?site=<code>``, or an ``ApiProblem`` (400 missing, 404 unknown).

    Two queries: the site with its home page (or the township and its county),
    and the view restrictions of the whole tree (few rows, loaded once).
    """
    code = (code or "").strip()
    if not code:
        raise site_required()
    if not code.isdigit() or len(code) not in (6, 9):
        raise unknown_site(code)
    restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    profiles = SiteProfile.objects.select_related("site__root_page")
    if len(code) == 9:
        township = (
            TownshipPage.objects.filter(
                division_code=code, live=True, confidentiality=Confidentiality.PUBLIC
            )
            .only("id", "path", "depth", "url_path", "title", "division_code", "intro")
            .first()
        )
        profile = profiles.filter(division_code=code[:6]).first()
        if (
            township is None
            or profile is None
            or not township.path.startswith(profile.site.root_page.path)
            or any(township.path.startswith(p) for p in restricted)
        ):
            raise unknown_site(code)
    else:
        township = None
        profile = profiles.filter(division_code=code).first()
        if profile is None:
            raise unknown_site(code)
    return Scope(
        code=code,
        profile=profile,
        home=profile.site.root_page,
        township=township,
        restricted_paths=restricted,
    )


class SiteIndex:
    """Every site's root path and code, to place a page of any site (one query, lazily)."""

    @cached_property
    def _sites(self) -> list[tuple[str, str, str, Site]]:
        rows = []
        for site in Site.objects.select_related("root_page", "profile"):
            profile = getattr(site, "profile", None)
            rows.append(
                (site.root_page.path, site.root_page.url_path, profile.division_code if profile
                 else "", site)
            )  # fmt: skip
        rows.sort(key=lambda r: len(r[0]), reverse=True)
        return rows

    def locate(self, path: str, url_path: str) -> tuple[str, str] | None:
        """``(public URL, site code)`` of a page, or ``None`` when it is under no site."""
        for root_path, root_url_path, code, site in self._sites:
            if path.startswith(root_path) and code:
                return root_url(site) + "/" + url_path[len(root_url_path) :], code
        return None
