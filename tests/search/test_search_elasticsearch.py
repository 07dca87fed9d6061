"""The Elasticsearch engine: mappings and queries as data (snapshots), and a live server
when ``ELASTICSEARCH_URL`` is set.

Regenerate snapshots after an intended change with ``UPDATE_SNAPSHOTS=1 pytest tests/search``.
"""

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from search.backends.base import SearchQuery
from search.backends.elastic import build_search, build_suggest, index_body

SNAPSHOTS = Path(__file__).parent / "snapshots"
ES_URL = os.environ.get("ELASTICSEARCH_URL", "")


def check_snapshot(name: str, data: dict) -> None:
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(text, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), name


@pytest.mark.parametrize("family", ["pages", "records"])
@pytest.mark.parametrize("ik", [False, True], ids=["cjk", "cjk+ik"])
def test_index_mappings(family, ik):
    body = index_body(family, ik=ik)
    check_snapshot(f"index-{family}-{'ik' if ik else 'cjk'}", body)
    props = body["mappings"]["properties"]
    assert props["title"]["analyzer"] == "cjk" and props["body"]["analyzer"] == "cjk"
    assert props["title"]["fields"]["chars"]["analyzer"] == "standard"
    assert ("ik" in props["title"]["fields"]) is ik
    for field in ("site_code", "level", "type", "plugin"):
        assert props[field]["type"] == "keyword"
    assert props["date"]["type"] == "date"


def test_search_query_with_filters_facets_highlight():
    query = SearchQuery(
        q="代表 建议",
        site_ids=[7, 3],
        types=["article", "example.entry"],
        column_path="000100010002",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
        hidden={"example": [7]},
        offset=20,
        limit=10,
    )
    body = build_search(query).to_dict()
    check_snapshot("search-filters", body)
    bool_ = body["query"]["bool"]
    assert [c["multi_match"]["query"] for c in bool_["must"]] == ["代表", "建议"]
    assert all(c["multi_match"]["type"] == "phrase" for c in bool_["must"])
    assert {"terms": {"site_id": [3, 7]}} in bool_["filter"]
    assert set(body["aggs"]) == {"site", "level", "type"}
    assert body["highlight"]["pre_tags"] == ["<em>"]
    assert body["from"] == 20 and body["size"] == 10 and body["track_total_hits"] == 10000


PUBLIC_ONLY = {"bool": {"must_not": [{"exists": {"field": "audience_id"}}]}}


def test_audience_filter_clause_in_search_and_suggest():
    """Public documents have no ``audience_id``; a caller's audiences add their own."""
    anonymous = build_search(SearchQuery(q="预算", site_ids=[3])).to_dict()
    assert PUBLIC_ONLY in anonymous["query"]["bool"]["filter"]
    member = build_search(SearchQuery(q="预算", site_ids=[3], audiences=(12, 5, 12)))
    body = member.to_dict()
    check_snapshot("search-audience", body)
    clause = {
        "bool": {
            "should": [PUBLIC_ONLY, {"terms": {"audience_id": [5, 12]}}],
            "minimum_should_match": 1,
        }
    }
    # A filter: it narrows the hits, the total and the aggregations (facets) alike.
    assert (
        clause in body["query"]["bool"]["filter"]
        and PUBLIC_ONLY not in body["query"]["bool"]["filter"]
    )
    assert set(body["aggs"]) == {"site", "level", "type"}
    suggest = build_suggest("预算", [3], 5, audiences=(5,)).to_dict()
    assert {
        "bool": {
            "should": [PUBLIC_ONLY, {"terms": {"audience_id": [5]}}],
            "minimum_should_match": 1,
        }
    } in suggest["query"]["bool"]["filter"]
    assert PUBLIC_ONLY in build_suggest("预算", [3], 5).to_dict()["query"]["bool"]["filter"]


def test_single_characters_and_mixed_scripts_use_the_character_field():
    body = build_search(SearchQuery(q="表 2026年 人大 GB", site_ids=[1], facets=False), ik=True)
    body = body.to_dict()
    check_snapshot("search-mixed-ik", body)
    fields = [c["multi_match"]["fields"] for c in body["query"]["bool"]["must"]]
    assert fields == [
        ["title.chars^10", "body.chars"],
        ["title.chars^10", "body.chars"],
        ["title^10", "body"],
        ["title^10", "body"],
    ]
    assert body["query"]["bool"]["should"][0]["multi_match"]["fields"] == ["title.ik^10", "body.ik"]


def test_suggest_query():
    body = build_suggest("代表", [1], 5).to_dict()
    check_snapshot("suggest", body)
    assert body["query"]["bool"]["must"][0]["multi_match"]["fields"] == ["title"]
    assert body["size"] == 5


# --- against a real server -------------------------------------------------------


@pytest.fixture
def es_engine(settings):
    if not ES_URL:
        pytest.skip("ELASTICSEARCH_URL is not set: no Elasticsearch server to test against")
    settings.ELASTICSEARCH_URL = ES_URL
    settings.LIANXI_SEARCH_ES_PREFIX = "lianxi-test"
    from search.backends import _engine

    _engine.cache_clear()
    from search.backends import get_engine

    engine = get_engine()
    yield engine
    engine.client.indices.delete(index="lianxi-test-*", ignore_unavailable=True)
    _engine.cache_clear()


def test_elasticsearch_recall_scope_and_alias_swap(es_engine, publish, site_group):
    from search.indexing import rebuild

    page = publish("340100", "安徽省人大代表建议办理情况公开", "代表建议办理")
    publish("340200", "芜湖代表培训")
    rebuild()
    old = set(es_engine.client.indices.get_alias(name="lianxi-test-pages"))
    ids = [site_group["340100"].site_id]
    for q in ("代表", "建议办理", "表", "人大代表"):
        result = es_engine.search(SearchQuery(q=q, site_ids=ids))
        assert [h.object_id for h in result.hits] == [page.pk], q
    rebuild()
    assert set(es_engine.client.indices.get_alias(name="lianxi-test-pages")) != old
    assert es_engine.search(SearchQuery(q="代表", site_ids=ids)).total == 1


def test_elasticsearch_keeps_restricted_records_to_their_audience(es_engine, site_group):
    from search.documents import Entry

    profile = site_group["340100"]
    es_engine.ensure_indices()
    es_engine.upsert([
        Entry(key="example.entry:1", family="record", type="example.entry", object_id=1,
              site_id=profile.site_id, site_code="340100", level="municipal",
              title="财政预算专题材料", audience_id=41, plugin="example"),
        Entry(key="example.entry:2", family="record", type="example.entry", object_id=2,
              site_id=profile.site_id, site_code="340100", level="municipal",
              title="财政预算公开说明", plugin="example"),
    ])  # fmt: skip
    ids = [profile.site_id]
    public = es_engine.search(SearchQuery(q="财政预算", site_ids=ids))
    assert [h.object_id for h in public.hits] == [2] and public.total == 1
    assert public.facets["type"] == {"example.entry": 1}
    member = es_engine.search(SearchQuery(q="财政预算", site_ids=ids, audiences=(41,)))
    assert {h.object_id for h in member.hits} == {1, 2}
    assert [h.object_id for h in es_engine.suggest("财政", ids, audiences=(40,))] == [2]
