"""Errors are application/problem+json (RFC 9457) with stable codes and field errors."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.api.urls import CORE_ROUTES, check_plugin_labels

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]


def problem(client, url, params=None, status=400):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    raw = response.content.decode()
    assert "\\u" not in raw and '": ' not in raw
    return json.loads(raw)


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"limit": "0"}, "limit", "min_value"),
        ({"limit": "101"}, "limit", "max_value"),
        ({"limit": "x"}, "limit", "invalid"),
        ({"offset": "-1"}, "offset", "min_value"),
        ({"date_after": "2026-13-01"}, "date_after", "invalid"),
        ({"date_after": "2026-10-02", "date_before": "2026-10-01"}, "date_before", "invalid"),
        ({"type": "blog"}, "type", "unknown"),
        ({"ordering": "-popularity"}, "ordering", "unknown"),
        ({"fields": "title,secret"}, "fields", "unknown"),
        ({"column": "999999"}, "column", "unknown"),
    ],
)
def test_bad_parameters_are_field_errors(client, site_group, params, field, code):
    data = problem(client, "/api/v1/pages/", {"site": "340123", **params})
    assert data["type"] == "urn:lianxi:problem:invalid-parameters"
    assert data["status"] == 400 and data["title"] == "请求参数有误"
    assert {"field": field, "code": code} == {k: data["errors"][0][k] for k in ("field", "code")}
    assert data["errors"][0]["detail"]


def test_every_bad_parameter_is_reported_at_once(client, site_group):
    data = problem(client, "/api/v1/pages/", {"site": "340123", "limit": "x", "type": "blog"})
    assert {e["field"] for e in data["errors"]} == {"limit", "type"}


@pytest.mark.parametrize("url", ["/api/v1/pages/", "/api/v1/columns/", "/api/v1/pages/1/"])
def test_site_is_required(client, site_group, url):
    assert problem(client, url)["type"] == "urn:lianxi:problem:site-required"


@pytest.mark.parametrize("code", ["999999", "340199", "340123999", "abc", "34012"])
def test_unknown_site_is_a_404_problem(client, site_group, code):
    data = problem(client, "/api/v1/pages/", {"site": code}, status=404)
    assert data["type"] == "urn:lianxi:problem:unknown-site" and data["site"] == code
    assert problem(client, f"/api/v1/sites/{code}/", status=404)["title"] == "站点不存在"


def test_unknown_api_path_and_method(client, site_group):
    assert problem(client, "/api/v1/nothing-here/", status=404)["type"].endswith("not-found")
    response = client.post("/api/v1/pages/?site=340123")
    assert response.status_code in (403, 405)
    assert response["Content-Type"].startswith("application/problem+json")


def test_plugin_labels_may_not_shadow_core_routes():
    check_plugin_labels(["example", "deputies"])
    for label in ("sites", "pages", "columns", "search", "schema", "docs"):
        assert label in CORE_ROUTES
        with pytest.raises(ImproperlyConfigured, match=label):
            check_plugin_labels(["example", label])


def test_exception_handler_covers_drf_exceptions():
    from rest_framework import exceptions

    from cms.api.conventions import problem_exception_handler

    throttled = problem_exception_handler(exceptions.Throttled(wait=12), {})
    assert throttled.status_code == 429 and throttled["Retry-After"] == "12"
    body = json.loads(throttled.content)
    assert body["type"] == "urn:lianxi:problem:throttled" and body["title"] == "请求过于频繁"
    denied = json.loads(problem_exception_handler(exceptions.PermissionDenied(), {}).content)
    assert denied["type"] == "urn:lianxi:problem:permission-denied" and denied["status"] == 403
    parse = json.loads(problem_exception_handler(exceptions.ParseError(), {}).content)
    assert parse["type"] == "urn:lianxi:problem:parse-error" and parse["status"] == 400
    nested = exceptions.ValidationError({"items": [{"title": ["必填"]}]})
    errors = json.loads(problem_exception_handler(nested, {}).content)["errors"]
    assert errors == [{"field": "items[0].title", "code": "invalid", "detail": "必填"}]
    assert problem_exception_handler(RuntimeError("boom"), {}) is None


def test_api_server_error_is_a_problem(rf):
    from cms.api.conventions import handler500

    response = handler500(rf.get("/api/v1/pages/"))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/problem+json")
