"""What a site shows the public, read in bulk: for checks over a whole site (inspections).

Plugins do not import the content app; a plugin that reports on a site's pages
(the site-group inspection) reads them here, in a few queries per site::

    from cms.services import site_content

    pages = site_content.live_pages(site)              # [LivePage]: home, columns, content
    for text in site_content.page_texts(pages):        # chunked, N pages per few queries
        hits = scan(text.text)                         # the texts the publication check reads
        for link in text.links: ...                    # rich-text links, media blocks, URLs
    problems = site_content.broken_references(site, links)   # {link: why}, no network

* **Which pages.** Only what the public may see (``cms.sitegroup.visibility``): live,
  marked public, nothing above it unpublished, not public or restricted.
* **Dates.** ``first_published_at`` is recorded once and never rewritten (the content
  app keeps it, whatever a form or a script sets), so it tells when an item really
  appeared; ``date`` is the date an editor shows, ``last_published_at`` the newest
  publication (a re-publication moves it).
* **Texts** are the page's editorial texts as the publication check reads them
  (``cms.review.checks.page_texts``: every text field, StreamField strings, inline
  children such as attachments' titles).
* **Links** are read from the page's rich text (``<a linktype="page" id>``,
  ``<a linktype="document" id>``, ``<a href>``, ``<embed embedtype="image" id>``), its
  StreamField blocks (image, document and page choosers, URL blocks) and its references
  to other pages (a report's meeting, an interpretation's article).
  :func:`broken_references` answers the internal ones from the database (a page the
  public cannot see, a deleted document or image, a relative path that leads nowhere);
  outbound URLs are for the caller to check through ``cms.services.fetch.probe``.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "COLUMN",
    "CONTENT",
    "HOME",
    "TOWNSHIP",
    "LivePage",
    "Link",
    "PageText",
    "broken_references",
    "edit_url",
    "live_pages",
    "page_texts",
]

HOME, COLUMN, TOWNSHIP, CONTENT = "home", "column", "township", "content"
STEP = 4  # treebeard's path step in Wagtail

_ANCHOR = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.S | re.I)
_EMBED = re.compile(r"<embed\b([^>]*?)/?>", re.I)
_ATTR = re.compile(r'([\w-]+)\s*=\s*"([^"]*)"')
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class LivePage:
    """One page the public may see on a site, as far as an inspection needs it."""

    id: int
    title: str
    path: str
    kind: str  # HOME, COLUMN, TOWNSHIP or CONTENT
    type_label: str  # the page type's Chinese name (文章, 栏目...)
    url_path: str  # below the site's home: "/news/some-article/"
    expected_update_days: int | None = None  # columns: 更新周期(天), None = not assessed
    date: dt.date | None = None  # content: the date the page shows
    first_published_at: dt.datetime | None = None
    last_published_at: dt.datetime | None = None

    @property
    def depth(self) -> int:
        return len(self.path) // STEP


@dataclass(frozen=True)
class Link:
    """A link or reference in a page: ``kind`` is ``page``, ``document``, ``image`` (an id
    in ``target``) or ``url`` (the ``href`` as written: absolute or a path)."""

    kind: str
    target: str
    text: str = ""  # the anchor's text, when there is one

    @property
    def is_outbound(self) -> bool:
        return self.kind == "url" and self.target.lower().startswith(("http://", "https://"))


@dataclass
class PageText:
    """A page's editorial texts (joined by lines) and its links, in the page's order."""

    id: int
    text: str
    links: list[Link] = field(default_factory=list)


# --- pages ---------------------------------------------------------------------------


def _root(site):
    site = getattr(site, "site", site)  # a SiteProfile or a Site
    return site.root_page


def _kind(model) -> str:
    from cms.content.models import ColumnPage, ContentPage, HomePage, TownshipPage

    if issubclass(model, HomePage):
        return HOME
    if issubclass(model, TownshipPage):
        return TOWNSHIP
    if issubclass(model, ColumnPage):
        return COLUMN
    return CONTENT if issubclass(model, ContentPage) else COLUMN


def _hidden_under(root_path: str) -> set[str]:
    from cms.sitegroup.visibility import hidden_paths

    return {p for p in hidden_paths() if p.startswith(root_path[:STEP])}


def _is_hidden(path: str, hidden: set[str]) -> bool:
    return any(path[:n] in hidden for n in range(STEP, len(path) + 1, STEP))


def live_pages(site) -> list[LivePage]:
    """Every page of ``site`` (a Site or SiteProfile) the public may see, in tree order.

    One query per page type and one for the hidden subtrees (cached by the tree).
    """
    from cms.content.models import Confidentiality
    from cms.sitegroup.visibility import page_models

    root = _root(site)
    hidden = _hidden_under(root.path)
    if _is_hidden(root.path, hidden):
        return []
    cut = len(root.url_path) - 1
    found: list[LivePage] = []
    for model in page_models():
        names = {f.name for f in model._meta.get_fields()}
        wanted = ["pk", "title", "path", "url_path", "first_published_at", "last_published_at"]
        wanted += [n for n in ("expected_update_days", "date") if n in names]
        rows = model.objects.filter(
            path__startswith=root.path, live=True, confidentiality=Confidentiality.PUBLIC
        ).values(*wanted)
        kind, label = _kind(model), str(model._meta.verbose_name)
        for row in rows:
            if _is_hidden(row["path"], hidden):
                continue
            found.append(
                LivePage(
                    id=row["pk"], title=row["title"], path=row["path"], kind=kind,
                    type_label=label, url_path=row["url_path"][cut:] or "/",
                    expected_update_days=row.get("expected_update_days"), date=row.get("date"),
                    first_published_at=row["first_published_at"],
                    last_published_at=row["last_published_at"],
                )
            )  # fmt: skip
    found.sort(key=lambda p: p.path)
    return found


def edit_url(page_id: int) -> str:
    """The admin's edit screen of a page (where an editor fixes what an inspection found)."""
    from django.urls import reverse

    return reverse("wagtailadmin_pages:edit", args=[page_id])


# --- texts and links -----------------------------------------------------------------


def _rich_text_links(value: str, out: list[Link]) -> None:
    if not value or "<" not in value:
        return
    for attrs, inner in _ANCHOR.findall(value):
        a = dict(_ATTR.findall(attrs))
        text = html.unescape(_TAG.sub("", inner)).strip()[:100]
        kind = a.get("linktype")
        if kind in ("page", "document") and a.get("id", "").isdigit():
            out.append(Link(kind, a["id"], text))
        elif a.get("href"):
            href = html.unescape(a["href"]).strip()
            if href and not href.lower().startswith(("#", "mailto:", "tel:", "javascript:")):
                out.append(Link("url", href, text))
    for attrs in _EMBED.findall(value):
        a = dict(_ATTR.findall(attrs))
        if a.get("embedtype") == "image" and a.get("id", "").isdigit():
            out.append(Link("image", a["id"], a.get("alt", "")))


def _block_links(block, value, out: list[Link]) -> None:
    """Links in a block's raw (JSON) value, by the block's definition."""
    from wagtail import blocks
    from wagtail.documents.blocks import DocumentChooserBlock
    from wagtail.images.blocks import ImageChooserBlock

    if value in (None, "", [], {}):
        return
    if isinstance(block, blocks.BaseStreamBlock):
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict) and item.get("type") in block.child_blocks:
                _block_links(block.child_blocks[item["type"]], item.get("value"), out)
    elif isinstance(block, blocks.ListBlock):
        for item in value if isinstance(value, list) else []:
            if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                item = item["value"]
            _block_links(block.child_block, item, out)
    elif isinstance(block, blocks.StructBlock):
        if isinstance(value, dict):
            for name, child in block.child_blocks.items():
                _block_links(child, value.get(name), out)
    elif isinstance(block, blocks.RichTextBlock):
        _rich_text_links(str(value), out)
    elif isinstance(block, ImageChooserBlock | DocumentChooserBlock | blocks.PageChooserBlock):
        kind = (
            "image"
            if isinstance(block, ImageChooserBlock)
            else "document"
            if isinstance(block, DocumentChooserBlock)
            else "page"
        )
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            out.append(Link(kind, str(value)))
    elif isinstance(block, blocks.URLBlock) and isinstance(value, str) and value.strip():
        out.append(Link("url", value.strip()))


def _object_links(obj, out: list[Link]) -> None:
    """Links in one row's fields: StreamFields, rich text, references to pages."""
    from wagtail.fields import RichTextField, StreamField
    from wagtail.models import Page

    for f in obj._meta.concrete_fields:
        if isinstance(f, StreamField):
            value = getattr(obj, f.attname, None)
            raw = f.get_prep_value(value) if value is not None else None
            _block_links(f.stream_block, raw, out)
        elif isinstance(f, RichTextField):
            _rich_text_links(getattr(obj, f.attname, "") or "", out)
        elif (
            f.is_relation
            and f.many_to_one
            and isinstance(f.related_model, type)
            and issubclass(f.related_model, Page)
            and f.related_model is not Page
            and f.name not in ("page_ptr", "page")
        ):
            target = getattr(obj, f.attname, None)
            if target:
                out.append(Link("page", str(target), str(f.verbose_name)))


def _child_relations(model) -> list[str]:
    from modelcluster.models import get_all_child_relations

    return [
        r.get_accessor_name()
        for r in get_all_child_relations(model)
        if not r.related_model._meta.app_label.startswith("wagtail")
    ]


def page_texts(pages: Iterable[LivePage], chunk: int = 200) -> Iterator[PageText]:
    """Each page's texts and links, loading ``chunk`` pages (and their inline children) at a
    time. Pages come in the order given, grouped by type."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from cms.review.checks import page_texts as editorial_texts

    ids = [p.id for p in pages]
    if not ids:
        return
    types: dict[int, list[int]] = {}
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        for pk, ct in Page.objects.filter(pk__in=part).values_list("pk", "content_type_id"):
            types.setdefault(ct, []).append(pk)
    order = {pk: i for i, pk in enumerate(ids)}
    for ct_id, members in types.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        members.sort(key=order.__getitem__)
        relations = _child_relations(model)
        for start in range(0, len(members), chunk):
            part = members[start : start + chunk]
            rows = model.objects.filter(pk__in=part).prefetch_related(*relations)
            by_id = {row.pk: row for row in rows}
            for pk in part:
                page = by_id.get(pk)
                if page is None:
                    continue  # deleted meanwhile
                links: list[Link] = []
                _object_links(page, links)
                for name in relations:
                    for child in getattr(page, name).all():
                        _object_links(child, links)
                text = "\n".join(t for _field, t in editorial_texts(page) if t)
                yield PageText(pk, text, links)


# --- internal references --------------------------------------------------------------


def _path_of(href: str) -> str:
    path = href.split("#", 1)[0].split("?", 1)[0]
    return path if path.endswith("/") else path + "/"


def broken_references(site, links: Iterable[Link]) -> dict[Link, str]:
    """``{link: reason}`` for the internal links among ``links`` that lead nowhere the public
    can go: a page that is gone or not public, a document or image that was deleted, a
    path (``/news/x/``) that is no page of ``site``. Outbound URLs are left out (fetch them).
    A few queries whatever the number of links."""
    from django.db.models import Q
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Page

    from cms.sitegroup.visibility import Visibility, public_q

    links = set(links)
    wanted: dict[str, set[int]] = {"page": set(), "document": set(), "image": set()}
    paths: set[str] = set()
    for link in links:
        if link.kind in wanted and link.target.isdigit():
            wanted[link.kind].add(int(link.target))
        elif (
            link.kind == "url" and link.target.startswith("/") and not link.target.startswith("//")
        ):
            paths.add(_path_of(link.target))
    visible = Visibility()
    public_pages: set[int] = set()
    existing_pages: set[int] = set()
    if wanted["page"]:
        rows = Page.objects.filter(pk__in=wanted["page"]).values_list("pk", "path", "live")
        existing_pages = {pk for pk, _path, _live in rows}
        candidates = {pk: path for pk, path, live in rows if live}
        if candidates:
            ok = Page.objects.filter(pk__in=candidates).filter(public_q() | Q(depth=1))
            public_pages = {
                pk
                for pk in ok.values_list("pk", flat=True)
                if not visible.path_is_hidden(candidates[pk])
            }
    documents = set(
        get_document_model().objects.filter(pk__in=wanted["document"]).values_list("pk", flat=True)
    )
    images = set(
        get_image_model().objects.filter(pk__in=wanted["image"]).values_list("pk", flat=True)
    )
    site_paths: set[str] = set()
    if paths:
        site_paths = {p.url_path for p in live_pages(site)}
    broken: dict[Link, str] = {}
    for link in links:
        if link.kind == "page" and link.target.isdigit():
            pk = int(link.target)
            if pk not in existing_pages:
                broken[link] = "链接的页面已删除"
            elif pk not in public_pages:
                broken[link] = "链接的页面未发布或不公开"
        elif link.kind == "document" and link.target.isdigit():
            if int(link.target) not in documents:
                broken[link] = "链接的文件已删除"
        elif link.kind == "image" and link.target.isdigit():
            if int(link.target) not in images:
                broken[link] = "引用的图片已删除"
        elif (
            link.kind == "url" and link.target.startswith("/") and not link.target.startswith("//")
        ):
            path = _path_of(link.target)
            if path.startswith(("/documents/", "/media/", "/static/", "/api/")):
                continue  # files and API answers: served by the platform, not pages
            if path not in site_paths:
                broken[link] = "站内地址不存在或未公开"
    return broken
