"""Search engines: the embedded one (default) and Elasticsearch (``ELASTICSEARCH_URL``)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from .base import SearchEngine, SearchQuery, SearchResult


@lru_cache(maxsize=4)
def _engine(url: str) -> SearchEngine:
    if url:
        from .elastic import ElasticsearchEngine

        return ElasticsearchEngine(url)
    from .embedded import EmbeddedEngine

    return EmbeddedEngine()


def get_engine() -> SearchEngine:
    """The engine the settings choose: Elasticsearch when ``ELASTICSEARCH_URL`` is set."""
    return _engine(getattr(settings, "ELASTICSEARCH_URL", "") or "")


__all__ = ["SearchEngine", "SearchQuery", "SearchResult", "get_engine"]
