"""Search engines: the embedded one (default) and Elasticsearch (``ELASTICSEARCH_URL``).

When Elasticsearch does not answer, its calls raise ``EngineUnavailable``: the
API answers 503 (a problem document), and index writes are queued in the
outbox (``search.outbox``) and replayed once it answers again. With
``LIANXI_SEARCH_FALLBACK=embedded`` the embedded index is kept as well, and
searches fall back to it while Elasticsearch is down.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from django.conf import settings

from .base import EngineUnavailable, SearchEngine, SearchQuery, SearchResult

logger = logging.getLogger("lianxi.search")


class FallbackEngine(SearchEngine):
    """Elasticsearch first; the embedded engine, kept in step, while it is down."""

    def __init__(self, primary: SearchEngine, fallback: SearchEngine):
        self.primary, self.fallback = primary, fallback
        self.name = f"{primary.name}+{fallback.name}"

    def upsert(self, entries, *args, **kwargs) -> int:
        entries = list(entries)
        self.fallback.upsert(entries)
        return self.primary.upsert(entries, *args, **kwargs)

    def delete(self, keys) -> int:
        keys = list(keys)
        self.fallback.delete(keys)
        return self.primary.delete(keys)

    def keys(self, site_ids=None):
        return self.primary.keys(site_ids)

    def rebuild(self, entries, site_ids=None, progress=None, batch=500) -> dict:
        entries = list(entries)
        self.fallback.rebuild(entries, site_ids=site_ids, batch=batch)
        return self.primary.rebuild(entries, site_ids=site_ids, progress=progress, batch=batch)

    def search(self, query):
        try:
            return self.primary.search(query)
        except EngineUnavailable:
            return self.fallback.search(query)

    def suggest(self, *args, **kwargs):
        try:
            return self.primary.suggest(*args, **kwargs)
        except EngineUnavailable:
            return self.fallback.suggest(*args, **kwargs)


@lru_cache(maxsize=4)
def _engine(url: str, fallback: str) -> SearchEngine:
    from .embedded import EmbeddedEngine

    if url:
        from .elastic import ElasticsearchEngine

        engine = ElasticsearchEngine(url)
        return FallbackEngine(engine, EmbeddedEngine()) if fallback == "embedded" else engine
    return EmbeddedEngine()


def get_engine() -> SearchEngine:
    """The engine the settings choose: Elasticsearch when ``ELASTICSEARCH_URL`` is set."""
    return _engine(
        getattr(settings, "ELASTICSEARCH_URL", "") or "",
        getattr(settings, "LIANXI_SEARCH_FALLBACK", "") or "",
    )


__all__ = ["EngineUnavailable", "SearchEngine", "SearchQuery", "SearchResult", "get_engine"]
