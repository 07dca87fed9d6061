"""Mobile payloads: images as renditions, documents, rich text and StreamField as JSON.

Everything a page payload refers to (images, documents, linked pages) is
loaded in bulk by a ``Resolver``: a first pass over the raw StreamField JSON,
the rich text and the cover images *collects* ids, ``load()`` fetches each
kind in one or two queries (images with their renditions prefetched), and a
second pass *renders*. So a list of 50 articles with cover images costs the
same number of queries as a list of 5.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from django.utils import timezone
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.rich_text.rewriters import FIND_A_TAG, FIND_EMBED_TAG, extract_attrs

from cms.sitegroup.tree import SiteIndex
from cms.sitegroup.visibility import withheld

from .conventions import RENDITIONS, image_payload, load_images, thumbnail_payload
from .scope import PAGE_TYPES, Scope, type_for_content_type_id

#: The size used for images embedded in rich text.
RICH_TEXT_IMAGE = "medium"


def iso_datetime(value: dt.datetime | None) -> str | None:
    """ISO 8601 in Asia/Shanghai (``+08:00``)."""
    return timezone.localtime(value).isoformat() if value else None


def iso_date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


class Resolver:
    """Collects, bulk-loads and renders the images, documents and page links of a payload."""

    def __init__(self, scope: Scope, request):
        self.scope, self.request = scope, request
        self.image_ids: set[int] = set()
        self.document_ids: set[int] = set()
        self.page_ids: set[int] = set()
        self.images: dict[int, object] = {}
        self.documents: dict[int, object] = {}
        self.pages: dict[int, dict] = {}
        self.collecting = True
        self.site_index = SiteIndex()

    def absolute(self, url: str) -> str:
        return url if "://" in url else self.request.build_absolute_uri(url)

    # --- the two passes ---------------------------------------------------------
    def load(self) -> None:
        """Fetch everything collected; then the resolver renders."""
        if self.image_ids:
            self.images = load_images(self.image_ids)
        if self.document_ids:
            docs = get_document_model().objects.filter(pk__in=self.document_ids)
            self.documents = {doc.pk: doc for doc in docs}
        if self.page_ids:
            self.pages = self._load_pages(self.page_ids)
        self.collecting = False

    def _load_pages(self, ids: set[int]) -> dict[int, dict]:
        """Links to pages: those in this scope get an API URL; live public pages of
        other sites only a public URL; anything else is not a link at all."""
        types = type_for_content_type_id()
        rows = (
            Page.objects.filter(pk__in=ids, live=True, content_type_id__in=types)
            .exclude(withheld(PAGE_TYPES.values()))
            .values("id", "title", "path", "url_path", "content_type_id")
        )
        result = {}
        for row in rows:
            if self.scope.shows(row["path"]):
                result[row["id"]] = {
                    "id": row["id"],
                    "title": row["title"],
                    "type": types[row["content_type_id"]],
                    "url": self.scope.public_url(row["url_path"]),
                    "api_url": self.scope.api_url(row["id"]),
                }
            elif not self.scope.visible.path_is_hidden(row["path"]):
                located = self.site_index.public_url(row["path"], row["url_path"])
                if located is not None:
                    url, code = located
                    result[row["id"]] = {
                        "id": row["id"],
                        "title": row["title"],
                        "type": types[row["content_type_id"]],
                        "url": url,
                        "api_url": f"/api/v1/pages/{row['id']}/?site={code}",
                    }
        return result

    # --- values -------------------------------------------------------------------
    def image(self, image_id) -> dict | None:
        if image_id is None or image_id == "":
            return None
        if self.collecting:
            self.image_ids.add(int(image_id))
            return None
        image = self.images.get(int(image_id))
        if image is None:
            return None
        return image_payload(image, self.absolute)

    def thumbnail(self, image_id) -> dict | None:
        """An image as one small rendition (a list's ``thumbnail``); collected like ``image``."""
        if image_id is None or image_id == "" or self.collecting:
            return self.image(image_id)
        image = self.images.get(int(image_id))
        return None if image is None else thumbnail_payload(image, self.absolute)

    def document(self, document_id) -> dict | None:
        if document_id is None or document_id == "":
            return None
        if self.collecting:
            self.document_ids.add(int(document_id))
            return None
        doc = self.documents.get(int(document_id))
        if doc is None:
            return None
        return {
            "title": doc.title,
            "url": self.absolute(doc.url),
            "size": doc.get_file_size(),  # measured (and stored) once when missing
            "content_type": doc.content_type or None,
            "extension": doc.file_extension.lower() or None,
        }

    def page_link(self, page_id) -> dict | None:
        if page_id is None or page_id == "":
            return None
        if self.collecting:
            self.page_ids.add(int(page_id))
            return None
        return self.pages.get(int(page_id))

    # --- rich text ------------------------------------------------------------------
    def rich_text(self, html: str | None) -> str:
        """Clean HTML: no ``linktype``/``embedtype`` markup, links and images resolved."""
        html = html or ""
        if self.collecting:
            for match in FIND_A_TAG.finditer(html):
                attrs = extract_attrs(match.group(1))
                if attrs.get("linktype") == "page" and attrs.get("id", "").isdigit():
                    self.page_ids.add(int(attrs["id"]))
                elif attrs.get("linktype") == "document" and attrs.get("id", "").isdigit():
                    self.document_ids.add(int(attrs["id"]))
            for match in FIND_EMBED_TAG.finditer(html):
                attrs = extract_attrs(match.group(1))
                if attrs.get("embedtype") == "image" and attrs.get("id", "").isdigit():
                    self.image_ids.add(int(attrs["id"]))
            return ""
        html = FIND_A_TAG.sub(self._rewrite_link, html)
        return FIND_EMBED_TAG.sub(self._rewrite_embed, html)

    def _rewrite_link(self, match: re.Match) -> str:
        attrs = extract_attrs(match.group(1))
        linktype = attrs.get("linktype")
        if linktype is None:
            return match.group(0)
        target = None
        if linktype == "page" and attrs.get("id", "").isdigit():
            page = self.pages.get(int(attrs["id"]))
            if page is not None:
                return f'<a href="{escape(page["url"])}" data-api="{escape(page["api_url"])}">'
        elif linktype == "document" and attrs.get("id", "").isdigit():
            doc = self.document(attrs["id"])
            if doc is not None:
                target = doc["url"]
        return f'<a href="{escape(target)}">' if target else "<a>"

    def _rewrite_embed(self, match: re.Match) -> str:
        attrs = extract_attrs(match.group(1))
        if attrs.get("embedtype") == "image" and attrs.get("id", "").isdigit():
            image = self.image(attrs["id"])
            if image is None:
                return ""
            r = image["renditions"][RICH_TEXT_IMAGE]
            css = escape(f"richtext-image {attrs.get('format', '')}".strip())
            return (
                f'<img src="{escape(r["url"])}" width="{r["width"]}" height="{r["height"]}" '
                f'alt="{escape(attrs.get("alt") or image["alt"] or "")}" class="{css}">'
            )
        if attrs.get("embedtype") == "media" and attrs.get("url"):
            url = escape(attrs["url"])
            return f'<a href="{url}">{url}</a>'
        return ""

    # --- StreamField ------------------------------------------------------------------
    def stream(self, value) -> list[dict]:
        """A StreamField value as ``[{"type", "value", "id"}]``, from its raw JSON."""
        if value is None:
            return []
        return self.block(value.stream_block, list(value.raw_data))

    def block(self, block, raw):
        if isinstance(block, blocks.StreamBlock):
            items = []
            for item in raw or []:
                child = block.child_blocks.get(item.get("type"))
                if child is not None:
                    items.append(
                        {
                            "type": item["type"],
                            "value": self.block(child, item.get("value")),
                            "id": item.get("id"),
                        }
                    )
            return items
        if isinstance(block, blocks.ListBlock):
            values = []
            for item in raw or []:
                if isinstance(item, dict) and item.get("type") == "item" and "value" in item:
                    item = item["value"]  # the ListBlock storage format with ids
                values.append(self.block(block.child_block, item))
            return values
        if isinstance(block, blocks.StructBlock):
            raw = raw or {}
            return {name: self.block(child, raw.get(name)) for name, child in
                    block.child_blocks.items()}  # fmt: skip
        if isinstance(block, ImageChooserBlock):
            return self.image(raw)
        if isinstance(block, DocumentChooserBlock):
            return self.document(raw)
        if isinstance(block, blocks.PageChooserBlock):
            return self.page_link(raw)
        if isinstance(block, blocks.RichTextBlock):
            return self.rich_text(raw)
        if isinstance(block, TableBlock):
            raw = raw or {}
            return {
                "caption": raw.get("table_caption") or "",
                "first_row_is_header": bool(raw.get("first_row_is_table_header")),
                "first_col_is_header": bool(raw.get("first_col_is_header")),
                "rows": [[cell if cell is not None else "" for cell in row]
                         for row in raw.get("data") or []],
            }  # fmt: skip
        return raw


__all__ = ["PAGE_TYPES", "RENDITIONS", "Resolver", "iso_date", "iso_datetime"]
