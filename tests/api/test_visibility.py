"""One visibility rule on every public surface (``cms.sitegroup.visibility``).

A draft or not-public township column, a column unpublished without its
pages, or a site whose home page is not public: the content API, the plugin
routes, search, the site tree and document downloads all answer as if it did
not exist. Before one rule owned this, a draft township code answered 200 on
``/api/v1/deputies/`` and on search but 404 on ``/api/v1/pages/``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail.models import Page

from cms.content.models import TownshipPage
from tests.api.conftest import add_article, column

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]

TOWNSHIP = "340123100"
TOWNSHIP_URLS = [
    f"/api/v1/pages/?site={TOWNSHIP}",
    f"/api/v1/columns/?site={TOWNSHIP}",
    f"/api/v1/sites/{TOWNSHIP}/",
    f"/api/v1/deputies/?site={TOWNSHIP}",
    f"/api/v1/deputies/congresses/?site={TOWNSHIP}",
    f"/api/v1/deputies/stations/?site={TOWNSHIP}",
    f"/api/v1/search/?site={TOWNSHIP}&q=代表",
    f"/api/v1/search/suggest/?site={TOWNSHIP}&q=代",
]


def answers(client, urls) -> dict[str, tuple[int, str]]:
    result = {}
    for url in urls:
        response = client.get(url)
        result[url] = (response.status_code, response.json().get("type", "") if
                       response.status_code != 200 else "")  # fmt: skip
    return result


def test_a_public_township_code_answers_everywhere(client, site_group):
    assert {status for status, _type in answers(client, TOWNSHIP_URLS).values()} == {200}


@pytest.mark.parametrize("change", ["draft", "not_public"])
def test_a_hidden_township_code_is_the_same_404_everywhere(client, site_group, change):
    township = TownshipPage.objects.get(division_code=TOWNSHIP)
    if change == "draft":
        township.unpublish()
    else:
        township.confidentiality = "not_public"
        township.save()
    expected = (404, "urn:lianxi:problem:unknown-site")
    assert answers(client, TOWNSHIP_URLS) == dict.fromkeys(TOWNSHIP_URLS, expected)
    tree = client.get("/api/v1/sites/").json()
    assert TOWNSHIP not in str(tree)
    county = client.get("/api/v1/sites/340123/").json()
    assert TOWNSHIP not in [child["code"] for child in county["children"]]


def test_pages_under_a_column_unpublished_alone_are_hidden(client, site_group):
    news = column(site_group["340123"], "news")
    article = add_article(news, "left-live", dt.date(2026, 11, 2), title="栏目撤下后的文章")
    # Unpublishing the column alone (the admin's "unpublish" without its subpages).
    Page.objects.filter(pk=news.pk).update(live=False)
    assert client.get(f"/api/v1/pages/{article.pk}/?site=340123").status_code == 404
    listed = client.get("/api/v1/pages/?site=340123&limit=100").json()["results"]
    assert article.pk not in [item["id"] for item in listed]


def test_a_site_whose_home_page_is_not_public_is_an_unknown_site(client, site_group):
    home = site_group["340121"].site.root_page
    Page.objects.filter(pk=home.pk).update(live=False)
    for url in ("/api/v1/pages/?site=340121", "/api/v1/deputies/?site=340121",
                "/api/v1/sites/340121/", "/api/v1/search/?site=340121&q=代表"):  # fmt: skip
        response = client.get(url)
        assert (response.status_code, response.json()["type"]) == (
            404, "urn:lianxi:problem:unknown-site"
        ), url  # fmt: skip
    assert "340121" not in str(client.get("/api/v1/sites/").json())
