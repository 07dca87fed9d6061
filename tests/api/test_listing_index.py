"""The page lists' index (``ListedPage``) follows every change a list can show.

Newest-first lists are read from the index (``cms.content.listing``); each test
changes a page the way editors and scripts do and looks at the list and its count.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from wagtail.models import Page

from cms.content.models import ListedPage
from tests.api.conftest import add_article, column

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]


def listing(client, site="340123", **params):
    response = client.get("/api/v1/pages/", {"site": site, "type": "article", **params})
    assert response.status_code == 200, response.content
    data = json.loads(response.content)
    return data["count"], [item["id"] for item in data["results"]]


def test_publish_unpublish_and_confidentiality(client, content):
    page = content.articles[2]
    count, ids = listing(client, limit=100)
    assert page.pk in ids
    page.get_latest_revision().publish() if page.get_latest_revision() else None
    page.unpublish()
    after, ids = listing(client, limit=100)
    assert page.pk not in ids and after == count - 1
    page.save_revision().publish()
    assert listing(client, limit=100) == (count, listing(client, limit=100)[1])
    assert page.pk in listing(client, limit=100)[1]
    page.refresh_from_db()
    page.confidentiality = "not_public"
    page.save()
    after, ids = listing(client, limit=100)
    assert page.pk not in ids and after == count - 1


def test_a_new_page_comes_first_and_a_deleted_one_goes(client, content):
    count, _ = listing(client)
    page = add_article(content.news, "newest", dt.date(2027, 1, 1))
    after, ids = listing(client)
    assert ids[0] == page.pk and after == count + 1
    page.delete()
    assert listing(client)[0] == count
    assert not ListedPage.objects.filter(page_id=page.pk).exists()


def test_a_moved_page_leaves_one_site_and_joins_another(client, content):
    page = content.articles[1]
    other = column(content.changfeng, "news")
    feixi, changfeng = listing(client)[0], listing(client, site="340121")[0]
    Page.objects.get(pk=page.pk).move(other, pos="last-child")
    assert listing(client)[0] == feixi - 1
    count, ids = listing(client, site="340121")
    assert count == changfeng + 1 and page.pk in ids


def test_moving_a_column_moves_its_pages(client, content):
    Page.objects.filter(pk=content.news.pk).update(slug="feixi-news")  # unique under the new parent
    news = Page.objects.get(pk=content.news.pk)
    before = listing(client, site="340121")[0]
    moved = listing(client, column=content.news.pk, limit=100)[0]
    news.move(Page.objects.get(pk=content.changfeng.site.root_page_id), pos="last-child")
    assert listing(client, site="340121")[0] == before + moved


def test_an_update_without_signals_is_never_shown_and_sync_mends_the_count(client, content):
    page = content.articles[3]
    count, _ = listing(client, limit=100)
    Page.objects.filter(pk=page.pk).update(live=False)  # a script: no signal
    stale, ids = listing(client, limit=100)
    assert page.pk not in ids  # each row is checked against the pages
    call_command("sync_page_listing")
    assert listing(client, limit=100)[0] == count - 1


def test_index_filters_match_the_pages(client, content):
    """Dates, columns, townships and hidden columns give the same pages from the index
    (newest first) as from the pages themselves (ordering by date and id explicitly)."""
    add_article(content.news, "undated", dt.date(2026, 1, 1)).__class__.objects.filter(
        slug="undated").update(date=None)  # fmt: skip
    call_command("sync_page_listing")
    cases = [
        {}, {"date_after": "2026-10-03"}, {"date_before": "2026-10-03"},
        {"column": content.news.pk}, {"descendant_of": content.feixi.site.root_page_id},
        {"offset": 3, "limit": 2}, {"type": "article,meeting"}, {"type": "column"},
    ]  # fmt: skip
    for params in cases:
        sites = ("340123",) if {"column", "descendant_of"} & set(params) else \
            ("340123", "340123100", "340121")  # fmt: skip
        for site in sites:
            indexed = listing(client, site=site, **{"limit": 100, **params})
            direct = listing(client, site=site, **{"limit": 100, "ordering": "-date,-id,title",
                                                   **params})  # fmt: skip
            assert indexed == direct, (site, params)
