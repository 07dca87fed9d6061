"""The embedded engine: the ``SearchEntry`` table and the database's own full-text index.

Ranking, on both databases: matches with a query word in the title first,
then newest first, then relevance (SQLite: FTS5 ``bm25`` with the title
weighted far above the body). SQLite: FTS5 over pre-segmented tokens, phrase
queries. PostgreSQL: ``tsvector`` ('simple' configuration, so the tokens stay
as they are) with a GIN index and ``<->`` phrase queries; no ``ts_rank`` over
every match, so a very common word stays fast; one pass through the GIN bitmap
counts, facets and finds the candidates (see ``_search_postgresql``). Totals and
facets stop counting at ``SearchQuery.count_cap``; only the requested page is ranked.

Every read keeps to the public rows (``audience_id IS NULL``) and the rows of the
caller's audiences (``SearchQuery.audiences``): the same condition narrows the hits,
the totals, the facets and the suggestions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from search.documents import SCOPE_PREFIX, Entry
from search.models import SearchEntry

from .base import Hit, SearchEngine, SearchQuery, SearchResult, highlight, snippet

TABLE = SearchEntry._meta.db_table
FTS = "search_index_fts"
TITLE_WEIGHT = 50.0
#: Matches up to this many are all ranked; above it, the newest RANK_WINDOW are.
RANK_ALL = 2000
RANK_WINDOW = 1000
_SCOPE_TOKEN = re.compile(r"(st|tr)\d{6}")
HIT_COLUMNS = (
    "key", "family", "type", "object_id", "site_id", "site_code", "level", "title", "url",
    "date", "plugin", "column_id", "body",
)  # fmt: skip
UPDATE_FIELDS = [
    "family", "type", "plugin", "object_id", "site_id", "site_code", "level", "column_id",
    "path", "title", "body", "date", "url", "title_tokens", "body_tokens", "scope_tokens",
    "audience_id",
]  # fmt: skip


def _audience_filter(audiences) -> tuple[str, list]:
    """Public rows, and the restricted rows of the caller's audiences (never any other)."""
    ids = sorted({int(a) for a in audiences or ()})
    if not ids:
        return "e.audience_id IS NULL", []
    return f"(e.audience_id IS NULL OR e.audience_id IN ({', '.join(['%s'] * len(ids))}))", ids


def _filters(query: SearchQuery) -> tuple[list[str], list]:
    clause, ids = _audience_filter(query.audiences)
    where, params = [clause], list(ids)
    if query.site_ids is not None:
        if not query.site_ids:
            where.append("1 = 0")
        else:
            where.append(f"e.site_id IN ({', '.join(['%s'] * len(query.site_ids))})")
            params.extend(query.site_ids)
    if query.types:
        where.append(f"e.type IN ({', '.join(['%s'] * len(query.types))})")
        params.extend(query.types)
    if query.column_path:
        where.append("e.path LIKE %s AND e.path <> %s")
        params.extend([query.column_path + "%", query.column_path])
    if query.date_from:
        where.append("e.date >= %s")
        params.append(query.date_from)
    if query.date_to:
        where.append("e.date <= %s")
        params.append(query.date_to)
    for label, site_ids in sorted(query.hidden.items()):
        if site_ids:
            where.append(
                f"NOT (e.plugin = %s AND e.site_id IN ({', '.join(['%s'] * len(site_ids))}))"
            )
            params.extend([label, *site_ids])
    return where, params


def _walk(last_tid, pages: int, table_rows: int, cap: int) -> bool:
    """Whether to find the newest RANK_WINDOW of more than ``cap`` matches by walking
    the newest-first index (else: the GIN bitmap AND the date index, then a sort).

    The first pass read ``cap + 1`` matches from the table's first ``block`` blocks:
    the share of rows that match is about ``(cap + 1) / (block / blocks)`` over the
    table. Walking the newest-first index reads RANK_WINDOW / share rows and reads
    each one's ``tsvector`` (about three times a plain row); the bitmap reads the
    matches on or after the cut-off date, about RANK_WINDOW × matches / (cap + 1).
    """
    try:
        block = int(str(last_tid).strip("()").split(",")[0]) + 1
    except ValueError:
        block = 0
    if not pages or not block or not table_rows:
        return False
    matches = (cap + 1) * max(pages / block, 1.0)
    walk = 3 * RANK_WINDOW * table_rows / matches
    bitmap = RANK_WINDOW * matches / (cap + 1)
    return walk < bitmap


class EmbeddedEngine(SearchEngine):
    name = "embedded"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing -----------------------------------------------------------

    def upsert(self, entries: Iterable[Entry]) -> int:
        rows = [SearchEntry(**e.as_dict()) for e in entries]
        if not rows:
            return 0
        with transaction.atomic():
            SearchEntry.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["key"], update_fields=UPDATE_FIELDS
            )
        return len(rows)

    def delete(self, keys: Iterable[str]) -> int:
        keys = list(keys)
        deleted = 0
        for i in range(0, len(keys), 500):
            deleted += SearchEntry.objects.filter(key__in=keys[i : i + 500]).delete()[0]
        return deleted

    def keys(self, site_ids=None) -> set[str]:
        qs = SearchEntry.objects.all()
        if site_ids is not None:
            qs = qs.filter(site_id__in=site_ids)
        return set(qs.values_list("key", flat=True))

    # --- reading -----------------------------------------------------------

    def _match(self, query_phrases, title_only: bool = False, scope_token: str = ""):
        """(FROM+WHERE sql, params) of the full-text match, per vendor.

        ``scope_token`` (``st<code>``: one site, ``tr<code>``: a site and those
        below it) is matched in the index itself, so a common word in a small
        scope intersects two posting lists instead of checking every match.
        """
        scope_token = (
            SCOPE_PREFIX + scope_token if _SCOPE_TOKEN.fullmatch(scope_token or "") else ""
        )
        if self.vendor == "sqlite":
            expr = " AND ".join(p.fts5() for p in query_phrases)
            if title_only:
                expr = f"title_tokens : ({expr})"
            if scope_token:
                expr = f"({expr}) AND scope_tokens : {scope_token}"
            # CROSS JOIN: the full-text match drives, each match's entry is looked up.
            join = f"{FTS} CROSS JOIN {TABLE} e ON e.sort_key = {FTS}.rowid"
            return f"{join} WHERE {FTS} MATCH %s", [expr]
        if self.vendor == "postgresql":
            tsq = " & ".join(p.tsquery() for p in query_phrases)
            if scope_token and not title_only:  # title_tsv holds no scope tokens
                tsq = f"({tsq}) & {scope_token}"
            column = "title_tsv" if title_only else "tsv"
            return (
                f"{TABLE} e, to_tsquery('simple', %s) q WHERE e.{column} @@ q",
                [tsq],
            )
        raise NotImplementedError(f"The embedded search engine does not support {self.vendor}.")

    def _fetch(self, sql: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def _count(self, match_sql, params, query: SearchQuery) -> tuple[int, bool, dict]:
        cap = query.count_cap
        if query.facets:
            rows = self._fetch(
                f"SELECT site_code, level, type, COUNT(*) FROM (SELECT e.site_code, e.level, "
                f"e.type FROM {match_sql} LIMIT {cap + 1}) m GROUP BY site_code, level, type",
                params,
            )
        else:
            rows = self._fetch(
                f"SELECT '', '', '', COUNT(*) FROM (SELECT 1 FROM {match_sql} LIMIT {cap + 1}) m",
                params,
            )
        total = sum(r[3] for r in rows)
        facets: dict[str, Counter] = {"site": Counter(), "level": Counter(), "type": Counter()}
        for site_code, level, type_, n in rows:
            facets["site"][site_code] += n
            facets["level"][level] += n
            facets["type"][type_] += n
        exact = total <= cap
        out = {}
        if query.facets:
            out = {
                name: dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
                for name, counter in facets.items()
            }
        return min(total, cap), exact, out

    def search(self, query: SearchQuery) -> SearchResult:
        phrases = query.phrases
        if not phrases:
            return SearchResult(
                0, True, [], {"site": {}, "level": {}, "type": {}} if query.facets else {}
            )
        if self.vendor == "postgresql":
            return self._search_postgresql(query, phrases)
        if self.vendor != "sqlite":
            return self._search_fallback(query, phrases)
        match_sql, params = self._match(phrases, scope_token=query.scope_token)
        where, fparams = _filters(query)
        if where:
            match_sql += " AND " + " AND ".join(where)
        params = params + fparams
        total, exact, facets = self._count(match_sql, params, query)
        if total == 0:
            return SearchResult(0, True, [], facets)
        cols = ", ".join(f"e.{c}" for c in HIT_COLUMNS)
        if self.vendor == "sqlite":
            # bm25 with the body weighted 0 is < 0 exactly when a query word is in the title.
            extra = f"bm25({FTS}, 1.0, 0.0, 0.0) < 0 AS tier, bm25({FTS}, {TITLE_WEIGHT}, 1.0, 0.0) AS score"
            newest = f"{FTS}.rowid DESC"
            ranked = "tier DESC, date DESC, score, id DESC"
        else:
            extra = "(e.title_tsv @@ q) AS tier, 0 AS score"
            newest = "e.date DESC NULLS LAST, e.id DESC"
            ranked = "tier DESC, date DESC NULLS LAST, id DESC"
        end = query.offset + query.limit
        page = f"LIMIT {int(query.limit)} OFFSET {int(query.offset)}"
        if exact and total <= RANK_ALL or end <= RANK_WINDOW:
            # Few matches: rank them all. Many: rank only the newest RANK_WINDOW
            # candidates, which the index returns without sorting every match.
            window = "" if exact and total <= RANK_ALL else f"ORDER BY {newest} LIMIT {RANK_WINDOW}"
            sql = (
                f"SELECT * FROM (SELECT {cols}, e.id AS id, {extra} FROM {match_sql} {window}) c "
                f"ORDER BY {ranked} {page}"
            )
        else:  # deep pages of a very common word: newest first
            sql = f"SELECT {cols}, e.id, {extra} FROM {match_sql} ORDER BY {newest} {page}"
        rows = self._fetch(sql, params)
        hits = [self._hit(r[: len(HIT_COLUMNS)] + r[-1:], phrases) for r in rows]
        return SearchResult(total, exact, hits, facets)

    # --- PostgreSQL -----------------------------------------------------------
    #
    # A ``tsvector`` of a whole document is stored out of line (TOAST, ~2.5 kB): reading
    # it costs a TOAST index lookup and two chunks, which dominates any plan that checks
    # ``tsv @@ q`` row by row (a sequential scan, a walk of the newest-first index, the
    # recheck of a phrase). The GIN index answers a query of words exactly without
    # reading it; only phrases (``<->``) are rechecked. So:
    #
    # 1. one pass through the GIN bitmap collects up to ``count_cap + 1`` matches and
    #    returns the total, the facets and the newest RANK_ALL of them; the planner is
    #    kept to the bitmap (it prices neither the TOAST reads nor their recheck);
    # 2. when that pass saw every match, the page is ranked from its ids by primary key,
    #    with no second full-text match (a phrase is rechecked once per query, not twice);
    # 3. with more matches than the cap, the newest RANK_WINDOW are among those dated on
    #    or after the RANK_WINDOW-th newest of the pass's matches: that date bounds the
    #    second match, which walks the newest-first index when most rows match and takes
    #    the GIN bitmap AND the date index otherwise (the share of matches is estimated
    #    from how far into the table the first pass had to read).

    def _planned(self, sql: str, params: list, settings: dict[str, str]) -> list[tuple]:
        """``sql``'s rows with planner ``settings`` for this statement only (the previous
        values are put back when already inside a transaction)."""
        names = list(settings)
        outer = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT "
                + ", ".join("current_setting(%s), set_config(%s, %s, true)" for _ in names),
                [v for n in names for v in (n, n, settings[n])],
            )
            old = cursor.fetchone()[::2]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if outer:
                cursor.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in names),
                    [v for n, value in zip(names, old, strict=True) for v in (n, value)],
                )
        return rows

    def _search_postgresql(self, query: SearchQuery, phrases) -> SearchResult:
        words = " & ".join(p.tsquery() for p in phrases)
        token = query.scope_token if _SCOPE_TOKEN.fullmatch(query.scope_token or "") else ""
        tsq = f"({words}) & {SCOPE_PREFIX}{token}" if token else words
        where, fparams = _filters(query)
        filters = " AND ".join(where)

        def matches(since: str = "") -> str:
            # OFFSET 0 fences the full-text match off from the filters, so that its only
            # index is the GIN (ANDed with the date index for ``since``), never a bitmap
            # of every public row (audience_id IS NULL) or of every site in the province.
            return (
                f"(SELECT e.*, e.ctid AS tid FROM {TABLE} e "
                f"WHERE e.tsv @@ to_tsquery('simple', %s){since} OFFSET 0) e WHERE {filters}"
            )

        cap = query.count_cap
        groups = (
            "e.site_code, e.level, e.type"
            if query.facets
            else "'' AS site_code, '' AS level, '' AS type"
        )
        bitmap_only = {"enable_seqscan": "off", "enable_indexscan": "off"}
        rows = self._planned(
            f"WITH m AS MATERIALIZED (SELECT e.id, e.date, {groups}, e.tid "
            f"FROM {matches()} LIMIT {cap + 1}) "
            # part 0: counts per facet value; 1: the newest matches; 2: the last block
            # read and the table's size.
            "SELECT 0, m.site_code, m.level, m.type, COUNT(*), NULL::date FROM m "
            "GROUP BY 2, 3, 4 "
            "UNION ALL (SELECT 1, NULL, NULL, NULL, id, date FROM m "
            f"ORDER BY date DESC NULLS LAST, id DESC LIMIT {RANK_ALL}) "
            "UNION ALL SELECT 2, (SELECT max(tid) FROM m)::text, c.relpages::text, NULL, "
            f"c.reltuples::bigint, NULL FROM pg_class c WHERE c.oid = '{TABLE}'::regclass",
            [tsq, *fparams],
            bitmap_only,
        )
        facets: dict[str, Counter] = {"site": Counter(), "level": Counter(), "type": Counter()}
        window, total, size = [], 0, (None, 0, 0)
        for part, site_code, level, type_, n, date in rows:
            if part == 0:
                total += n
                facets["site"][site_code] += n
                facets["level"][level] += n
                facets["type"][type_] += n
            elif part == 1:
                window.append((n, date))
            else:  # the last block read, the table's blocks and rows
                size = (site_code, int(level or 0), n)
        exact = total <= cap
        out = {}
        if query.facets:
            out = {
                name: dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
                for name, counter in facets.items()
            }
        if total == 0:
            return SearchResult(0, True, [], out)
        window.sort(key=lambda r: (r[1] is not None, r[1] or 0, r[0]), reverse=True)
        cols = ", ".join(f"e.{c}" for c in HIT_COLUMNS)
        tier = "(e.title_tsv @@ to_tsquery('simple', %s)) AS tier"  # titles hold no scope
        ranked = "tier DESC, date DESC NULLS LAST, id DESC"
        newest = "e.date DESC NULLS LAST, e.id DESC"
        page = f"LIMIT {int(query.limit)} OFFSET {int(query.offset)}"
        end = query.offset + query.limit
        plain = f"{TABLE} e WHERE e.tsv @@ to_tsquery('simple', %s) AND {filters}"
        if exact and (total <= RANK_ALL or end <= RANK_WINDOW):
            # Every match was read: rank them all, or their newest RANK_WINDOW, by id.
            ids = [i for i, _ in window[: RANK_ALL if total <= RANK_ALL else RANK_WINDOW]]
            sql = (
                f"SELECT * FROM (SELECT {cols}, e.id AS id, {tier}, 0 AS score FROM {TABLE} e "
                f"WHERE e.id = ANY(%s)) c ORDER BY {ranked} {page}"
            )
            rows = self._fetch(sql, [words, ids])
        elif end <= RANK_WINDOW:
            cutoff = window[RANK_WINDOW - 1][1] if len(window) >= RANK_WINDOW else None
            source, params, settings = plain, [words, tsq, *fparams], {}
            if cutoff is not None:
                if _walk(*size, cap):
                    source = plain + " AND e.date >= %s"
                    params = [*params, cutoff]
                    settings = {"enable_seqscan": "off", "enable_bitmapscan": "off"}
                else:
                    source = matches(" AND e.date >= %s")
                    params = [words, tsq, cutoff, *fparams]
                    settings = bitmap_only
            sql = (
                f"SELECT * FROM (SELECT {cols}, e.id AS id, {tier}, 0 AS score FROM {source} "
                f"ORDER BY {newest} LIMIT {RANK_WINDOW}) c ORDER BY {ranked} {page}"
            )
            rows = self._planned(sql, params, settings) if settings else self._fetch(sql, params)
        else:  # deep pages of a very common word: newest first
            sql = f"SELECT {cols}, e.id, {tier}, 0 FROM {plain} ORDER BY {newest} {page}"
            rows = self._fetch(sql, [words, tsq, *fparams])
        hits = [self._hit(r[: len(HIT_COLUMNS)] + r[-1:], phrases) for r in rows]
        return SearchResult(min(total, cap), exact, hits, out)

    def _hit(self, row, phrases) -> Hit:
        data = dict(zip((*HIT_COLUMNS, "score"), row, strict=True))
        body = data.pop("body") or ""
        date = data["date"]
        if isinstance(date, str):
            import datetime as dt

            date = dt.date.fromisoformat(date)
        data["date"] = date
        hit = Hit(**data)
        hit.score = float(hit.score or 0)
        hit.title_highlight = highlight(hit.title, phrases)
        hit.snippet = snippet(body, phrases)
        return hit

    def suggest(
        self, q, site_ids, limit=10, hidden=None, scope_token="", audiences=()
    ) -> list[Hit]:
        query = SearchQuery(
            q=q, site_ids=site_ids, hidden=hidden or {}, limit=limit, audiences=tuple(audiences)
        )
        phrases = query.phrases
        if not phrases or self.vendor not in ("sqlite", "postgresql"):
            return []
        match_sql, params = self._match(phrases, title_only=True, scope_token=scope_token)
        where, fparams = _filters(query)
        if where:
            match_sql += " AND " + " AND ".join(where)
        cols = ", ".join(f"e.{c}" for c in HIT_COLUMNS)
        newest = (
            f"{FTS}.rowid DESC" if self.vendor == "sqlite" else "e.date DESC NULLS LAST, e.id DESC"
        )
        rows = self._fetch(
            f"SELECT {cols}, 0 AS score FROM {match_sql} ORDER BY {newest} LIMIT {int(limit)}",
            params + fparams,
        )
        return [self._hit(r, phrases) for r in rows]

    def _search_fallback(self, query, phrases) -> SearchResult:  # other databases: substring
        from django.db.models import Q

        qs = SearchEntry.objects.filter(site_id__in=query.site_ids).filter(
            Q(audience_id__isnull=True) | Q(audience_id__in=list(query.audiences))
        )
        for p in phrases:
            qs = qs.filter(Q(title__icontains=p.text) | Q(body__icontains=p.text))
        if query.types:
            qs = qs.filter(type__in=query.types)
        total = qs.count()
        rows = qs.order_by("-date", "-id").values_list(*HIT_COLUMNS)[
            query.offset : query.offset + query.limit
        ]
        return SearchResult(total, True, [self._hit((*r, 0), phrases) for r in rows], {})
