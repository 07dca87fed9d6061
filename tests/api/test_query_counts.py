"""No N+1: a listing costs the same queries for 5, 20 or 50 items (baselines committed).

``query_counts.json`` holds the ceiling for each request; a change that adds a
query per item fails here. Renditions are warmed first: a cold rendition is
created once, the first time an image is listed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import add_article, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]

BASELINES = json.loads((Path(__file__).parent / "query_counts.json").read_text())


@pytest.fixture
def many_articles(content):
    images = [make_image(f"图{i}", size=(400, 300)) for i in range(6)]
    start = dt.date(2025, 1, 1)
    for i in range(55):
        add_article(content.news, f"bulk-{i:03d}", start + dt.timedelta(days=i),
                    cover=images[i % len(images)])  # fmt: skip
    return content


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def test_page_list_queries_are_constant_in_page_size(client, many_articles):
    url = "/api/v1/pages/?site=340123&type=article&limit={}"
    count(client, url.format(100))  # warm: renditions, content types
    counts = {limit: count(client, url.format(limit)) for limit in (5, 20, 50)}
    print("query counts", counts)
    assert counts[5] == counts[20] == counts[50], counts
    assert counts[20] <= BASELINES["pages_list_limit_20"], counts
    assert counts[50] <= BASELINES["pages_list_limit_50"], counts


OTHER_ENDPOINTS = {
    "pages_list_mixed_types": "/api/v1/pages/?site=340123&limit=50",
    "pages_list_column": "/api/v1/pages/?site=340123&limit=50&column={news}",
    "pages_list_township": "/api/v1/pages/?site=340123100&limit=50",
    "page_detail": "/api/v1/pages/{rich}/?site=340123",
    "columns": "/api/v1/columns/?site=340123",
    "sites_tree": "/api/v1/sites/",
}


def test_other_endpoints_within_baseline(client, many_articles):
    measured = {}
    for key, url in OTHER_ENDPOINTS.items():
        url = url.format(news=many_articles.news.pk, rich=many_articles.rich.pk)
        count(client, url)  # warm
        measured[key] = count(client, url)
    print("query counts", measured)
    assert all(measured[key] <= BASELINES[key] for key in measured), measured
