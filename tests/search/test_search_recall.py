"""Recall of the embedded engine equals substring truth on a Chinese corpus."""

import pytest

from search.backends import SearchQuery, get_engine
from search.documents import clean_text
from search.models import SearchEntry
from search.text import index_text, normalize, parse_query

CORPUS = [
    ("340000", "安徽省人大代表建议办理情况公开", "省人大常委会听取代表建议办理工作报告。"),
    ("340000", "省人大常务委员会第十五次会议召开", "会议审议了2026年立法计划和GB/T 2260相关说明。"),
    ("340100", "合肥市开展代表培训", "市人大常委会组织基层代表参加履职培训,学习代表法。"),
    ("340100", "12345热线与代表联络站联动", "群众通过12345热线反映问题,代表联络站跟踪办理。"),
    (
        "340121",
        "长丰县人大常委会审议意见落实情况",
        "县人大常委会对审议意见的研究处理情况进行评议。",
    ),
    ("340123", "肥西县召开人代会", "大会表决通过各项决议,代表们积极建言献策。"),
    ("340123", "乡镇人大主席团工作交流", "人大主席团、代表小组和选民之间保持密切联系。"),
    ("340200", "芜湖市人大常委会执法检查报告", "执法检查组对水污染防治法实施情况进行检查。"),
    ("340200", "2026年工作要点", "围绕中心、服务大局,依法履职。Wagtail CMS 试点。"),
]

QUERIES = [
    "代表", "建议", "培训", "人大", "代表建议", "建议办理", "常务委员会", "人大代表",
    "大代", "表建", "审议意见", "2026年", "2026", "12345热线", "热线", "GB/T", "2260",
    "wagtail", "表", "会", "代表 培训", "人大 情况", "执法检查", "不存在的词", "办理情况公开",
]  # fmt: skip


@pytest.fixture
def corpus(publish):
    pages = [publish(code, title, body) for code, title, body in CORPUS]
    return pages


def _truth(query: str, site_ids=None) -> set[str]:
    words = normalize(query).split()
    found = set()
    for entry in SearchEntry.objects.all():
        if site_ids is not None and entry.site_id not in site_ids:
            continue
        text = normalize(entry.title) + "\n" + normalize(entry.body)
        if all(w in text for w in words):
            found.add(entry.key)
    return found


def _search(q, site_ids, **kw) -> set[str]:
    result = get_engine().search(SearchQuery(q=q, site_ids=site_ids, limit=100, **kw))
    assert result.total == len(result.hits)
    return {h.key for h in result.hits}


def test_tokens_are_overlapping_bigrams_plus_run_end():
    assert index_text("人大代表") == "人大 大代 代表 表"
    assert index_text("GB/T 2260,12345热线") == "gb t 2260 12345 热线 线"
    assert [p.fts5() for p in parse_query("2026年 代表")] == ['"2026 年"*', '"代表"']


def test_index_holds_every_published_page(corpus):
    keys = set(SearchEntry.objects.values_list("key", flat=True))
    assert {f"page:{p.pk}" for p in corpus} <= keys


@pytest.mark.parametrize("q", QUERIES)
def test_recall_equals_substring_truth(corpus, site_group, q):
    all_sites = [p.site_id for p in site_group.values()]
    truth = _truth(q)
    assert _search(q, all_sites) == truth
    if q in ("代表", "人大", "建议"):
        assert truth, "the corpus must contain the common words"


def test_words_across_jieba_boundaries(corpus, site_group):
    # jieba cuts 人大代表建议 as 人大代表 / 建议; 代表建 and 大代表 cross its boundaries.
    ids = [p.site_id for p in site_group.values()]
    first = f"page:{corpus[0].pk}"
    for q in ("代表建", "大代表", "表建议", "省人大"):
        assert first in _search(q, ids), q


def test_stock_clean_text_strips_markup():
    assert clean_text("<p>代表&amp;建议</p>") == "代表&建议"


def test_title_matches_rank_above_body_matches_and_recent_above_old(publish, site_group):
    ids = [site_group["340121"].site_id]
    body_only = publish("340121", "工作动态", "本次会议研究了培训安排。", date="2026-11-20")
    in_title = publish("340121", "培训通知", "请按时参加。", date="2020-01-01")
    old = publish("340121", "学习园地", "本次会议研究了培训安排。", date="2019-01-01")
    result = get_engine().search(SearchQuery(q="培训", site_ids=ids))
    keys = [h.key for h in result.hits]
    assert keys == [f"page:{in_title.pk}", f"page:{body_only.pk}", f"page:{old.pk}"]


def test_highlight_and_snippet(corpus, site_group):
    result = get_engine().search(SearchQuery(q="代表", site_ids=[site_group["340000"].site_id]))
    hit = next(h for h in result.hits if h.title.startswith("安徽省"))
    assert hit.title_highlight == "安徽省人大<em>代表</em>建议办理情况公开"
    assert "<em>代表</em>" in hit.snippet


def test_counts_are_capped_for_common_words(corpus, site_group):
    ids = [p.site_id for p in site_group.values()]
    result = get_engine().search(SearchQuery(q="人大", site_ids=ids, count_cap=2, limit=3))
    assert result.total == 2 and result.total_exact is False
    assert len(result.hits) == 3
    exact = get_engine().search(SearchQuery(q="人大", site_ids=ids))
    assert exact.total_exact and exact.total == len(_truth("人大"))
    assert sum(exact.facets["site"].values()) == exact.total


def test_title_matches_rank_first_within_a_scope_too(client, publish, site_group):
    # The API narrows by the site's scope token: the title tier must not depend on it.
    body_only = publish("340121", "工作动态", "本次会议研究了培训安排。", date="2026-11-20")
    in_title = publish("340121", "培训通知", "请按时参加。", date="2020-01-01")
    for scope in ("site", "descendants"):
        body = client.get("/api/v1/search/", {"q": "培训", "site": "340121", "scope": scope})
        ids = [r["id"] for r in body.json()["results"]]
        assert ids == [in_title.pk, body_only.pk], scope


@pytest.mark.parametrize("walk", [True, False])
def test_only_the_newest_matches_are_ranked_when_there_are_many(
    publish, site_group, monkeypatch, walk
):
    """Above RANK_ALL matches the newest RANK_WINDOW are ranked (title first, then
    newest), whether the count stopped at its cap or not and however they are found."""
    import search.backends.embedded as embedded

    monkeypatch.setattr(embedded, "RANK_ALL", 4)
    monkeypatch.setattr(embedded, "RANK_WINDOW", 4)
    monkeypatch.setattr(embedded, "_walk", lambda *args: walk)
    dates = ["2026-03-01", "2026-09-01", "2026-01-01", "2026-07-01", "2026-05-01",
             "2026-11-01", "2026-02-01", "2026-08-01"]  # fmt: skip
    pages = [
        publish("340121", f"{'培训' if i % 3 == 0 else '动态'}第{i}期", "组织培训。", date=d)
        for i, d in enumerate(dates)
    ]
    newest = sorted(pages, key=lambda p: p.date, reverse=True)[:4]
    expected = [
        p.pk for p in sorted(newest, key=lambda p: ("培训" in p.title, p.date), reverse=True)
    ]
    ids = [site_group["340121"].site_id]
    for cap in (3, 100):  # counted up to the cap, or all of them
        result = get_engine().search(SearchQuery(q="培训", site_ids=ids, count_cap=cap, limit=4))
        assert result.total == min(cap, 8) and result.total_exact is (cap > 8)
        assert [h.object_id for h in result.hits] == expected, cap
        if result.total_exact:
            assert sum(result.facets["site"].values()) == result.total
