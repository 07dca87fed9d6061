"""A performance regression guard that times nothing: exact query counts, committed.

``query_counts.json`` holds the number of SQL statements each request runs:

* the core's page listing at several page sizes (the same for 5, 20 or 50 items:
  no N+1) and a few core requests on the ``content`` fixture (top-level keys);
* ``routes``: **every public GET route of the API**, core and plugins, list and
  detail, on the small site group with each plugin's demo data. The routes are
  enumerated from the OpenAPI document the schema generator builds (an operation
  whose security allows an anonymous caller is public), and each is called with
  the URLs of its recorded examples (``cms.api.management.examples``, each
  plugin's ``examples.py``): the contract's own realistic requests. Routes for a
  logged-in user are measured too when their examples exist.

The comparison is ``==``: more statements is a regression to fix, fewer is an
improvement to record; either way the file changes in the same commit. After a
deliberate change, regenerate the file and review its diff::

    LIANXI_UPDATE_QUERY_BASELINES=1 .venv/bin/python -m pytest tests -k query_counts

on SQLite and again on PostgreSQL (``DATABASE_URL=postgresql://…``): a count that
differs between the engines is kept under ``@postgresql`` / ``routes@postgresql``
(``tests/api/query_baselines.py``). A new public route fails
here until it has a success example and a baseline (docs/plugins.md, "Query-count
baselines"). Renditions and content types are warmed first: each URL is requested
once, then counted.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.test import Client

from tests.api.conftest import add_article, make_image
from tests.api.query_baselines import HOW_TO_UPDATE, UPDATE, assert_exact, count, expected

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]


# --- the core's page listing on the content fixture --------------------------------------


@pytest.fixture
def many_articles(content):
    images = [make_image(f"图{i}", size=(400, 300)) for i in range(6)]
    start = dt.date(2025, 1, 1)
    for i in range(55):
        add_article(content.news, f"bulk-{i:03d}", start + dt.timedelta(days=i),
                    cover=images[i % len(images)])  # fmt: skip
    return content


PAGE_LIST = "/api/v1/pages/?site=340123&type=article&limit={}"

OTHER_ENDPOINTS = {
    "pages_list_mixed_types": "/api/v1/pages/?site=340123&limit=50",
    "pages_list_column": "/api/v1/pages/?site=340123&limit=50&column={news}",
    "pages_list_township": "/api/v1/pages/?site=340123100&limit=50",
    "page_detail": "/api/v1/pages/{rich}/?site=340123",
    "columns": "/api/v1/columns/?site=340123",
    "sites_tree": "/api/v1/sites/",
}


def test_core_requests_match_their_baselines(client, many_articles):
    """The page listing costs the same for 5, 20 or 50 items, and exactly its baseline."""
    counts, sql = {}, {}
    for limit in (5, 20, 50):
        counts[limit], sql[f"pages_list_limit_{limit}"] = count(client, PAGE_LIST.format(limit))
    assert counts[5] == counts[20] == counts[50], f"queries grow with the page size: {counts}"
    measured = {"pages_list_limit_20": counts[20], "pages_list_limit_50": counts[50]}
    for key, url in OTHER_ENDPOINTS.items():
        url = url.format(news=many_articles.news.pk, rich=many_articles.rich.pk)
        measured[key], sql[key] = count(client, url)
    print("query counts", measured)
    assert_exact(measured, "", sql)


# --- every public route, on the site group with the plugins' demo data --------------------


def public_get_operations(document: dict) -> dict[str, str]:
    """operationId → path of each GET operation an anonymous caller may use."""
    from cms.api.management.examples import operations

    return {
        op["operationId"]: path
        for method, path, op in operations(document)
        if method == "get" and {} in op.get("security", [{}])
    }


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(out, "JPEG")
    return out.getvalue()


def binary_examples(recorder, site_group) -> list:
    """Success calls of the routes whose answer is not JSON (no recorded example body):
    a deputy's QR code, a public upload."""
    from cms.moderation.models import Upload
    from cms.plugins.examples import SITE, Example, url
    from cms.services import uploads

    plan = []
    deputies = recorder.get_json(url("/api/v1/deputies/", site=SITE, limit=1))["results"]
    if deputies:
        ref = deputies[0]["id"]
        for kind in ("png", "svg"):
            plan.append(Example(f"liaison_deputies_qr_{kind}", f"liaison_deputies_qr_{kind}",
                                url(f"/api/v1/liaison/deputies/{ref}/qr.{kind}", site=SITE),
                                "在任代表的二维码"))  # fmt: skip
    upload = uploads.store(
        SimpleUploadedFile("photo.jpg", jpeg()), site=site_group[SITE].site, owner=None
    )
    Upload.objects.filter(pk=upload.pk).update(public=True)  # as a plugin publishes it
    plan.append(Example("uploads_retrieve", "uploads_retrieve",
                        f"/api/v1/uploads/{upload.token}/", "公开的附件"))  # fmt: skip
    return plan


@pytest.fixture
def demo_group(content, site_group, settings):
    """The test site group with pages, the core demo's accounts and units, each plugin's demo data
    on every site that has the plugin on, and the search index."""
    from cms.plugins.demo import load_plugin_demo
    from fixtures.demo import Stats, build_accounts, build_users

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LIANXI_DEMO_PASSWORD = "demo-pass-for-tests"
    build_users(site_group, Stats())  # the offices the plugins' demos publish as
    build_accounts(site_group, Stats())  # handling units, citizens
    load_plugin_demo()
    if "rebuild_search" in get_commands():
        call_command("rebuild_search", verbosity=0, stdout=io.StringIO())
    return content


def test_every_public_route_matches_its_baseline(demo_group, site_group):
    from django.contrib.auth import get_user_model
    from drf_spectacular.generators import SchemaGenerator
    from wagtail.models import APIToken

    from cms.api.management.examples import Recorder, operations

    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    client = Client(raise_request_exception=False)
    recorder = Recorder(client, document)
    editor = get_user_model().objects.get(username="feixi_editor")
    token = APIToken.create_token(user=editor, name="query counts")[1]
    plan = recorder.plan(token=token) + binary_examples(recorder, site_group)

    public = public_get_operations(document)
    measured, sql = {}, {}
    for example in plan:
        if example.expected_status != 200:
            continue
        measured[example.name], sql[example.name] = count(
            client, example.url, example.headers, nonempty=example.operation_id in public
        )
    print("query counts", measured)

    covered = {example.operation_id for example in plan if example.name in measured}
    uncovered = sorted(set(public) - covered)
    assert not uncovered, (
        "public GET routes without a measured success call: "
        + ", ".join(f"{op} ({public[op]})" for op in uncovered)
        + ".\nGive each a success example (a plugin's examples.py, see cms/plugins/examples.py;"
        " the core's cms/api/management/examples.py) or, for a non-JSON answer, a call in "
        "binary_examples() here; then record its baseline.\n" + HOW_TO_UPDATE
    )
    if not UPDATE:
        documented = {op.get("operationId") for _m, _p, op in operations(document)}
        stale = sorted(
            key
            for key in expected("routes")
            if key not in measured and key.split(".")[0] in documented
        )
        assert not stale, f"baselines of calls no longer made: {', '.join(stale)}.\n{HOW_TO_UPDATE}"
    assert_exact(measured, "routes", sql, prune=True)
