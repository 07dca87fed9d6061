"""The one engine interface the API, the admin, signals and ``rebuild_search`` use."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from cms.api.conventions import ApiProblem
from search.documents import Entry
from search.text import Phrase, parse_query


class EngineUnavailable(ApiProblem):
    """The search server does not answer (Elasticsearch down or unreachable).

    Raised by an engine's reads and writes. The API answers it as ``503``
    ``application/problem+json`` with ``Retry-After`` (it is an ``ApiProblem``);
    index writes catch it and queue the update (``search.outbox``).
    """

    wait = 30  # Retry-After, seconds

    def __init__(self, reason: str = ""):
        self.reason = reason
        super().__init__(
            503,
            "search-unavailable",
            str(_("搜索服务暂不可用")),
            str(_("搜索服务暂时无法连接,请稍后再试。")),
        )


@dataclass
class SearchQuery:
    q: str
    site_ids: list[int]
    #: The scope as an index token too (``st<code>`` one site, ``tr<code>`` with
    #: descendants; see search.documents.scope_tokens): lets the index narrow early.
    scope_token: str = ""
    types: list[str] = field(default_factory=list)  # page types and record kinds (OR)
    column_path: str = ""  # only pages under this column
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: Plugin label → site ids where it is switched off: its records are hidden there.
    hidden: dict[str, list[int]] = field(default_factory=dict)
    #: The audiences (``services.Audience`` ids) the caller is in: records restricted to
    #: one of them are searched too. Empty (the default): public documents only.
    audiences: tuple[int, ...] = ()
    offset: int = 0
    limit: int = 20
    facets: bool = True
    #: Counts (total, facets) stop at this many matches; ``total_exact`` says if reached.
    count_cap: int = 10_000

    @property
    def phrases(self) -> list[Phrase]:
        return parse_query(self.q)


@dataclass
class Hit:
    key: str
    family: str
    type: str
    object_id: int
    site_id: int
    site_code: str
    level: str
    title: str
    url: str
    date: dt.date | None
    plugin: str = ""
    column_id: int | None = None
    score: float = 0.0
    title_highlight: str = ""
    snippet: str = ""


@dataclass
class SearchResult:
    total: int
    total_exact: bool
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class SearchEngine:
    name = "base"

    def upsert(self, entries: Iterable[Entry]) -> int:
        raise NotImplementedError

    def delete(self, keys: Iterable[str]) -> int:
        raise NotImplementedError

    def keys(self, site_ids: list[int] | None = None) -> set[str]:
        raise NotImplementedError

    def search(self, query: SearchQuery) -> SearchResult:
        raise NotImplementedError

    def suggest(
        self,
        q: str,
        site_ids: list[int],
        limit: int = 10,
        hidden=None,
        scope_token: str = "",
        audiences: tuple[int, ...] = (),
    ) -> list[Hit]:
        """Newest titles containing ``q``; restricted records only of ``audiences``."""
        raise NotImplementedError

    def rebuild(
        self,
        entries: Iterable[Entry],
        site_ids: list[int] | None = None,
        progress: Callable[[int], None] | None = None,
        batch: int = 500,
    ) -> dict:
        """Write every entry, then drop what was indexed in scope but no longer exists.

        Rows are replaced in place, so searches keep answering throughout.
        """
        before = self.keys(site_ids)
        seen: set[str] = set()
        chunk: list[Entry] = []
        written = 0
        for entry in entries:
            chunk.append(entry)
            if len(chunk) >= batch:
                written += self.upsert(chunk)
                seen.update(e.key for e in chunk)
                if progress:
                    progress(len(chunk))
                chunk = []
        if chunk:
            written += self.upsert(chunk)
            seen.update(e.key for e in chunk)
            if progress:
                progress(len(chunk))
        stale = before - seen
        removed = self.delete(stale) if stale else 0
        return {"indexed": written, "removed": removed}


# --- highlighting (shared) ------------------------------------------------------

SNIPPET_CHARS = 120


def _pattern(phrases: list[Phrase]) -> re.Pattern | None:
    words = sorted({p.text for p in phrases if p.text}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, phrases: list[Phrase], pre: str = "<em>", post: str = "</em>") -> str:
    """``text`` HTML-escaped with every query word wrapped in ``<em>``."""
    pattern = _pattern(phrases)
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[last : m.start()]))
        out.append(pre + html.escape(m.group(0)) + post)
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(body: str, phrases: list[Phrase], size: int = SNIPPET_CHARS) -> str:
    """A window of ``body`` around the first query word, highlighted."""
    pattern = _pattern(phrases)
    match = pattern.search(body) if pattern else None
    if match is None:
        piece = body[:size]
        return html.escape(piece) + ("…" if len(body) > size else "")
    start = max(0, match.start() - size // 3)
    end = min(len(body), start + size)
    piece = body[start:end]
    return ("…" if start > 0 else "") + highlight(piece, phrases) + ("…" if end < len(body) else "")
