"""The core search (``/api/v1/search/``, ``/suggest/``) with resources restricted to an
audience: from every side, nobody outside the audience gets a title, a snippet, a count
or a facet of an item; its audience finds it. Answers are never shared through the
API cache."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from cms.services import audience as audiences
from plugins.resources import search as resource_search
from plugins.resources import service
from plugins.resources.models import Resource

from .conftest import make_resource, staff_auth

pytestmark = pytest.mark.django_db
TITLE = "关于全县财政预算执行情况的专题报告"
WORD = "财政预算"
KIND = "resources.resource"


@pytest.fixture
def publish(site_group):
    """A public article on a site's 新闻 column (the same search as any page)."""
    from wagtail.models import Page
    from wagtail.rich_text import RichText

    from cms.content.models import ArticlePage, ColumnPage

    def make(code, title, body=""):
        root = Page.objects.get(pk=site_group[code].site.root_page_id)
        parent = ColumnPage.objects.child_of(root).get(slug="news")
        page = ArticlePage(title=title, slug=f"p{abs(hash(title)) % 10**8}", date="2026-11-01",
                           body=[("paragraph", RichText(f"<p>{body}</p>"))], live=False)  # fmt: skip
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


def _search(client, auth, code="340123", scope="site", **extra):
    return client.get("/api/v1/search/", {"q": WORD, "site": code, "scope": scope, **extra}, **auth)


def _suggest(client, auth, code="340123", scope="site"):
    return client.get("/api/v1/search/suggest/", {"q": WORD, "site": code, "scope": scope},
                      **auth)  # fmt: skip


def _outsiders(people, changfeng_staff) -> dict:
    return {
        "another level's deputy": people["李芳"].auth,
        "a former deputy": people["王强"].auth,
        "another site's staff": staff_auth(changfeng_staff),
        "anonymous": {},
    }


def _assert_nothing_of_it(response, who):
    assert response.status_code == 200, who
    body = response.json()
    assert body.pop("query") == WORD
    shown = json.dumps(body, ensure_ascii=False)
    assert WORD not in shown and "专题报告" not in shown, who  # no title, snippet, highlight
    assert KIND not in shown, who  # not even its kind in a facet
    if "count" in body:
        assert body["count"] == 0 and body["results"] == [], who
        assert body["facets"] == {"site": [], "level": [], "type": []}, who
    else:
        assert body["results"] == [], who


def test_nobody_outside_the_audience_learns_of_an_item(client, feixi, people,
                                                       changfeng_staff):  # fmt: skip
    item = make_resource(feixi, TITLE, summary="全县财政预算执行的专题分析")
    for who, auth in _outsiders(people, changfeng_staff).items():
        for code, scope in (("340123", "site"), ("340100", "descendants"),
                            ("340000", "descendants")):  # fmt: skip
            _assert_nothing_of_it(_search(client, auth, code, scope), (who, code))
            _assert_nothing_of_it(_search(client, auth, code, scope, kind=KIND), (who, code))
            _assert_nothing_of_it(_suggest(client, auth, code, scope), (who, code))
    # The item is there: its audience finds it, counted and faceted.
    found = _search(client, people["张伟"].auth).json()
    assert found["count"] == 1
    hit = found["results"][0]
    assert (hit["key"], hit["title"], hit["plugin"]) == (f"{KIND}:{item.pk}", TITLE, "resources")
    assert hit["url"] == f"/api/v1/resources/{item.pk}/?site=340123"
    assert "<em>财政预算</em>" in hit["snippet"]
    assert found["facets"]["type"] == [{"value": KIND, "count": 1}]
    assert found["facets"]["site"] == [{"value": "340123", "count": 1}]
    wide = _search(client, people["孙丽"].auth, "340000", "descendants").json()
    assert [h["title"] for h in wide["results"]] == [TITLE]
    suggested = _suggest(client, people["张伟"].auth).json()["results"]
    assert [s["title"] for s in suggested] == [TITLE]


def test_counts_and_facets_count_only_what_the_caller_may_see(client, feixi, people, publish):
    publish("340123", "肥西县财政预算公开", body="公开的财政预算说明")
    make_resource(feixi, TITLE)
    make_resource(feixi, "市级财政预算草案说明",
                  spec=audiences.AudienceSpec(deputies=(people["李芳"].ref,)))  # fmt: skip
    anonymous = _search(client, {}).json()
    assert anonymous["count"] == 1 and anonymous["facets"]["type"] == [
        {"value": "article", "count": 1}
    ]
    county = _search(client, people["张伟"].auth).json()
    assert county["count"] == 2
    assert {h["title"] for h in county["results"]} == {"肥西县财政预算公开", TITLE}
    assert {f["value"]: f["count"] for f in county["facets"]["type"]} == {"article": 1, KIND: 1}
    city = _search(client, people["李芳"].auth).json()
    assert {h["title"] for h in city["results"]} == {"肥西县财政预算公开", "市级财政预算草案说明"}


def test_named_staff_and_deputies_are_audiences_too(client, feixi, people, office,
                                                    changfeng_staff):  # fmt: skip
    make_resource(feixi, TITLE, spec=audiences.AudienceSpec(
        staff_sites=(feixi.site_id,), deputies=(people["李芳"].ref,)))  # fmt: skip
    for auth in (staff_auth(office), people["李芳"].auth):
        assert [h["title"] for h in _search(client, auth).json()["results"]] == [TITLE]
    for auth in (staff_auth(changfeng_staff), people["张伟"].auth, {}):
        _assert_nothing_of_it(_search(client, auth), auth)


def test_an_audience_change_withdrawal_and_expiry_follow_at_once(client, feixi, people):
    item = make_resource(feixi, TITLE)
    assert _search(client, people["张伟"].auth).json()["count"] == 1
    # New rules: the same audience row, matched at query time.
    service.set_audience(item, audiences.AudienceSpec(deputies=(people["李芳"].ref,)), None)
    _assert_nothing_of_it(_search(client, people["张伟"].auth), "rules changed")
    assert _search(client, people["李芳"].auth).json()["count"] == 1
    service.withdraw(item, None)
    _assert_nothing_of_it(_search(client, people["李芳"].auth), "withdrawn")
    # An expired item leaves the index with the daily sweep.
    other = make_resource(feixi, "关于财政预算调整的参考资料")
    assert _search(client, people["张伟"].auth).json()["count"] == 1
    Resource.objects.filter(pk=other.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert resource_search.search_expired.call() == 1
    _assert_nothing_of_it(_search(client, people["张伟"].auth), "expired")


def test_an_item_without_an_audience_is_never_indexed(client, feixi, people):
    Resource.objects.create(site_id=feixi.site_id, title=TITLE, status="published",
                            published_at=timezone.now())  # fmt: skip
    for auth in (people["张伟"].auth, {}):
        _assert_nothing_of_it(_search(client, auth), auth)


def test_search_answers_are_never_shared_between_viewers(client, feixi, people):
    make_resource(feixi, TITLE)
    first = _search(client, {})  # anonymous: stored in the shared cache
    assert first["X-Lianxi-Cache"] == "miss"
    _assert_nothing_of_it(first, "anonymous")
    mine = _search(client, people["张伟"].auth)
    assert mine.json()["count"] == 1
    assert mine["Cache-Control"] == "private, no-store"
    assert "X-Lianxi-Cache" not in mine
    again = _search(client, {})
    assert again["X-Lianxi-Cache"] == "hit"
    _assert_nothing_of_it(again, "anonymous, cached")
    outsider = _search(client, people["李芳"].auth)
    _assert_nothing_of_it(outsider, "another level")
    suggest = _suggest(client, people["张伟"].auth)
    assert suggest["Cache-Control"] == "private, no-store"
    # Publishing another restricted item changes no public answer: the cached one stays.
    make_resource(feixi, "关于财政预算调整的参考资料")
    assert _search(client, {})["X-Lianxi-Cache"] == "hit"
    assert _search(client, people["张伟"].auth).json()["count"] == 2
