"""The Elasticsearch engine (``ELASTICSEARCH_URL``), built on elasticsearch-dsl.

* One ``Document`` class per content family (pages, plugin records), each
  behind an alias (``lianxi-pages``, ``lianxi-records``) over versioned
  indices (``lianxi-pages-20261127163000``); a full rebuild fills a new index
  and swaps the alias atomically, so searches never see an empty index
  (after elasticsearch-py's ``examples/dsl/alias_migration.py``).
* Text fields use the built-in ``cjk`` analyzer (overlapping bigrams: every
  two-character word is found, no plugin needed), a ``chars`` sub-field
  (``standard``: one token per Han character) for one-character queries, and,
  when the IK plugin is installed (``LIANXI_SEARCH_IK`` or detected), an
  ``ik`` sub-field (``ik_max_word``/``ik_smart``) used only for ranking.
* ``site_id``, ``site_code``, ``level``, ``type``, ``plugin`` are keywords and
  ``date`` a date, for filters and facets (terms aggregations).
* ``audience_id`` (a long; absent on public documents) restricts a plugin record
  to its audience: every search and suggestion filters on "no ``audience_id``, or
  one of the caller's audiences" (:func:`audience_filter`), so hits, totals and
  aggregations never count another audience's records.

The mappings and queries are plain data (``index_body()``,
``build_search().to_dict()``), snapshot-tested without a server.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from elasticsearch_dsl import (
    A,
    Date,
    Document,
    Integer,
    Keyword,
    Long,
    Q,
    Search,
    Text,
)

from search.documents import Entry
from search.text import has_cjk, parse_query

from .base import (
    EngineUnavailable,
    Hit,
    SearchEngine,
    SearchQuery,
    SearchResult,
    highlight,
    snippet,
)

logger = logging.getLogger("lianxi.search")

FAMILIES = ("pages", "records")
TITLE_BOOST = 10


def prefix() -> str:
    return getattr(settings, "LIANXI_SEARCH_ES_PREFIX", "lianxi")


def alias_name(family: str) -> str:
    return f"{prefix()}-{family}"


def _text_field(ik: bool) -> Text:
    fields = {"chars": Text(analyzer="standard")}
    if ik:
        fields["ik"] = Text(analyzer="ik_max_word", search_analyzer="ik_smart")
    return Text(analyzer="cjk", fields=fields)


def document_class(family: str, ik: bool = False) -> type[Document]:
    """The ``Document`` class of ``family`` ("pages" or "records")."""
    attrs = {
        "key": Keyword(),
        "family": Keyword(),
        "type": Keyword(),
        "plugin": Keyword(),
        "object_id": Long(),
        "site_id": Integer(),
        "site_code": Keyword(),
        "level": Keyword(),
        "column_id": Long(),
        "path": Keyword(),
        "audience_id": Long(),
        "title": _text_field(ik),
        "body": _text_field(ik),
        "date": Date(format="strict_date"),
        "url": Keyword(index=False),
        "Index": type(
            "Index",
            (),
            {
                "name": alias_name(family),
                "settings": {"number_of_shards": 1, "number_of_replicas": 0},
            },
        ),
    }
    name = f"{family.title()}Document{'IK' if ik else ''}"
    return type(name, (Document,), attrs)


def index_body(family: str, ik: bool = False) -> dict:
    """Settings and mappings of a new versioned index of ``family`` (JSON data)."""
    return document_class(family, ik)._index.to_dict()


def family_of(entry: Entry) -> str:
    return "pages" if entry.family == "page" else "records"


def entry_source(entry: Entry) -> dict:
    data = entry.as_dict()
    data.pop("title_tokens")
    data.pop("body_tokens")
    data.pop("scope_tokens")
    if data["date"] is not None:
        data["date"] = data["date"].isoformat()
    return data


def _needs_chars(word: str) -> bool:
    """One Han character, or Han characters mixed with Latin/digits ("2026年"): the cjk
    analyzer's bigrams cannot match these as phrases; the per-character field can."""
    if not has_cjk(word):
        return False
    return len(word) == 1 or not all(has_cjk(ch) for ch in word)


def audience_filter(audiences) -> Q:
    """Public documents (no ``audience_id``) and those of the caller's ``audiences``."""
    public = Q("bool", must_not=[Q("exists", field="audience_id")])
    ids = sorted({int(a) for a in audiences or ()})
    if not ids:
        return public
    return Q("bool", should=[public, Q("terms", audience_id=ids)], minimum_should_match=1)


def build_search(query: SearchQuery, ik: bool = False, using=None) -> Search:
    """The search request for ``query`` across both aliases."""
    search = Search(using=using, index=[alias_name(f) for f in FAMILIES])
    must = []
    for phrase in parse_query(query.q):
        if _needs_chars(phrase.text):
            fields = [f"title.chars^{TITLE_BOOST}", "body.chars"]
        else:
            fields = [f"title^{TITLE_BOOST}", "body"]
        must.append(Q("multi_match", query=phrase.text, type="phrase", fields=fields))
    should = []
    if ik:
        should.append(
            Q("multi_match", query=query.q, fields=[f"title.ik^{TITLE_BOOST}", "body.ik"])
        )
    filters = [Q("terms", site_id=sorted(query.site_ids)), audience_filter(query.audiences)]
    if query.types:
        filters.append(Q("terms", type=sorted(query.types)))
    if query.column_path:
        filters.append(Q("prefix", path=query.column_path))
        filters.append(~Q("term", path=query.column_path))
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        filters.append(Q("range", date=bounds))
    must_not = [
        Q("bool", filter=[Q("term", plugin=label), Q("terms", site_id=sorted(site_ids))])
        for label, site_ids in sorted(query.hidden.items())
        if site_ids
    ]
    search = search.query(Q("bool", must=must, should=should, filter=filters, must_not=must_not))
    search = search.sort(
        {"_score": {"order": "desc"}}, {"date": {"order": "desc", "missing": "_last"}}
    )
    search = search.extra(track_total_hits=query.count_cap, from_=query.offset, size=query.limit)
    search = search.source(excludes=["body"])
    search = search.highlight_options(
        pre_tags=["<em>"], post_tags=["</em>"], encoder="html", fragment_size=120,
        number_of_fragments=1, no_match_size=120,
    )  # fmt: skip
    search = search.highlight("title", number_of_fragments=0).highlight("body")
    if query.facets:
        for name, field in (("site", "site_code"), ("level", "level"), ("type", "type")):
            search.aggs.bucket(name, A("terms", field=field, size=200))
    return search


def build_suggest(q: str, site_ids: list[int], limit: int, hidden=None, audiences=()) -> Search:
    query = SearchQuery(
        q=q, site_ids=site_ids, hidden=hidden or {}, limit=limit, facets=False,
        audiences=tuple(audiences),
    )  # fmt: skip
    search = build_search(query)
    body = search.to_dict()
    for clause in body["query"]["bool"]["must"]:
        clause["multi_match"]["fields"] = [clause["multi_match"]["fields"][0].split("^")[0]]
    body.pop("highlight", None)
    body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}]
    return Search.from_dict(body).index(*[alias_name(f) for f in FAMILIES])


def _unavailable(exc: Exception) -> bool:
    """Is ``exc`` "the server is not there" (rather than a bad request of ours)?"""
    from elastic_transport import ConnectionError, ConnectionTimeout, TransportError
    from elasticsearch import ApiError

    if isinstance(exc, ConnectionError | ConnectionTimeout):
        return True
    if isinstance(exc, ApiError):
        return exc.meta.status >= 500 if exc.meta is not None else True
    return isinstance(exc, TransportError)


class ElasticsearchEngine(SearchEngine):
    """Every call raises :class:`EngineUnavailable` when the server does not answer;
    after a failure the server is not tried for ``LIANXI_SEARCH_RETRY_SECONDS``."""

    name = "elasticsearch"

    def __init__(self, url: str):
        self.url = url
        self._client = None
        self._ik = getattr(settings, "LIANXI_SEARCH_IK", None)
        self._retry_at = 0.0

    @property
    def client(self):
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(
                self.url,
                request_timeout=float(getattr(settings, "LIANXI_SEARCH_TIMEOUT", 10)),
                max_retries=1,
            )
        return self._client

    @property
    def ik(self) -> bool:
        if self._ik is None:
            try:
                plugins = self.client.cat.plugins(format="json")
            except Exception:  # not known yet: ask again next time
                return False
            self._ik = any("analysis-ik" in str(p.get("component", "")) for p in plugins)
        return self._ik

    # --- indices and aliases --------------------------------------------------------

    def create_index(self, family: str, name: str | None = None) -> str:
        name = name or f"{alias_name(family)}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
        self.client.indices.create(index=name, **index_body(family, self.ik))
        return name

    def ensure_indices(self) -> None:
        for family in FAMILIES:
            if not self.client.indices.exists_alias(name=alias_name(family)):
                new = self.create_index(family)
                self.client.indices.put_alias(index=new, name=alias_name(family))

    def swap_alias(self, family: str, new_index: str) -> list[str]:
        """Point the alias at ``new_index`` in one atomic step; returns the old indices."""
        alias = alias_name(family)
        old = (
            list(self.client.indices.get_alias(name=alias))
            if self.client.indices.exists_alias(name=alias)
            else []
        )
        actions = [{"remove": {"alias": alias, "index": i}} for i in old]
        actions.append({"add": {"alias": alias, "index": new_index, "is_write_index": True}})
        self.client.indices.update_aliases(actions=actions)
        return old

    # --- writing -------------------------------------------------------------

    def _bulk(self, actions) -> int:
        from elasticsearch.helpers import bulk

        ok, _errors = bulk(self.client, actions, raise_on_error=False, refresh="wait_for")
        return ok

    def upsert(self, entries: Iterable[Entry], index: dict | None = None) -> int:
        self.ensure_indices() if index is None else None
        actions = [
            {
                "_op_type": "index",
                "_index": (index or {}).get(family_of(e)) or alias_name(family_of(e)),
                "_id": e.key,
                "_source": entry_source(e),
            }
            for e in entries
        ]
        return self._bulk(actions) if actions else 0

    def delete(self, keys: Iterable[str]) -> int:
        actions = [
            {
                "_op_type": "delete",
                "_index": alias_name("records" if not k.startswith("page:") else "pages"),
                "_id": k,
            }
            for k in keys
        ]
        return self._bulk(actions) if actions else 0

    def keys(self, site_ids=None) -> set[str]:
        from elasticsearch.helpers import scan

        self.ensure_indices()
        query = (
            {"query": {"terms": {"site_id": site_ids}}}
            if site_ids
            else {"query": {"match_all": {}}}
        )
        return {
            hit["_id"]
            for hit in scan(
                self.client, index=[alias_name(f) for f in FAMILIES], query=query, _source=False
            )
        }

    def rebuild(self, entries, site_ids=None, progress=None, batch=500) -> dict:
        if site_ids is not None:  # one site: in place
            return super().rebuild(entries, site_ids, progress, batch)
        new = {family: self.create_index(family) for family in FAMILIES}
        written, chunk = 0, []
        for entry in entries:
            chunk.append(entry)
            if len(chunk) >= batch:
                written += self.upsert(chunk, index=new)
                if progress:
                    progress(len(chunk))
                chunk = []
        if chunk:
            written += self.upsert(chunk, index=new)
            if progress:
                progress(len(chunk))
        removed = 0
        for family, index in new.items():
            self.client.indices.refresh(index=index)
            for old in self.swap_alias(family, index):
                self.client.indices.delete(index=old)
                removed += 1
        return {"indexed": written, "removed": 0, "old_indices": removed}

    # --- reading -------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        phrases = parse_query(query.q)
        if not phrases or not query.site_ids:
            return SearchResult(0, True, [], {})
        response = build_search(query, self.ik, using=self.client).execute()
        total = response.hits.total
        hits = []
        for hit in response:
            data = hit.to_dict()
            hl = getattr(hit.meta, "highlight", None)
            title_hl = (
                hl.title[0]
                if hl is not None and "title" in hl
                else highlight(data["title"], phrases)
            )
            body_hl = hl.body[0] if hl is not None and "body" in hl else snippet("", phrases)
            hits.append(self._hit(data, float(hit.meta.score or 0), title_hl, body_hl))
        facets = {}
        if query.facets and hasattr(response, "aggregations"):
            facets = {
                name: {b.key: b.doc_count for b in getattr(response.aggregations, name).buckets}
                for name in ("site", "level", "type")
            }
        return SearchResult(total.value, total.relation == "eq", hits, facets)

    def suggest(
        self, q, site_ids, limit=10, hidden=None, scope_token="", audiences=()
    ) -> list[Hit]:
        phrases = parse_query(q)
        if not phrases:
            return []
        search = build_suggest(q, site_ids, limit, hidden, audiences)
        response = search.using(self.client).execute()
        return [self._hit(h.to_dict(), 0.0, highlight(h.title, phrases), "") for h in response]

    @staticmethod
    def _hit(data: dict, score: float, title_hl: str, body_hl: str) -> Hit:
        date = data.get("date")
        return Hit(
            key=data["key"], family=data["family"], type=data["type"],
            object_id=data["object_id"], site_id=data["site_id"], site_code=data["site_code"],
            level=data["level"], title=data["title"], url=data.get("url", ""),
            date=dt.date.fromisoformat(date[:10]) if isinstance(date, str) else date,
            plugin=data.get("plugin", ""), column_id=data.get("column_id"), score=score,
            title_highlight=title_hl, snippet=body_hl,
        )  # fmt: skip


def _guarded(method):
    """``method`` with connection failures turned into :class:`EngineUnavailable`."""
    import functools
    import time

    from cms.services import health

    @functools.wraps(method)
    def call(engine, *args, **kwargs):
        if time.monotonic() < engine._retry_at:
            raise EngineUnavailable("recently unreachable")
        try:
            result = method(engine, *args, **kwargs)
        except EngineUnavailable:
            raise
        except Exception as exc:
            if not _unavailable(exc):
                raise
            engine._retry_at = time.monotonic() + float(
                getattr(settings, "LIANXI_SEARCH_RETRY_SECONDS", 10)
            )
            if health.report_down("search", exc.__class__.__name__):
                logger.warning("Elasticsearch unreachable at %s: %s", engine.url, exc)
            raise EngineUnavailable(str(exc)) from exc
        if health.is_down("search") and health.report_up("search"):
            logger.warning("Elasticsearch reachable again at %s", engine.url)
        return result

    return call


for _name in ("upsert", "delete", "keys", "rebuild", "search", "suggest", "ensure_indices",
              "create_index", "swap_alias"):  # fmt: skip
    setattr(ElasticsearchEngine, _name, _guarded(getattr(ElasticsearchEngine, _name)))
