"""Throttling: every write and every search is rate limited; 429 is a problem with Retry-After."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import Permission

from cms.plugins.registry import set_enabled

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.throttle_urls")]

PROBLEM = "application/problem+json"


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon_write": "2/min",
            "user_write": "3/min",
            "search": "2/min",
            "search_user": "4/min",
        },
    }


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["type"] == "urn:lianxi:problem:throttled"
    assert int(response["Retry-After"]) > 0


def test_anonymous_writes_are_throttled_and_reads_are_not(client, rates):
    for _ in range(2):
        assert client.post("/api/v1/test-comments/").status_code == 201
    assert_throttled(client.post("/api/v1/test-comments/"))
    for _ in range(5):
        assert client.get("/api/v1/test-comments/").status_code == 200


def test_staff_writes_on_a_plugin_route_are_throttled_per_user(
    client, site_group, make_user, rates
):
    profile = site_group["340100"]
    set_enabled("example", profile, True)
    staff = make_user("writer", profile.editors_group)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="example", codename="add_entry")
    )
    client.force_login(staff)
    url = "/api/v1/example/entries/?site=340100"
    for i in range(3):
        assert client.post(url, {"title": f"条目{i}"}).status_code == 201
    assert_throttled(client.post(url, {"title": "再来一条"}))
    assert client.get(url).status_code == 200  # reading is not a write

    other = make_user("other-writer", profile.editors_group)
    other.user_permissions.add(*staff.user_permissions.all())
    client.force_login(other)
    assert client.post(url, {"title": "另一个人"}).status_code == 201


def test_search_is_throttled_for_anonymous_clients(client, rates):
    for q in ("代表", "建议"):
        assert client.get(f"/api/v1/test-search/?q={q}").status_code == 200
    assert_throttled(client.get("/api/v1/test-search/?q=议案"))


def test_search_has_a_higher_rate_for_token_holders(client, site_group, make_user, rates):
    from wagtail.models import APIToken

    _token, key = APIToken.create_token(user=make_user("deputy"), name="app")
    headers = {"Authorization": f"Token {key}"}
    for i in range(4):
        assert client.get(f"/api/v1/test-search/?q={i}", headers=headers).status_code == 200
    assert_throttled(client.get("/api/v1/test-search/?q=x", headers=headers))


@pytest.mark.skipif(bool(os.environ.get("LIANXI_THROTTLE_RATES")), reason="rates overridden")
def test_default_rates():
    from django.conf import settings

    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["anon_write"] == "20/min" and rates["search"] == "60/min"
