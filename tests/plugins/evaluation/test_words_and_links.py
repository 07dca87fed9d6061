"""Sensitive and wrong words re-scanned in live content, and broken links (internal and
outbound, checked politely per host against servers on 127.0.0.1): each fires and clears."""

from __future__ import annotations

import pytest

from cms.review.models import SensitiveWord
from plugins.evaluation import linkcheck

from .conftest import FEIXI, article, closed_port, column, found, indicator, inspect, latest

pytestmark = pytest.mark.django_db


def test_a_word_listed_after_publication_is_found_and_clears_when_fixed(feixi):
    news = column(feixi, "news")
    page = article(news, "代表联洛站开放日", "<p>本周在联洛站举行开放日,内容涉及某违禁词。</p>")
    inspect(FEIXI)
    assert found(FEIXI, "words") == []  # not listed yet: nothing to find

    SensitiveWord.objects.create(word="联洛站", kind="wrong", replacement="联络站")
    inspect(FEIXI)
    [wrong] = found(FEIXI, "words")
    assert wrong.title == "《代表联洛站开放日》含错别字“联洛站”(应为“联络站”)"
    assert (wrong.severity, wrong.points) == ("deduction", 1)
    assert wrong.target_url == f"/admin/pages/{page.pk}/edit/"
    assert not latest(FEIXI).vetoed and latest(FEIXI).score == 99

    SensitiveWord.objects.create(word="某违禁词", kind="sensitive", site=feixi.site)
    inspect(FEIXI)
    [both] = found(FEIXI, "words")
    assert both.title == "《代表联洛站开放日》含敏感词“某违禁词”;含错别字“联洛站”(应为“联络站”)"
    assert both.severity == "veto" and latest(FEIXI).vetoed
    figure = indicator(FEIXI, "words")
    assert figure["numerator"] == 1 and figure["denominator"] > 10  # every live page scanned

    page.title = "代表联络站开放日"
    page.body = [("paragraph", "<p>本周在联络站举行开放日。</p>")]
    page.save()
    inspect(FEIXI)
    assert found(FEIXI, "words") == [] and latest(FEIXI).score == 100


def test_broken_links_internal_and_outbound(feixi, serve, settings):
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]  # our test servers stand for the web
    server = serve({"/ok.html": 200, "/forbidden.html": 403})
    dead = f"http://127.0.0.1:{closed_port()}/gone.html"
    news = column(feixi, "news")
    target = article(news, "被链接的报道")
    body = (
        f'<p><a linktype="page" id="{target.pk}">相关报道</a>'
        f'<a href="{server.url("/ok.html")}">可用</a>'
        f'<a href="{server.url("/forbidden.html")}">受限</a>'
        f'<a href="{server.url("/missing.html")}">已删除</a>'
        f'<a href="{dead}">关停的网站</a>'
        '<a href="/news/nowhere/">旧地址</a>'
        '<a href="http://portal.test/">保留域名</a></p>'
    )
    page = article(news, "带链接的报道", body)
    inspect(FEIXI)
    by_title = {f.title: f for f in found(FEIXI, "broken_links")}
    assert set(by_title) == {
        "《带链接的报道》中的链接“已删除”不可用:页面不存在(HTTP 404)",
        "《带链接的报道》中的链接“关停的网站”不可用:无法连接",
        "《带链接的报道》中的链接“旧地址”不可用:站内地址不存在或未公开",
        "《带链接的报道》中的链接“保留域名”不可用:保留域名,公众无法访问",
    }
    assert by_title["《带链接的报道》中的链接“关停的网站”不可用:无法连接"].link_url == dead
    assert all(f.target_url == f"/admin/pages/{page.pk}/edit/" for f in by_title.values())
    figure = indicator(FEIXI, "broken_links")
    assert (figure["numerator"], figure["denominator"], figure["deduction"]) == (4, 7, 4)

    # The linked page goes offline: its link breaks too.
    target.unpublish()
    inspect(FEIXI)
    assert "《带链接的报道》中的页面链接“相关报道”不可用:链接的页面未发布或不公开" in {
        f.title for f in found(FEIXI, "broken_links")
    }

    # Fixed: the page published again, the server answers the missing page, the other
    # links corrected. A broken link is checked again at every run (no stale verdict).
    target.save_revision().publish()
    server.routes["/missing.html"] = 200
    page.body = [("paragraph", f'<p><a href="{server.url("/ok.html")}">可用</a>'
                               f'<a href="{server.url("/missing.html")}">已恢复</a></p>')]  # fmt: skip
    page.save()
    inspect(FEIXI)
    assert found(FEIXI, "broken_links") == [] and latest(FEIXI).score == 100


def test_a_working_link_is_not_asked_again_within_the_recheck_period(feixi, serve, settings):
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    server = serve({"/ok.html": 200})
    article(
        column(feixi, "news"), "带链接的报道", f'<p><a href="{server.url("/ok.html")}">可用</a></p>'
    )
    inspect(FEIXI)
    inspect(FEIXI)
    assert [path for _at, path in server.hits] == ["/ok.html"]


def test_one_host_is_asked_one_request_at_a_time_with_a_pause(serve, settings, db):
    """Politeness: never two requests at once to a host, at least the interval between two;
    several hosts are checked side by side."""
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    config = linkcheck._settings()
    settings_before = dict(config)
    config.update(LINK_HOST_INTERVAL=0.2, LINK_WORKERS=4)
    try:
        one, two = serve({}, delay=0.05), serve({}, delay=0.05)
        urls = [one.url(f"/p{i}.html") for i in range(5)] + [
            two.url(f"/p{i}.html") for i in range(5)
        ]
        outcomes = linkcheck.check(urls)
    finally:
        config.clear()
        config.update(settings_before)
    assert len(outcomes) == 10 and not any(o.ok for o in outcomes.values())  # all 404
    for server in (one, two):
        assert server.most == 1
        times = [at for at, _path in server.hits]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert len(times) == 5 and min(gaps) >= 0.2
    # The two hosts side by side, not one after the other.
    assert two.hits[0][0] < one.hits[-1][0] and one.hits[0][0] < two.hits[-1][0]


def test_a_host_is_asked_at_most_its_budget_per_run(serve, settings, db):
    """A host linked thousands of times is not asked thousands of times a night: the links
    never checked go first, the rest keep their last outcome until a later run."""
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    config = linkcheck._settings()
    before = dict(config)
    config.update(LINK_HOST_INTERVAL=0, LINK_MAX_PER_HOST=3)
    try:
        server = serve({f"/p{i}.html": 200 for i in range(5)})
        urls = [server.url(f"/p{i}.html") for i in range(5)]
        first = linkcheck.check(urls)
        assert len(server.hits) == 3 and len(first) == 3  # two never checked: left out
        second = linkcheck.check(urls)
        assert len(server.hits) == 5 and len(second) == 5  # the other two, the rest trusted
        assert all(o.ok for o in second.values())
    finally:
        config.clear()
        config.update(before)
