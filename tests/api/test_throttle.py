"""Throttling: every write and every search is rate limited; 429 is a problem with Retry-After."""

from __future__ import annotations

import os
from pathlib import Path

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


# --- client identity and the shared counters (issue: X-Forwarded-For bypass, per-process counts)


def test_a_forged_x_forwarded_for_does_not_buy_new_requests(client, rates):
    for n in range(2):
        response = client.post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        assert response.status_code == 201
    for forged in ("10.0.0.99", "1.2.3.4, 5.6.7.8", "garbage"):
        assert_throttled(client.post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR=forged))
    for n in range(2):
        search = client.get(f"/api/v1/test-search/?q={n}", HTTP_X_FORWARDED_FOR=f"9.9.9.{n}")
        assert search.status_code == 200
    assert_throttled(client.get("/api/v1/test-search/?q=x", HTTP_X_FORWARDED_FOR="9.9.9.9"))


def test_behind_trusted_proxies_the_client_is_the_address_they_add(client, rates, settings):
    settings.LIANXI_TRUSTED_PROXY_COUNT = 1  # one nginx in front: it appends the peer
    post = client.post
    for forged in ("6.6.6.6", "7.7.7.7"):  # the client's own entries are ignored
        header = f"{forged}, 203.0.113.5"
        assert post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR=header).status_code == 201
    assert_throttled(post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.5"))
    # Another client behind the same proxy has its own allowance.
    assert post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 201


def test_trusted_proxy_addresses(client, rates, settings):
    settings.LIANXI_TRUSTED_PROXIES = ["127.0.0.0/8", "10.1.0.0/16"]
    post = client.post
    via = {"REMOTE_ADDR": "127.0.0.1"}
    chain = "1.1.1.1, 198.51.100.7, 10.1.2.3"  # client → LB 10.1.2.3 → nginx (127.0.0.1)
    for _ in range(2):
        assert post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR=chain, **via).status_code == 201
    assert_throttled(
        post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR="2.2.2.2, 198.51.100.7", **via)
    )
    # A peer that is not a trusted proxy: its header is ignored, its own address counts.
    direct = {"REMOTE_ADDR": "198.51.100.99"}
    for forged in ("1.1.1.1", "3.3.3.3"):
        response = post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR=forged, **direct)
        assert response.status_code == 201
    assert_throttled(post("/api/v1/test-comments/", HTTP_X_FORWARDED_FOR="4.4.4.4", **direct))


def test_counters_live_in_the_shared_cache_every_worker_sees(client, rates, settings):
    """Local memory is one store per worker process: two workers allowed twice the rate.
    The counters are in the shared cache (a database table here, Redis with REDIS_URL)."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.core.cache.backends.locmem import LocMemCache

    assert settings.LIANXI_THROTTLE_CACHE == "shared"
    assert not isinstance(caches["shared"], LocMemCache)
    for _ in range(2):
        assert client.post("/api/v1/test-comments/").status_code == 201
    # What another worker process reads: a fresh connection to the same store.
    other_worker = DatabaseCache("lianxi_shared_cache", {})
    assert other_worker.get("throttle_anon_write_127.0.0.1") is not None
    caches["default"].clear()  # this process's local memory does not hold the count
    assert_throttled(client.post("/api/v1/test-comments/"))


def test_with_redis_the_shared_cache_is_redis(monkeypatch):
    import runpy

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    namespace = runpy.run_path(str(Path(__file__).resolve().parents[2] / "cms" / "settings.py"))
    assert namespace["CACHES"]["shared"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert namespace["CACHES"]["shared"]["BACKEND"] == "cms.services.cache.ResilientRedisCache"


@pytest.fixture
def redis_shared(settings):
    """The shared cache in Redis (this worker's own test database), as REDIS_URL sets it."""
    import redis

    from tests.redis_db import redis_test_url

    location = redis_test_url("REDIS_URL")
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        print(f"Redis not reachable at {location}: {exc}")
        pytest.skip(f"Redis not reachable at {location}: {exc}")
    backend = {
        "BACKEND": "cms.services.cache.ResilientRedisCache",
        "LOCATION": location,
        "KEY_PREFIX": "lianxi-throttle-test",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
    settings.CACHES = {**settings.CACHES, "shared": backend}
    from django.core.cache import caches

    caches["shared"].clear()
    yield caches["shared"]
    caches["shared"].clear()


def test_in_redis_the_count_is_atomic_across_concurrent_requests(client, rates, redis_shared):
    """DRF's get-then-set lets two requests at once both see "one left": the count in
    Redis is one script, so twelve concurrent writes from one address let exactly two in."""
    import threading

    from django.test import Client

    answers, lock = [], threading.Lock()
    start = threading.Barrier(12)

    def post():
        start.wait()
        status = Client().post("/api/v1/test-comments/").status_code
        with lock:
            answers.append(status)

    threads = [threading.Thread(target=post) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [201, 201] + [429] * 10
    response = client.post("/api/v1/test-comments/")
    assert_throttled(response)
    assert 0 < int(response["Retry-After"]) <= 60  # the oldest of the two leaves the window
    client_redis = redis_shared.client.get_client()
    assert client_redis.zcard(redis_shared.make_key("throttle_anon_write_127.0.0.1:w")) == 2


def test_while_redis_is_down_writes_are_not_refused(client, rates, settings):
    """An unreachable Redis counts nothing (every request allowed) and answers no 500."""
    settings.CACHES = {**settings.CACHES, "shared": {
        "BACKEND": "cms.services.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 0.2},
    }}  # fmt: skip
    for _ in range(4):
        assert client.post("/api/v1/test-comments/").status_code == 201
