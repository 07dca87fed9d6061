"""What gets indexed: an :class:`Entry` per public, live page or plugin record."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils import timezone

from . import text

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")

#: Page models never indexed (``app_label.modelname``); a site's home page is its root.
#: Columns and township columns are navigation: searching 代表 must not rank 代表工作 first.
DEFAULT_EXCLUDED_TYPES = ("content.homepage", "content.columnpage", "content.townshippage")
COLUMN_MODELS = ("content.columnpage", "content.townshippage")


@dataclass
class Entry:
    key: str
    family: str
    type: str
    object_id: int
    site_id: int
    site_code: str
    level: str
    title: str
    body: str = ""
    date: dt.date | None = None
    url: str = ""
    plugin: str = ""
    column_id: int | None = None
    path: str = ""
    #: ``services.Audience`` id of a record only its audience may find; ``None``: public.
    audience_id: int | None = None
    title_tokens: str = field(default="", repr=False)
    body_tokens: str = field(default="", repr=False)
    scope_tokens: str = field(default="", repr=False)

    def __post_init__(self):
        if not self.scope_tokens:  # callers placing many entries pass them (SiteIndex.lineage)
            from cms.sitegroup.tree import ancestor_codes

            self.scope_tokens = scope_tokens(self.site_code, ancestor_codes([self.site_code]))
        self.title = clean_text(self.title)[:1000]
        self.body = clean_text(self.body)
        self.title_tokens = text.index_text(self.title)
        self.body_tokens = text.index_text(self.body)

    def as_dict(self) -> dict:
        return asdict(self)


#: Scope tokens start with "x0" so that no prefix query a user can reasonably type
#: (the last Latin word of a query is a prefix: "GB/T" → "gb t*") expands to them.
SCOPE_PREFIX = "x0"


def scope_tokens(site_code: str, lineage) -> str:
    """Index tokens of the scopes an entry of ``site_code`` is in: ``x0st<site>`` and
    ``x0tr<site or ancestor>``, the ancestors by ``SiteProfile.parent``
    (``cms.sitegroup.tree``: ``SiteIndex.lineage``, ``ancestor_codes``)."""
    trees = dict.fromkeys([site_code, *lineage])
    return " ".join([f"{SCOPE_PREFIX}st{site_code}", *(f"{SCOPE_PREFIX}tr{c}" for c in trees)])


def clean_text(value) -> str:
    value = html.unescape(_TAGS.sub(" ", str(value or "")))
    return _SPACES.sub(" ", value).strip()


# --- pages -------------------------------------------------------------------


def excluded_types() -> set[str]:
    return set(getattr(settings, "LIANXI_SEARCH_EXCLUDED_PAGE_TYPES", DEFAULT_EXCLUDED_TYPES))


def page_type(model) -> str:
    name = model._meta.model_name
    return name[:-4] if name.endswith("page") and len(name) > 4 else name


def is_indexable_model(model) -> bool:
    from cms.content.models import LianxiPage

    return issubclass(model, LianxiPage) and model._meta.label_lower not in excluded_types()


def _searchable_text(page) -> str:
    from wagtail.fields import StreamField
    from wagtail.search import index

    parts = []
    for search_field in page.get_search_fields():
        if not isinstance(search_field, index.SearchField):
            continue
        name = search_field.field_name
        if name == "title":
            continue
        try:
            model_field = page._meta.get_field(name)
        except Exception:
            model_field = None
        value = getattr(page, name, None)
        if value is None:
            continue
        if callable(value):
            value = value()
        if isinstance(model_field, StreamField):
            parts.extend(str(v) for v in model_field.get_searchable_content(value))
        else:
            parts.append(str(value))
    return "\n".join(parts)


def page_entry(page, sites=None, visible=None, columns=None) -> Entry | None:
    """The entry of ``page`` (specific, as stored), or ``None`` if it must not be searchable:
    not public by ``cms.sitegroup.visibility``, or under no site of the group
    (``sites``: a ``cms.sitegroup.tree.SiteIndex``; ``visible``: a ``Visibility``)."""
    from cms.sitegroup.tree import SiteIndex
    from cms.sitegroup.visibility import Visibility

    if not is_indexable_model(type(page)):
        return None
    visible = visible or Visibility()
    if not visible.page_is_public(page):
        return None
    sites = sites or SiteIndex()
    root = sites.root_for_path(page.path)
    if root is None:
        return None
    profile, root_url_path = root.profile, root.url_path
    if columns is None:
        column_id = _column_of(page)
    else:
        column_id = next(
            (
                columns[page.path[:n]]
                for n in range(len(page.path) - page.steplen, 0, -page.steplen)
                if page.path[:n] in columns
            ),
            None,
        )
    date = getattr(page, "date", None)
    if date is None:
        stamp = page.first_published_at or page.last_published_at
        date = timezone.localtime(stamp).date() if stamp else None
    url = page.url_path[len(root_url_path) - 1 :] if root_url_path else page.url_path
    return Entry(
        key=f"page:{page.pk}",
        family="page",
        type=page_type(type(page)),
        object_id=page.pk,
        site_id=profile.site_id,
        site_code=profile.division_code,
        level=profile.level,
        scope_tokens=scope_tokens(profile.division_code, sites.lineage(profile.division_code)),
        title=page.title,
        body=_searchable_text(page),
        date=date,
        url=url,
        column_id=column_id,
        path=page.path,
    )


def _column_models():
    from django.apps import apps

    return [apps.get_model(label) for label in COLUMN_MODELS]


def _column_of(page) -> int | None:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    prefixes = [page.path[:n] for n in range(page.steplen, len(page.path), page.steplen)]
    found = (
        Page.objects.filter(
            path__in=prefixes,
            content_type__in=ContentType.objects.get_for_models(*_column_models()).values(),
        )
        .order_by("-depth")
        .values_list("pk", flat=True)
        .first()
    )
    return found


def column_paths() -> dict[str, int]:
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    cts = ContentType.objects.get_for_models(*_column_models()).values()
    return dict(Page.objects.filter(content_type__in=cts).values_list("path", "pk"))


def iter_page_entries(site_profile=None, chunk: int = 200):
    """Entries of every indexable page (of one site when ``site_profile`` is given)."""
    from wagtail.models import Page

    from cms.sitegroup.tree import SiteIndex
    from cms.sitegroup.visibility import Visibility

    sites, visible = SiteIndex(), Visibility()
    columns = column_paths()
    pages = Page.objects.live().order_by("path")
    if site_profile is not None:
        pages = pages.descendant_of(site_profile.site.root_page, inclusive=True)
    for model in {ct.model_class() for ct in _content_types(pages)}:
        if model is None or not is_indexable_model(model):
            continue
        qs = model.objects.filter(pk__in=pages.values("pk")).order_by("path")
        for page in qs.iterator(chunk_size=chunk):
            entry = page_entry(page, sites, visible, columns)
            if entry is not None:
                yield entry


def _content_types(pages):
    from django.contrib.contenttypes.models import ContentType

    ids = pages.values_list("content_type_id", flat=True).distinct()
    return ContentType.objects.filter(pk__in=list(ids))


def count_pages(site_profile=None) -> int:
    from wagtail.models import Page

    pages = Page.objects.live()
    if site_profile is not None:
        pages = pages.descendant_of(site_profile.site.root_page, inclusive=True)
    return pages.count()


# --- plugin records -------------------------------------------------------------


def record_entry(provider, obj, sites=None) -> Entry | None:
    """The entry of a plugin record (``sites``: a ``cms.sitegroup.tree.SiteIndex``), or
    ``None`` when it must not be indexed (no site profile; an audience-restricted
    provider's record without an audience)."""
    from cms.sitegroup.tree import SiteIndex

    site_id = provider.site_id(obj)
    sites = sites or SiteIndex()
    profile = sites.profile_for_site_id(site_id)
    if profile is None:
        return None
    audience_id = None
    if provider.audience_field:
        audience_id = provider.audience_id(obj)
        if audience_id is None:  # an audience-less record is visible to nobody
            return None
    doc = provider.to_document(obj)
    return Entry(
        key=provider.key(obj.pk),
        family="record",
        type=provider.kind,
        plugin=provider.plugin,
        object_id=obj.pk,
        site_id=site_id,
        site_code=profile.division_code,
        level=profile.level,
        scope_tokens=scope_tokens(profile.division_code, sites.lineage(profile.division_code)),
        title=doc.get("title") or str(obj),
        body=doc.get("body") or "",
        date=_as_date(doc.get("date")),
        url=doc.get("url") or "",
        audience_id=audience_id,
    )


def _as_date(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def iter_record_entries(site_profile=None, chunk: int = 500):
    from cms.sitegroup.tree import SiteIndex

    from .registry import get_providers

    sites = SiteIndex()
    for provider in get_providers():
        qs = provider.get_queryset()
        if site_profile is not None:
            qs = qs.filter(**{f"{provider.site_field}_id": site_profile.site_id})
        for obj in qs.order_by("pk").iterator(chunk_size=chunk):
            entry = record_entry(provider, obj, sites)
            if entry is not None:
                yield entry


def count_records(site_profile=None) -> int:
    from .registry import get_providers

    total = 0
    for provider in get_providers():
        qs = provider.get_queryset()
        if site_profile is not None:
            qs = qs.filter(**{f"{provider.site_field}_id": site_profile.site_id})
        total += qs.count()
    return total
