"""The hidden subtrees (``cms.sitegroup.visibility.hidden_paths``) are cached, never stale.

Every API request needs the list of subtrees the public may not see; it is kept
in the Django cache until the page tree changes. An unpublish, a view
restriction or a confidentiality change shows on the very next request, as a
visitor sees it: the page is gone from the API. With the API response cache
on (the real path) and off (only the hidden-subtree cache in play).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.api.conftest import add_article, column

pytestmark = pytest.mark.django_db

LISTING = "/api/v1/pages/?site=340123&limit=100"


@pytest.fixture(params=["response cache on", "response cache off"])
def api_cache(request, settings):
    settings.LIANXI_API_CACHE_ENABLED = request.param == "response cache on"


@pytest.fixture
def article(site_group):
    news = column(site_group["340123"], "news")
    return add_article(news, "watched", dt.date(2026, 11, 3), title="被观察的文章")


def listed(client) -> list[int]:
    response = client.get(LISTING)
    assert response.status_code == 200, response.content[:300]
    return [item["id"] for item in response.json()["results"]]


def detail(client, page) -> int:
    return client.get(f"/api/v1/pages/{page.pk}/?site=340123").status_code


@pytest.fixture
def admin_client(client, make_user):
    from django.test import Client

    admin = Client()
    admin.force_login(make_user("root", superuser=True))
    return admin


def test_unpublishing_a_column_in_the_admin_hides_its_pages_at_once(
    client, admin_client, article, api_cache
):
    news = article.get_parent()
    assert article.pk in listed(client) and detail(client, article) == 200
    assert article.pk in listed(client)  # a second request: the cached list
    # The admin's "unpublish" of the column alone, its pages left live.
    response = admin_client.post(f"/admin/pages/{news.pk}/unpublish/", {})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.live
    assert article.pk not in listed(client)
    assert detail(client, article) == 404


def test_a_view_restriction_in_the_admin_hides_its_pages_at_once(
    client, admin_client, article, api_cache
):
    news = article.get_parent()
    assert article.pk in listed(client) and article.pk in listed(client)
    response = admin_client.post(
        f"/admin/pages/{news.pk}/privacy/", {"restriction_type": "password", "password": "x1"}
    )
    assert response.status_code == 200
    assert PageViewRestriction.objects.filter(page_id=news.pk).exists()
    assert article.pk not in listed(client)
    assert detail(client, article) == 404
    # Lifting it (the same dialog, "public") shows the page again at once.
    response = admin_client.post(f"/admin/pages/{news.pk}/privacy/", {"restriction_type": "none"})
    assert response.status_code == 200
    assert not PageViewRestriction.objects.filter(page_id=news.pk).exists()
    assert article.pk in listed(client)
    assert detail(client, article) == 200


def test_a_column_marked_not_public_hides_its_pages_at_once(client, article, api_cache):
    news = article.get_parent().specific
    assert article.pk in listed(client) and article.pk in listed(client)
    news.confidentiality = "not_public"
    news.save()  # a whole save, as an import or a script does it
    assert article.pk not in listed(client)
    assert detail(client, article) == 404


def test_a_column_set_not_live_by_a_script_hides_its_pages_at_once(client, article, api_cache):
    news = article.get_parent().specific
    assert article.pk in listed(client) and article.pk in listed(client)
    news.live = False
    news.save()  # no unpublish(), no signal but post_save
    assert article.pk not in listed(client)
    assert detail(client, article) == 404


def test_the_hidden_subtrees_are_read_once_then_from_the_cache(client, article, no_api_cache):
    def restriction_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LISTING).status_code == 200
        # The hidden subtrees' one query: restricted pages UNION withheld pages.
        return sum(
            "wagtailcore_pageviewrestriction" in q["sql"] and "UNION" in q["sql"].upper()
            for q in ctx.captured_queries
        )

    assert restriction_queries() == 1
    assert restriction_queries() == 0
    assert restriction_queries() == 0
