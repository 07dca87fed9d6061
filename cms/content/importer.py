"""Importing a county's old website into its portal (旧网站内容迁移导入).

The input is a JSON Lines export, one article per line (format documented in
``docs/import-format.md``). ``import_site_content`` reads it in two passes:

1. **Validation** of every line: JSON, required fields, the column exists on
   the site, the date parses, every image and attachment can be read (local
   files) or fetched (URLs), images decode, and a public article passes the
   publication checks (``cms.content.publication.find_problems``). Errors are
   collected as ``第N行: 字段: 原因``; if there is any, ``ImportFailed`` is
   raised and nothing is written.
2. **Writing**, in one transaction: images and documents are stored in the
   site's collection (deduplicated by SHA-1, Wagtail's ``file_hash``), and each
   article is created under its column, or, when an article with the same
   ``original_url`` already exists on the site, updated with a new revision
   (or left alone when nothing changed). Public articles are published with
   their original publication time; ``not_public`` ones are saved as drafts.

The management command ``import_site_content`` is a thin wrapper around
``import_site_content()`` below.
"""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
import re
import shutil
import tempfile
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.images import ImageFile
from django.core.validators import URLValidator
from django.db import transaction
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.log_actions import log as log_action
from wagtail.models import Page

from cms.services import fetch
from cms.sitegroup.tree import UnknownDivisionCode, resolve_code

from . import media_cleanup
from .models import ArticlePage, ColumnPage, Confidentiality, PageAttachment, TownshipPage
from .publication import PublicationRefused, find_problems

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

REQUIRED_FIELDS = ("column", "title", "body_html", "published_at", "source_url")
OPTIONAL_FIELDS = (
    "summary",
    "author",
    "source",
    "images",
    "cover",
    "attachments",
    "confidentiality",
)
TITLE_MAX = 255
AUTHOR_MAX = SOURCE_MAX = 128
URL_MAX = 500

USER_AGENT = "Lianxi-importer/1.0"

# Pillow format → file extension Wagtail accepts for images.
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class LineError:
    """One reason the file cannot be imported; ``line`` is 1-based, None for the whole file."""

    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f"第{self.line}行" if self.line else "文件"
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """The file was rejected; nothing was written. ``errors`` lists every reason found."""

    def __init__(self, errors: list[LineError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class MediaError(Exception):
    pass


# --------------------------------------------------------------------------- report


@dataclass
class LineResult:
    line: int
    action: str  # "created" | "updated" | "unchanged"
    title: str
    column: str
    page_id: int | None = None


ACTION_LABELS = {"created": "新建", "updated": "更新", "unchanged": "未变"}


@dataclass
class ImportReport:
    dry_run: bool = False
    lines: list[LineResult] = field(default_factory=list)
    images_created: int = 0
    images_reused: int = 0
    documents_created: int = 0
    documents_reused: int = 0

    def count(self, action: str) -> int:
        return sum(1 for r in self.lines if r.action == action)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def summary(self) -> str:
        prefix = "试运行(未写入任何内容),将" if self.dry_run else ""
        return (
            f"{prefix}新建 {self.created} 篇,更新 {self.updated} 篇,未变 {self.unchanged} 篇;"
            f"图片新增 {self.images_created} 张、复用 {self.images_reused} 张;"
            f"文件新增 {self.documents_created} 个、复用 {self.documents_reused} 个。"
        )


# --------------------------------------------------------------------------- media


@dataclass
class Media:
    """A file named by a line (local path or URL), read or downloaded and checked."""

    kind: str  # "image" | "document"
    location: str  # absolute local path or URL
    filename: str
    path: Path
    sha1: str
    size: int


class MediaFetcher:
    """Reads local files (relative to the export's directory) and downloads URLs.

    Local paths must be relative and stay inside ``base_dir``; URLs must be
    http(s) and are fetched by ``cms.services.fetch`` (no internal addresses).
    Downloads go to a temporary directory removed by ``close()``.
    Results (and failures) are cached, so a file named by many lines is read once.
    """

    def __init__(self, base_dir: Path):
        self.base_dir = Path(base_dir).resolve()
        self._cache: dict[tuple[str, str], Media | MediaError] = {}
        self._tmp: Path | None = None

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def get(self, kind: str, src: str) -> Media:
        key = (kind, src)
        if key not in self._cache:
            try:
                self._cache[key] = self._load(kind, src)
            except MediaError as exc:
                self._cache[key] = exc
        result = self._cache[key]
        if isinstance(result, MediaError):
            raise result
        return result

    @staticmethod
    def max_size(kind: str) -> int:
        if kind == "image":
            return getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
        return getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", 200 * 1024 * 1024) or 2**40

    def _load(self, kind: str, src: str) -> Media:
        if not isinstance(src, str) or not src.strip():
            raise MediaError("src 为空")
        src = src.strip()
        scheme = urlsplit(src).scheme.lower()
        if scheme in ("http", "https"):
            path, filename, sha1, size = self._download(kind, src)
        elif scheme and len(scheme) > 1:  # "c:" would be a Windows drive, refused below
            raise MediaError(f"不支持的地址类型“{scheme}:”,只能是相对路径或 http(s) 地址")
        else:
            path, filename, sha1, size = self._local(kind, src)
        if size == 0:
            raise MediaError("文件为空")
        if kind == "image":
            filename = _check_image(path, filename)
        else:
            _check_document(filename)
        return Media(kind, src, filename, path, sha1, size)

    def _local(self, kind: str, src: str):
        relative = Path(src)
        if relative.is_absolute() or re.match(r"^[A-Za-z]:", src):
            raise MediaError("不允许绝对路径,请使用相对于导入文件所在目录的路径")
        full = (self.base_dir / relative).resolve()
        if not full.is_relative_to(self.base_dir):
            raise MediaError("路径超出导入文件所在目录")
        if not full.is_file():
            raise MediaError(f"文件不存在:{src}")
        size = full.stat().st_size
        if size > self.max_size(kind):
            raise MediaError(f"文件过大({size} 字节),上限 {self.max_size(kind)} 字节")
        with full.open("rb") as f:
            sha1 = hashlib.file_digest(f, "sha1").hexdigest()
        return full, full.name, sha1, size

    def _download(self, kind: str, url: str):
        """Through the core fetcher: public addresses only (``LIANXI_FETCH_ALLOWED_NETWORKS``
        for intranet sources), redirects re-checked, size and time capped."""
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="lianxi-import-"))
        target = self._tmp / f"{len(self._cache)}"
        try:
            fetched = fetch.download(
                url, target, max_bytes=self.max_size(kind), headers={"User-Agent": USER_AGENT}
            )
        except fetch.FetchError as exc:
            raise MediaError(str(exc)) from exc
        content_type = fetched.content_type
        if kind == "image" and not (
            content_type.startswith("image/") or content_type in ("", "application/octet-stream")
        ):
            raise MediaError(f"{url} 的内容类型是“{content_type}”,不是图片")
        if kind == "document" and content_type in ("text/html", "application/xhtml+xml"):
            raise MediaError(f"{url} 返回的是网页而不是文件(可能是错误页或登录页)")
        with target.open("rb") as f:
            sha1 = hashlib.file_digest(f, "sha1").hexdigest()
        filename = unquote(Path(urlsplit(fetched.url).path).name)
        if not Path(filename).suffix:
            guessed = mimetypes.guess_extension(content_type) if content_type else None
            filename = (filename or "file") + (guessed or "")
        return target, filename, sha1, fetched.size


def _check_image(path: Path, filename: str) -> str:
    """Pillow must decode it in a format Wagtail accepts; returns a filename with the right extension."""
    max_pixels = getattr(settings, "WAGTAILIMAGES_MAX_IMAGE_PIXELS", 128_000_000)
    try:
        with PILImage.open(path) as img:
            fmt = img.format
            width, height = img.size
            img.verify()
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for broken files
        raise MediaError(f"无法识别的图片文件({exc.__class__.__name__})") from exc
    if fmt not in IMAGE_FORMATS:
        raise MediaError(f"不支持的图片格式 {fmt},支持 JPEG、PNG、GIF、WebP、AVIF")
    if max_pixels and width * height > max_pixels:
        raise MediaError(f"图片像素过多({width}×{height})")
    stem, suffix = Path(filename).stem or "image", Path(filename).suffix.lower().lstrip(".")
    expected = IMAGE_FORMATS[fmt]
    if suffix == expected or (expected == "jpg" and suffix == "jpeg"):
        return filename
    return f"{stem}.{expected}"


def _check_document(filename: str) -> None:
    allowed = [e.lower() for e in getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or []]
    suffix = Path(filename).suffix.lower().lstrip(".")
    if allowed and suffix not in allowed:
        raise MediaError(
            f"不允许的附件类型“.{suffix or '?'}”,允许:{'、'.join(allowed)}"
            if suffix
            else "无法从文件名判断附件类型"
        )


# --------------------------------------------------------------------------- HTML → StreamField

SANITISE_TAGS = {
    "p", "br", "div", "section", "article", "center", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "sup", "sub", "span", "font",
    "ul", "ol", "li", "a", "hr", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
SANITISE_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
SANITISE_DROP_WITH_CONTENT = {
    "script", "style", "noscript", "iframe", "object", "embed", "template", "title", "head",
    "xml", "select", "textarea", "button", "form",
}  # fmt: skip


def sanitise_html(value: str) -> str:
    """The first line of defence: nh3 keeps only structural tags and safe URLs."""
    return nh3.clean(
        value,
        tags=SANITISE_TAGS,
        clean_content_tags=SANITISE_DROP_WITH_CONTENT,
        attributes=SANITISE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def iter(self):
        for child in self.children:
            if isinstance(child, _Node):
                yield child
                yield from child.iter()


_VOID = {"br", "img", "hr"}


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def _parse(value: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(value)
    builder.close()
    return builder.root


_INLINE_MAP = {"b": "b", "strong": "b", "i": "i", "em": "i", "sup": "sup", "sub": "sub"}
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
_CONTAINERS = {
    "p", "div", "section", "article", "center", "blockquote", "li",
    "thead", "tbody", "tfoot", "tr", "td", "th", "caption",
}  # fmt: skip
_STRUCTURAL = _CONTAINERS | set(_HEADINGS) | {"ul", "ol", "table", "hr", "img"}
_TRIM = re.compile(r"^(?:\s|<br/>)+|(?:\s|<br/>)+$")
_SPACES = re.compile(r"[ \t\r\n\f]+")
DOC_TOKEN = re.compile(r'<a linktype="document" id="@@(\d+)@@">')


def _text(value: str) -> str:
    return html.escape(_SPACES.sub(" ", value), quote=False)


def _trim(value: str) -> str:
    return _TRIM.sub("", value)


def _plain(node: _Node) -> str:
    parts: list[str] = []

    def walk(n):
        for child in n.children:
            if isinstance(child, str):
                parts.append(child)
            elif child.tag == "br":
                parts.append(" ")
            else:
                walk(child)

    walk(node)
    return _SPACES.sub(" ", "".join(parts)).strip()


class BodyBuilder:
    """Turns sanitised HTML into body items, in document order.

    Items: ``("html", rich_text)`` (consecutive text merges into one paragraph
    block), ``("image", key)`` and ``("table", table_value)``. ``image`` is
    called with an ``<img>`` src and returns a key (or None to drop it);
    ``link`` is called with an href and returns the opening ``<a …>`` tag in
    Wagtail's rich-text database format (or None to keep only the text).
    """

    def __init__(self, image: Callable[[str], object | None], link: Callable[[str], str | None]):
        self.image, self.link = image, link
        self.items: list[tuple] = []
        self.run: list[str] = []
        self.pending: list[_Node] = []

    def build(self, value: str) -> list[tuple]:
        self.block(_parse(sanitise_html(value)).children)
        self.flush()
        return self.items

    # -- block context
    def add_html(self, fragment: str) -> None:
        if self.items and self.items[-1][0] == "html":
            self.items[-1] = ("html", self.items[-1][1] + fragment)
        else:
            self.items.append(("html", fragment))

    def flush(self) -> None:
        inner = _trim("".join(self.run))
        self.run = []
        if inner and html.unescape(re.sub(r"<[^>]+>", "", inner)).strip():
            self.add_html(f"<p>{inner}</p>")
        pending, self.pending = self.pending, []
        for img in pending:
            self.add_image(img)

    def add_image(self, node: _Node) -> None:
        key = self.image(node.attrs.get("src", "").strip()) if node.attrs.get("src") else None
        if key is not None:
            self.items.append(("image", key))

    def block(self, nodes) -> None:
        for node in nodes:
            if isinstance(node, str):
                self.run.append(_text(node))
                continue
            tag = node.tag
            if tag == "img":
                self.flush()
                self.add_image(node)
            elif tag == "br":
                self.run.append("<br/>")
            elif tag == "hr":
                self.flush()
                self.add_html("<hr/>")
            elif tag in _HEADINGS:
                self.flush()
                inner = _trim(self.inline(node.children))
                if inner.strip():
                    level = _HEADINGS[tag]
                    self.add_html(f"<{level}>{inner}</{level}>")
                self.flush()
            elif tag in ("ul", "ol"):
                self.flush()
                fragment = self.list_html(node)
                if fragment:
                    self.add_html(fragment)
                self.flush()
            elif tag == "table":
                self.flush()
                value = self.table_value(node)
                if value is None:  # a layout table: its cells are ordinary content
                    self.block(node.children)
                    self.flush()
                else:
                    self.items.append(("table", value))
            elif tag in _CONTAINERS:
                self.flush()
                self.block(node.children)
                self.flush()
            elif any(n.tag in _STRUCTURAL for n in node.iter()):
                self.block(node.children)  # e.g. <a><img></a>: keep the content, drop the wrapper
            else:
                self.run.append(self.inline([node]))

    # -- inline context (inside a paragraph, heading or list item)
    def inline(self, nodes) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(_text(node))
                continue
            tag = node.tag
            if tag in _INLINE_MAP:
                inner = self.inline(node.children)
                if html.unescape(re.sub(r"<[^>]+>", "", inner)).strip():
                    out.append(f"<{_INLINE_MAP[tag]}>{inner}</{_INLINE_MAP[tag]}>")
                else:
                    out.append(inner)
            elif tag == "a":
                inner = self.inline(node.children)
                opening = self.link(node.attrs.get("href", "")) if inner.strip() else None
                out.append(f"{opening}{inner}</a>" if opening else inner)
            elif tag == "br":
                out.append("<br/>")
            elif tag == "img":
                self.pending.append(node)
            elif tag in ("ul", "ol"):
                out.append(self.list_html(node))
            elif tag in _STRUCTURAL:
                inner = _trim(self.inline(node.children))
                if inner:
                    if out and _trim("".join(out)):
                        out.append("<br/>")
                    out.append(inner)
            else:  # u, span, font: formatting Wagtail's editor does not have
                out.append(self.inline(node.children))
        return "".join(out)

    def list_html(self, node: _Node) -> str:
        items = []
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    items.append(_text(child.strip()))
                continue
            inner = _trim(self.inline(child.children if child.tag == "li" else [child]))
            if inner:
                items.append(inner)
        if not items:
            return ""
        tag = node.tag
        return f"<{tag}>" + "".join(f"<li>{i}</li>" for i in items) + f"</{tag}>"

    def table_value(self, node: _Node) -> dict | None:
        """A data table as a ``TableBlock`` value; None for a layout table."""
        rows: list[tuple[_Node, bool]] = []

        def collect(n, in_head=False):
            for child in n.children:
                if not isinstance(child, _Node):
                    continue
                if child.tag == "tr":
                    rows.append((child, in_head))
                elif child.tag in ("thead", "tbody", "tfoot"):
                    collect(child, child.tag == "thead")

        collect(node)
        cells = [c for tr, _h in rows for c in tr.children if isinstance(c, _Node)]
        nested = any(n.tag in ("table", "img") for n in node.iter())
        if nested or len(cells) < 2:
            return None
        grid: dict[tuple[int, int], str | None] = {}
        header_row = bool(rows)
        for r, (tr, in_head) in enumerate(rows):
            c = 0
            row_cells = [x for x in tr.children if isinstance(x, _Node) and x.tag in ("td", "th")]
            if r == 0:
                header_row = in_head or all(x.tag == "th" for x in row_cells)
            for cell in row_cells:
                while (r, c) in grid:
                    c += 1
                colspan = _span(cell.attrs.get("colspan"), 50)
                rowspan = _span(cell.attrs.get("rowspan"), 500)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        grid[(r + dr, c + dc)] = None
                grid[(r, c)] = _plain(cell) or None
                c += colspan
        if not grid:
            return None
        height = max(r for r, _c in grid) + 1
        width = max(c for _r, c in grid) + 1
        caption = next(
            (_plain(c) for c in node.children if isinstance(c, _Node) and c.tag == "caption"), ""
        )
        return {
            "data": [[grid.get((r, c)) for c in range(width)] for r in range(height)],
            "first_row_is_table_header": header_row,
            "first_col_is_header": False,
            "table_header_choice": "row" if header_row else "neither",
            "table_caption": caption,
        }


def _span(value: str | None, limit: int) -> int:
    try:
        return max(1, min(int(value or 1), limit))
    except ValueError:
        return 1


# --------------------------------------------------------------------------- records


@dataclass
class ImageRef:
    media: Media
    alt: str = ""
    caption: str = ""
    keys: frozenset = frozenset()


@dataclass
class AttachmentRef:
    media: Media
    title: str = ""
    keys: frozenset = frozenset()
    fallback_url: str = ""


@dataclass
class Record:
    """One validated line, ready to be written."""

    line: int
    column: Page
    column_path: str
    title: str
    summary: str
    author: str
    source: str
    published_at: datetime
    source_url: str
    confidentiality: str
    items: list[tuple]  # ("html", str) | ("image", index into images) | ("table", dict)
    images: list[ImageRef]
    cover: ImageRef | None
    attachments: list[AttachmentRef]
    existing: ArticlePage | None = None

    @property
    def is_public(self) -> bool:
        return self.confidentiality == Confidentiality.PUBLIC

    @property
    def local_date(self) -> date:
        return self.published_at.astimezone(SHANGHAI).date()


def parse_published_at(value) -> datetime:
    """ISO 8601 date or date-time; without an offset it is Beijing time."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("应为 ISO 8601 日期时间字符串,如 2024-03-15T09:30:00+08:00")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            raise ValueError(
                f"无法识别的时间“{text}”,应为 ISO 8601,如 2024-03-15T09:30:00+08:00"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed


def _keys(value: str, base_url: str) -> set[str]:
    value = (value or "").strip()
    if not value:
        return set()
    return {value, urljoin(base_url, value)}


class SiteImporter:
    """Imports JSON Lines exports into one site (or one township column tree)."""

    def __init__(self, site_code: str):
        try:
            place = resolve_code(site_code)
        except UnknownDivisionCode:
            raise ImportFailed(
                [LineError(None, f"站点代码“{site_code}”不存在(应为已建站点的6位行政区划代码)")]
            ) from None
        self.profile = place.profile
        self.site_root = place.profile.site.root_page
        self.column_root = place.township or self.site_root
        self.collection = self.profile.collection
        if self.collection is None:
            raise ImportFailed([LineError(None, "站点缺少图片与文档集合,请先重新运行建站")])
        self._columns: dict[str, Page | str] = {}
        self._stored_files: list[tuple[object, str]] = []

    # ------------------------------------------------------------------ entry point
    def run(self, path, *, dry_run: bool = False, log: Callable[[str], None] | None = None):
        path = Path(path)
        if not path.is_file():
            raise ImportFailed([LineError(None, f"导入文件不存在:{path}")])
        fetcher = MediaFetcher(path.parent)
        try:
            records = self.validate(path, fetcher)
            report = ImportReport(dry_run=dry_run)
            if dry_run:
                self._plan(records, report)
            else:
                self._write(records, report)
        finally:
            fetcher.close()
        if log:
            for result in report.lines:
                verb = ACTION_LABELS[result.action]
                log(f"第{result.line}行 {verb}:{result.column} / {result.title}")
        return report

    # ------------------------------------------------------------------ validation pass
    def validate(self, path: Path, fetcher: MediaFetcher) -> list[Record]:
        errors: list[LineError] = []
        records: list[Record] = []
        seen_urls: dict[str, int] = {}
        limit = int(getattr(settings, "LIANXI_IMPORT_MAX_LINE_BYTES", 0) or 0)
        with path.open("rb") as f:
            for number, raw in enumerate(_lines(f, limit), start=1):
                line_errors: list[LineError] = []
                if raw is None:  # longer than the cap: skipped unread, reported
                    errors.append(
                        LineError(
                            number,
                            f"该行超过 {limit // (1024 * 1024) or 1} MB 上限"
                            f"(LIANXI_IMPORT_MAX_LINE_BYTES = {limit} 字节),未读取;"
                            "请把正文中的图片改为文件或网址引用",
                        )
                    )
                    continue
                record = self._validate_line(number, raw, fetcher, line_errors)
                if record is not None and not line_errors:
                    first = seen_urls.setdefault(record.source_url, number)
                    if first != number:
                        line_errors.append(
                            LineError(number, f"与第{first}行的原文地址重复", "source_url")
                        )
                errors.extend(line_errors)
                if record is not None and not line_errors:
                    records.append(record)
        if not errors and not records:
            errors.append(LineError(None, "文件中没有任何文章"))
        if errors:
            raise ImportFailed(errors)
        return records

    def _validate_line(self, number, raw: bytes, fetcher, errors) -> Record | None:
        def err(message, field_name=None):
            errors.append(LineError(number, message, field_name))

        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            err("不是有效的 UTF-8 文本")
            return None
        text = text.lstrip("\ufeff").strip()
        if not text:
            return None  # blank lines are allowed (and still counted)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            err(f"不是有效的 JSON({exc.msg},第{exc.colno}列)")
            return None
        if not isinstance(data, dict):
            err("每行应是一个 JSON 对象")
            return None

        unknown = sorted(
            k for k in data if k not in REQUIRED_FIELDS + OPTIONAL_FIELDS and not k.startswith("x_")
        )
        for key in unknown:
            err("未知字段(自定义字段请以 x_ 开头)", key)
        for key in REQUIRED_FIELDS:
            if key not in data or data[key] is None:
                err("缺少必填字段", key)
        if errors:
            return None

        def string(key, max_length=None, required=False):
            value = data.get(key, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                err("应为字符串", key)
                return ""
            value = value.strip()
            if required and not value:
                err("不能为空", key)
            if max_length and len(value) > max_length:
                err(f"过长({len(value)} 字),最多 {max_length} 字", key)
            return value

        title = string("title", TITLE_MAX, required=True)
        summary = string("summary")
        author = string("author", AUTHOR_MAX)
        source = string("source", SOURCE_MAX)
        body_html = data.get("body_html")
        if not isinstance(body_html, str):
            err("应为字符串", "body_html")
            body_html = ""

        source_url = string("source_url", URL_MAX, required=True)
        if source_url:
            try:
                URLValidator(schemes=["http", "https"])(source_url)
            except ValidationError:
                err("不是有效的 http(s) 地址", "source_url")

        published_at = None
        try:
            published_at = parse_published_at(data.get("published_at"))
        except ValueError as exc:
            err(str(exc), "published_at")

        confidentiality = data.get("confidentiality") or Confidentiality.PUBLIC
        if confidentiality not in Confidentiality.values:
            err(f"应为 {' 或 '.join(Confidentiality.values)}", "confidentiality")

        column_path = string("column", required=True)
        column = self._column(column_path) if column_path else None
        if isinstance(column, str):
            err(column, "column")
            column = None

        base_url = source_url or "http://invalid/"
        images = self._image_refs(data.get("images"), fetcher, base_url, err)
        attachments = self._attachment_refs(data.get("attachments"), fetcher, base_url, err)
        cover = self._cover(data, images, fetcher, base_url, err)

        # Body: sanitise and convert; <img> resolve to listed images (or are fetched).
        used: set[int] = set()

        def image_for(src: str):
            wanted = _keys(src, base_url)
            for index, ref in enumerate(images):
                if ref.keys & wanted:
                    used.add(index)
                    return index
            absolute = urljoin(base_url, src)
            if urlsplit(absolute).scheme not in ("http", "https") or not source_url:
                return None
            try:
                media = fetcher.get("image", absolute)
            except MediaError as exc:
                err(f"正文图片 {src}:{exc}(可在 images 中列出本地文件并用 original 对应)")
                return None
            images.append(ImageRef(media=media, keys=frozenset(wanted)))
            used.add(len(images) - 1)
            return len(images) - 1

        def link_for(href: str):
            href = (href or "").strip()
            if not href or href.startswith("#"):
                return None
            wanted = _keys(href, base_url)
            for index, ref in enumerate(attachments):
                if ref.keys & wanted:
                    return f'<a linktype="document" id="@@{index}@@">'
            absolute = urljoin(base_url, href)
            if urlsplit(absolute).scheme not in ("http", "https", "mailto"):
                return None
            return f'<a href="{html.escape(absolute, quote=True)}">'

        items = BodyBuilder(image_for, link_for).build(body_html)
        for index in range(len(images)):
            if index not in used:  # listed but not placed in the text: append at the end
                items.append(("image", index))
        if not items and not attachments:
            err("正文为空(且没有附件)", "body_html")

        if errors or column is None or published_at is None:
            return None
        record = Record(
            line=number,
            column=column,
            column_path=column_path,
            title=title,
            summary=summary,
            author=author,
            source=source,
            published_at=published_at,
            source_url=source_url,
            confidentiality=confidentiality,
            items=items,
            images=images,
            cover=cover,
            attachments=attachments,
        )
        existing = list(
            ArticlePage.objects.descendant_of(self.site_root).filter(original_url=source_url)[:2]
        )
        if len(existing) > 1:
            err("站点内已有多篇文章使用该原文地址,请先清理重复文章", "source_url")
            return None
        record.existing = existing[0] if existing else None

        if record.is_public:
            # The publication checks (sensitive words, ...) on the article as it would be.
            probe = ArticlePage(**self._field_values(record, {}, {}))
            # Placed in the tree (unsaved) so site-specific checks find the site.
            anchor = record.existing or column
            probe.path = anchor.path if record.existing else f"{column.path}ZZZZ"
            probe.depth = anchor.depth if record.existing else column.depth + 1
            for problem in find_problems(probe):
                err(f"发布审查未通过:{problem.message}", problem.field)
        return record

    def _column(self, column_path: str) -> Page | str:
        if column_path not in self._columns:
            node = self.column_root
            for part in [p for p in column_path.strip("/").split("/") if p]:
                node = Page.objects.child_of(node).filter(slug=part).first()
                if node is None:
                    self._columns[column_path] = f"栏目“{column_path}”在该站点不存在"
                    break
            else:
                specific = node.specific
                if node.pk == self.site_root.pk or not isinstance(
                    specific, ColumnPage | TownshipPage
                ):
                    self._columns[column_path] = f"“{column_path}”不是栏目,文章只能导入栏目下"
                else:
                    self._columns[column_path] = specific
        return self._columns[column_path]

    def _media_list(self, value, name, err) -> list[dict]:
        if value is None:
            return []
        if not isinstance(value, list):
            err("应为列表", name)
            return []
        entries = []
        for i, entry in enumerate(value, start=1):
            if isinstance(entry, str):
                entry = {"src": entry}
            if not isinstance(entry, dict) or not isinstance(entry.get("src"), str):
                err(f"第{i}项应为含 src 的对象", name)
                continue
            entries.append(entry)
        return entries

    def _image_refs(self, value, fetcher, base_url, err) -> list[ImageRef]:
        refs = []
        for i, entry in enumerate(self._media_list(value, "images", err), start=1):
            try:
                media = fetcher.get("image", entry["src"])
            except MediaError as exc:
                err(f"第{i}项:{exc}", "images")
                continue
            keys = _keys(entry["src"], base_url) | _keys(str(entry.get("original") or ""), base_url)
            refs.append(
                ImageRef(
                    media=media,
                    alt=str(entry.get("alt") or "").strip()[:255],
                    caption=str(entry.get("caption") or "").strip()[:255],
                    keys=frozenset(keys),
                )
            )
        return refs

    def _attachment_refs(self, value, fetcher, base_url, err) -> list[AttachmentRef]:
        refs = []
        for i, entry in enumerate(self._media_list(value, "attachments", err), start=1):
            try:
                media = fetcher.get("document", entry["src"])
            except MediaError as exc:
                err(f"第{i}项:{exc}", "attachments")
                continue
            original = str(entry.get("original") or "")
            keys = _keys(entry["src"], base_url) | _keys(original, base_url)
            fallback = urljoin(base_url, original or entry["src"])
            refs.append(
                AttachmentRef(
                    media=media,
                    title=str(entry.get("title") or "").strip()[:255],
                    keys=frozenset(keys),
                    fallback_url=fallback if urlsplit(fallback).scheme in ("http", "https") else "",
                )
            )
        return refs

    def _cover(self, data, images, fetcher, base_url, err) -> ImageRef | None:
        if "cover" not in data:
            return images[0] if images else None
        value = data["cover"]
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            err("应为图片路径或地址字符串", "cover")
            return None
        wanted = _keys(value, base_url)
        for ref in images:
            if ref.keys & wanted:
                return ref
        try:
            return ImageRef(media=fetcher.get("image", value), keys=frozenset(wanted))
        except MediaError as exc:
            err(str(exc), "cover")
            return None

    # ------------------------------------------------------------------ page values
    def _body(self, record: Record, image_ids: dict, doc_ids: dict) -> list[dict]:
        def doc_link(match):
            ref = record.attachments[int(match.group(1))]
            doc_id = doc_ids.get(ref.media.sha1)
            if doc_id:
                return f'<a linktype="document" id="{doc_id}">'
            return f'<a href="{html.escape(ref.fallback_url or "#", quote=True)}">'

        body = []
        for kind, value in record.items:
            if kind == "html":
                body.append({"type": "paragraph", "value": DOC_TOKEN.sub(doc_link, value)})
            elif kind == "image":
                ref = record.images[value]
                body.append(
                    {
                        "type": "image",
                        "value": {"image": image_ids.get(ref.media.sha1), "caption": ref.caption},
                    }
                )
            else:
                body.append({"type": "table", "value": value})
        return body

    def _field_values(self, record: Record, image_ids: dict, doc_ids: dict) -> dict:
        return {
            "title": record.title,
            "draft_title": record.title,
            "date": record.local_date,
            "summary": record.summary,
            "author": record.author,
            "source": record.source,
            "confidentiality": record.confidentiality,
            "original_url": record.source_url,
            "cover_image_id": image_ids.get(record.cover.media.sha1) if record.cover else None,
            "body": self._body(record, image_ids, doc_ids),
        }

    def _attachment_values(self, record: Record, doc_ids: dict) -> list[tuple]:
        return [
            (doc_ids.get(ref.media.sha1), ref.title or Path(ref.media.filename).stem)
            for ref in record.attachments
        ]

    @staticmethod
    def _comparable(values: dict, attachments: list[tuple], parent_id) -> tuple:
        body = [(b["type"], json.dumps(b["value"], sort_keys=True)) for b in values["body"]]
        simple = tuple(sorted((k, v) for k, v in values.items() if k not in ("body", "date")))
        return (simple, str(values["date"]), body, list(attachments), parent_id)

    def _current(self, page: ArticlePage) -> tuple:
        latest = page.get_latest_revision_as_object()
        values = {
            "title": latest.title,
            "draft_title": latest.title,
            "date": latest.date,
            "summary": latest.summary,
            "author": latest.author,
            "source": latest.source,
            "confidentiality": latest.confidentiality,
            "original_url": latest.original_url,
            "cover_image_id": latest.cover_image_id,
            "body": [{"type": b["type"], "value": b["value"]} for b in latest.body.raw_data],
        }
        attachments = [(a.document_id, a.title) for a in latest.attachments.all()]
        return self._comparable(values, attachments, page.get_parent().pk)

    def _is_unchanged(self, record: Record, image_ids: dict, doc_ids: dict) -> bool:
        page = record.existing
        if page is None:
            return False
        if record.is_public and (not page.live or page.has_unpublished_changes):
            return False
        if not record.is_public and page.live:
            return False
        wanted = self._comparable(
            self._field_values(record, image_ids, doc_ids),
            self._attachment_values(record, doc_ids),
            record.column.pk,
        )
        return wanted == self._current(page)

    # ------------------------------------------------------------------ dry run
    def _plan(self, records: list[Record], report: ImportReport) -> None:
        Image, Document = get_image_model(), get_document_model()
        image_hashes = {r.media.sha1 for rec in records for r in _all_images(rec)}
        doc_hashes = {r.media.sha1 for rec in records for r in rec.attachments}
        image_ids = dict(
            Image.objects.filter(collection=self.collection, file_hash__in=image_hashes)
            .order_by("pk")
            .values_list("file_hash", "pk")
        )
        doc_ids = dict(
            Document.objects.filter(collection=self.collection, file_hash__in=doc_hashes)
            .order_by("pk")
            .values_list("file_hash", "pk")
        )
        report.images_reused = len(image_ids)
        report.images_created = len(image_hashes) - len(image_ids)
        report.documents_reused = len(doc_ids)
        report.documents_created = len(doc_hashes) - len(doc_ids)
        for record in records:
            if record.existing is None:
                action = "created"
            elif self._is_unchanged(record, image_ids, doc_ids):
                action = "unchanged"
            else:
                action = "updated"
            report.lines.append(
                LineResult(
                    record.line,
                    action,
                    record.title,
                    record.column_path,
                    record.existing.pk if record.existing else None,
                )
            )

    # ------------------------------------------------------------------ write pass
    def _write(self, records: list[Record], report: ImportReport) -> None:
        # Files of an import killed hard last time (no row refers to them) go first;
        # this one leaves a marker until it is done, for the same reason.
        media_cleanup.recover_interrupted_imports()
        marker = media_cleanup.begin_import()
        try:
            self._write_all(records, report)
        finally:
            media_cleanup.end_import(marker)

    def _write_all(self, records: list[Record], report: ImportReport) -> None:
        self._stored_files = []
        try:
            with transaction.atomic():
                image_ids: dict[str, int] = {}
                doc_ids: dict[str, int] = {}
                for record in records:
                    try:
                        for ref in _all_images(record):
                            self._store_image(ref, record, image_ids, report)
                        for ref in record.attachments:
                            self._store_document(ref, doc_ids, report)
                        report.lines.append(self._write_record(record, image_ids, doc_ids))
                    except PublicationRefused as exc:
                        raise ImportFailed(
                            [LineError(record.line, f"发布审查未通过:{exc}")]
                        ) from exc
                    except ValidationError as exc:
                        raise ImportFailed(
                            [LineError(record.line, "; ".join(exc.messages))]
                        ) from exc
        except BaseException:
            # The database rolled back; remove the files stored for it.
            for storage, name in self._stored_files:
                try:
                    storage.delete(name)
                except Exception:  # noqa: BLE001, S110 - best effort cleanup
                    pass
            raise

    def _store_image(self, ref: ImageRef, record: Record, ids: dict, report) -> None:
        sha1 = ref.media.sha1
        if sha1 in ids:
            return
        Image = get_image_model()
        existing = (
            Image.objects.filter(collection=self.collection, file_hash=sha1).order_by("pk").first()
        )
        if existing is not None:
            ids[sha1] = existing.pk
            report.images_reused += 1
            return
        title = (ref.alt or ref.caption or record.title or Path(ref.media.filename).stem)[:255]
        image = Image(title=title, collection=self.collection)
        if hasattr(image, "description"):
            image.description = ref.alt[:255]
        with ref.media.path.open("rb") as f:
            image.file = ImageFile(f, name=ref.media.filename)
            image._set_image_file_metadata()
            image.save()
        self._stored_files.append((image.file.storage, image.file.name))
        ids[sha1] = image.pk
        report.images_created += 1

    def _store_document(self, ref: AttachmentRef, ids: dict, report) -> None:
        sha1 = ref.media.sha1
        if sha1 in ids:
            return
        Document = get_document_model()
        existing = (
            Document.objects.filter(collection=self.collection, file_hash=sha1)
            .order_by("pk")
            .first()
        )
        if existing is not None:
            ids[sha1] = existing.pk
            report.documents_reused += 1
            return
        title = (ref.title or Path(ref.media.filename).stem)[:255]
        document = Document(title=title, collection=self.collection)
        with ref.media.path.open("rb") as f:
            document.file = File(f, name=ref.media.filename)
            document._set_document_file_metadata()
            document.save()
        self._stored_files.append((document.file.storage, document.file.name))
        ids[sha1] = document.pk
        report.documents_created += 1

    def _write_record(self, record: Record, image_ids: dict, doc_ids: dict) -> LineResult:
        values = self._field_values(record, image_ids, doc_ids)
        attachments = [
            PageAttachment(document_id=doc_id, title=title, sort_order=i)
            for i, (doc_id, title) in enumerate(self._attachment_values(record, doc_ids))
        ]
        result = LineResult(record.line, "created", record.title, record.column_path)
        if record.existing is None:
            page = ArticlePage(
                **values,
                slug=self._slug(record),
                live=False,
                has_unpublished_changes=True,
                # Kept from the old site; LianxiPage.save and Wagtail's publish
                # never rewrite a stored first publication time.
                first_published_at=record.published_at,
            )
            page.attachments = attachments
            record.column.add_child(instance=page)
            revision = page.save_revision(log_action=False)
            log_action(instance=page, action="wagtail.create", content_changed=True)
        else:
            result.page_id = record.existing.pk
            if self._is_unchanged(record, image_ids, doc_ids):
                result.action = "unchanged"
                return result
            result.action = "updated"
            existing = record.existing
            if existing.get_parent().pk != record.column.pk:
                existing.move(record.column, pos="last-child")
                existing = ArticlePage.objects.get(pk=existing.pk)
            page = existing.get_latest_revision_as_object()
            for key, value in values.items():
                setattr(page, key, value)
            page.attachments = attachments
            revision = page.save_revision(log_action=True)
        if record.is_public:
            revision.publish(log_action=True)
        elif record.existing is not None:
            # Withdrawn: take it offline, and since the row of a page that is not
            # live serves nobody, keep it equal to the draft (confidentiality too).
            if page.live:
                ArticlePage.objects.get(pk=page.pk).unpublish(log_action=True)
            page.live, page.live_revision, page.has_unpublished_changes = False, None, True
            page.save()
        result.page_id = page.pk
        return result

    def _slug(self, record: Record) -> str:
        digest = hashlib.sha1(record.source_url.encode()).hexdigest()[:8]
        base = f"{record.local_date:%Y%m%d}-{digest}"
        slug, n = base, 1
        while Page.objects.child_of(record.column).filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


def _lines(f, limit: int):
    """The file's lines; a line longer than ``limit`` bytes is read past in pieces and
    yielded as ``None`` (never held in memory whole)."""
    if not limit:
        yield from f
        return
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n") and len(line) <= limit + 1:
            yield line
            continue
        while not line.endswith(b"\n"):  # skip the rest of the long line
            line = f.readline(1024 * 1024)
            if not line:
                break
        yield None


def _all_images(record: Record) -> list[ImageRef]:
    refs = list(record.images)
    if record.cover is not None and all(record.cover is not r for r in refs):
        refs.append(record.cover)
    return refs


def import_site_content(
    path,
    site_code: str,
    *,
    dry_run: bool = False,
    log: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import the JSON Lines file at ``path`` into the site ``site_code`` (all or nothing).

    Raises ``ImportFailed`` (with every error found) and writes nothing when
    any line is bad. ``dry_run`` validates and reports without writing.
    """
    return SiteImporter(site_code).run(path, dry_run=dry_run, log=log)
