"""Wagtail's own search backend, made to understand Chinese with this app's tokens.

The admin's page, image and document searches (and their choosers) go
through Wagtail's search backend, which covers drafts and applies the
admin's permission filters itself. Its stock database backend keeps a run
of Chinese characters as one token, so ``联络站`` finds nothing. This backend
is the same backend with the text segmented the way the site-group engine
segments it (``search.text``): every indexed title, autocomplete and body
text is stored as overlapping bigrams, and every query word becomes the
phrase of its bigrams (one character: a prefix). Recall is therefore the
same as a substring match, on SQLite FTS5 and on PostgreSQL alike.

Settings: ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}``.
After switching an existing database to it, run ``manage.py update_index``
once so the entries written by the stock backend are rewritten as tokens.
"""

from __future__ import annotations

from django.db import connection
from modelsearch.query import And, MatchAll, Phrase, PlainText

from .text import index_text, parse_query

_VENDOR_MODULES = {
    "sqlite": "modelsearch.backends.database.sqlite.sqlite",
    "postgresql": "modelsearch.backends.database.postgres.postgres",
}


def chinese_query(query):
    """A query string or plain-text query as phrases of the index's tokens (AND)."""
    if isinstance(query, PlainText):
        text = query.query_string
    elif isinstance(query, str):
        text = query
    else:
        return query  # MATCH_ALL, or a query object built by code: left as it is
    parts = []
    for phrase in parse_query(text):
        if phrase.prefix:
            # The compilers treat the last plain-text term as a prefix in autocomplete.
            parts.append(PlainText(" ".join(phrase.tokens)) if len(phrase.tokens) == 1 else None)
            if parts[-1] is None:
                parts[-1] = And(
                    [Phrase(" ".join(phrase.tokens[:-1])), PlainText(phrase.tokens[-1])]
                )
        else:
            parts.append(Phrase(" ".join(phrase.tokens)))
    if not parts:
        return MatchAll()
    return parts[0] if len(parts) == 1 else And(parts)


def _tokenizing_indexer(base):
    class ChineseObjectIndexer(base):
        """The stock indexer; with our backend every text value is stored as tokens.

        ``prepare_value`` is where both vendors' indexers turn a field's value
        into text (SQLite stores it, PostgreSQL turns it into a ``tsvector``).
        """

        def __init__(self, obj, backend):
            super().__init__(obj, backend)
            self._chinese = getattr(backend, "chinese_tokens", False)

        def prepare_value(self, value):
            text = super().prepare_value(value)
            if self._chinese and isinstance(value, str):
                return index_text(text)
            return text

    ChineseObjectIndexer.__name__ = base.__name__
    return ChineseObjectIndexer


def _install_indexer(module) -> None:
    # The vendor index classes look ``ObjectIndexer`` up in their module; the
    # subclass behaves exactly like the stock one for any other backend.
    if not getattr(module.ObjectIndexer, "_lianxi_tokens", False):
        module.ObjectIndexer = _tokenizing_indexer(module.ObjectIndexer)
        module.ObjectIndexer._lianxi_tokens = True


def SearchBackend(params):  # noqa: N802 (Wagtail imports a backend module's ``SearchBackend``)
    from importlib import import_module

    from modelsearch.backends.database import SearchBackend as vendor_backend

    backend = vendor_backend(params)
    module_name = _VENDOR_MODULES.get(connection.vendor)
    if module_name is None or backend.__class__.__module__ != module_name:
        return backend  # the fallback backend matches substrings (icontains) already
    _install_indexer(import_module(module_name))

    class ChineseSearchBackend(backend.__class__):
        chinese_tokens = True

        def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
            return super()._search(
                query_compiler_class, chinese_query(query), model_or_queryset, **kwargs
            )

    return ChineseSearchBackend(params)
