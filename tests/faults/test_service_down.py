"""One backing service down must not take the site down with it.

Each fault is a closed local port (nothing listens there), or a closed
database connection: Redis down → the cache degrades to no cache (a log line,
a health flag), no 500 on the API or the admin; Elasticsearch down → search
answers 503 problem+json (or falls back to the embedded engine when
configured) and publishing, unpublishing, saving revisions and importing
succeed, their index updates queued and replayed once the server answers; a
PostgreSQL restart under persistent connections costs a reconnect, not a 500.
"""

from __future__ import annotations

import io
import json
import logging
import socket
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cms.services import health
from search import outbox
from search.backends import EngineUnavailable, _engine
from search.backends.embedded import EmbeddedEngine
from search.models import PendingIndexUpdate, SearchEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_port():
    """A local port nothing listens on (bound for a moment by us, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def fresh_flags():
    health._down.clear()
    outbox._state.update(checked_at=0.0, queued_here=False, replaying=False)
    _engine.cache_clear()
    yield
    health._down.clear()
    _engine.cache_clear()


# --- Redis ------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings, closed_port):
    cache = {
        "BACKEND": "cms.services.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port}/3",
        "KEY_PREFIX": "lianxi-hardening-test",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
    settings.CACHES = {"default": cache, "shared": cache}
    settings.LIANXI_CACHE_RETRY_SECONDS = 0  # try Redis on every call: the worst case


def test_redis_down_the_api_and_the_admin_still_answer(
    client, site_group, make_user, redis_down, caplog, publish
):
    page = publish("340123", "县人大常委会会议召开")
    caplog.set_level(logging.WARNING, logger="lianxi.cache")
    for _ in range(2):  # the second time as well: nothing was cached, nothing breaks
        for url in (
            "/api/v1/sites/",
            "/api/v1/columns/?site=340123",
            "/api/v1/pages/?site=340123",
            f"/api/v1/pages/{page.pk}/?site=340123",
        ):
            response = client.get(url)
            assert response.status_code == 200, (url, response.content[:200])
            assert response.get("X-Lianxi-Cache") != "hit"
    client.force_login(make_user("root", superuser=True))
    site_id = site_group["340123"].site_id
    for url in (
        "/admin/",
        f"/admin/pages/{page.get_parent().pk}/",
        f"/admin/pages/{page.pk}/edit/",
        f"/admin/settings/portal/portalsettings/{site_id}/",
        "/admin/deputies/person/",
    ):
        assert client.get(url).status_code == 200, url
    logged = [r for r in caplog.records if "Redis cache unreachable" in r.getMessage()]
    assert len(logged) == 1  # once, not once per request
    client.logout()
    assert client.get("/healthz").json() == {"status": "degraded", "down": ["cache"]}


def test_redis_down_the_hidden_subtrees_come_from_the_database(
    client, site_group, redis_down, publish
):
    page = publish("340123", "县人大常委会会议召开")
    listing = "/api/v1/pages/?site=340123"
    assert page.pk in [item["id"] for item in client.get(listing).json()["results"]]
    page.get_parent().specific.unpublish()  # its column: the page under it is hidden
    assert page.pk not in [item["id"] for item in client.get(listing).json()["results"]]
    assert client.get(f"/api/v1/pages/{page.pk}/?site=340123").status_code == 404


def test_redis_down_writes_and_throttles_do_not_fail(client, site_group, redis_down):
    from django.core.cache import caches

    assert caches["shared"].get("x") is None
    assert caches["shared"].set("x", 1) is False
    assert caches["shared"].get_or_set("y", lambda: 5) == 5
    with pytest.raises(ValueError):
        caches["shared"].incr("x")
    # A throttled route (search) answers instead of failing on the throttle's cache.
    response = client.get("/api/v1/search/", {"q": "代表", "site": "340100"})
    assert response.status_code == 200


def test_the_health_flag_is_ok_when_nothing_is_down(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert "no-cache" in client.get("/healthz")["Cache-Control"]


# --- Elasticsearch -------------------------------------------------------------------------


@pytest.fixture
def es_down(settings, closed_port):
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port}"
    settings.LIANXI_SEARCH_ES_PREFIX = "lianxi-hardening-test"
    settings.LIANXI_SEARCH_RETRY_SECONDS = 0
    _engine.cache_clear()


def test_search_down_answers_503_problem_documents(client, site_group, make_user, es_down):
    for path in ("/api/v1/search/", "/api/v1/search/suggest/"):
        response = client.get(path, {"q": "代表", "site": "340100"})
        assert response.status_code == 503, response.content
        assert response["Content-Type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["type"] == "urn:lianxi:problem:search-unavailable"
        assert problem["title"] == "搜索服务暂不可用" and problem["status"] == 503
        assert int(response["Retry-After"]) > 0
    assert client.get("/healthz").json() == {"status": "degraded", "down": ["search"]}
    client.force_login(make_user("root", superuser=True))
    admin = client.get("/admin/site-search/", {"q": "代表"})
    assert admin.status_code == 200 and "搜索服务暂时无法连接" in admin.content.decode()


def test_search_down_falls_back_to_the_embedded_engine_where_configured(
    client, site_group, es_down, settings, publish
):
    settings.LIANXI_SEARCH_FALLBACK = "embedded"
    publish("340100", "合肥市人大代表建议办理情况公开", "代表建议")
    response = client.get("/api/v1/search/", {"q": "代表建议", "site": "340100"})
    assert response.status_code == 200
    assert [r["title"] for r in response.json()["results"]] == ["合肥市人大代表建议办理情况公开"]
    assert PendingIndexUpdate.objects.exists()  # Elasticsearch gets it when it is back


def test_publishing_revisions_unpublishing_and_imports_never_depend_on_search(
    site_group, es_down, publish, tmp_path
):
    page = publish("340123", "县人大常委会第十次会议召开", "会议审议了报告")
    assert page.live
    page.title = "县人大常委会第十次会议闭幕"
    page.save_revision()  # a saved revision
    page.get_latest_revision().publish()
    page.refresh_from_db()
    assert page.title == "县人大常委会第十次会议闭幕"
    page.unpublish()
    page.refresh_from_db()
    assert not page.live

    # An import of old content publishes its articles; no traceback, a normal report.
    line = {
        "column": "news", "title": "旧站文章", "body_html": "<p>正文</p>",
        "published_at": "2023-05-01T08:00:00+08:00", "source_url": "http://old.example.cn/1",
    }  # fmt: skip
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_site_content", str(path), "--site", "340123", stdout=out)
    assert "新建 1" in out.getvalue() or "1" in out.getvalue()

    queued = list(PendingIndexUpdate.objects.values_list("op", flat=True))
    assert "page" in queued and len(queued) >= 4
    assert health.is_down("search")
    with pytest.raises(CommandError, match="still unavailable"):
        call_command("replay_search_outbox", stdout=io.StringIO())
    assert PendingIndexUpdate.objects.count() == len(queued)  # nothing lost
    with pytest.raises(CommandError, match="unavailable"):
        call_command("rebuild_search", "--no-progress", stdout=io.StringIO())


class ComingBack(EmbeddedEngine):
    """The embedded engine playing a search server that is down, then back."""

    name = "flaky"
    down = True

    def upsert(self, entries):
        if self.down:
            raise EngineUnavailable("connection refused")
        return super().upsert(entries)

    def delete(self, keys):
        if self.down:
            raise EngineUnavailable("connection refused")
        return super().delete(keys)


@pytest.fixture
def flaky(monkeypatch):
    engine = ComingBack()
    monkeypatch.setattr("search.indexing.get_engine", lambda: engine)
    return engine


def test_queued_updates_are_replayed_when_the_server_returns(
    client, site_group, flaky, publish, django_capture_on_commit_callbacks
):
    kept = publish("340100", "代表视察农田水利", "视察")
    dropped = publish("340100", "代表座谈会", "座谈")
    dropped.unpublish()
    assert not SearchEntry.objects.filter(object_id__in=[kept.pk, dropped.pk]).exists()
    assert PendingIndexUpdate.objects.count() >= 3

    flaky.down = False
    out = io.StringIO()
    call_command("replay_search_outbox", stdout=out)
    assert "remain" in out.getvalue() and PendingIndexUpdate.objects.count() == 0
    assert list(SearchEntry.objects.values_list("object_id", flat=True)) == [kept.pk]
    found = client.get("/api/v1/search/", {"q": "代表", "site": "340100"}).json()
    assert [r["title"] for r in found["results"]] == ["代表视察农田水利"]

    # Opportunistically too: the next successful index write replays what is queued.
    flaky.down = True
    late = publish("340100", "代表培训班开班", "培训")
    flaky.down = False
    with django_capture_on_commit_callbacks(execute=True):
        publish("340100", "代表活动日", "活动")
    assert PendingIndexUpdate.objects.count() == 0
    assert SearchEntry.objects.filter(object_id=late.pk).exists()


def test_plugin_records_queue_too(site_group, flaky):
    from search.indexing import sync_records
    from search.registry import get_providers

    provider = get_providers()[0]  # the deputies plugin's records

    assert sync_records(provider, [1, 2, 3]) == {"upserted": 0, "dropped": 0, "queued": 3}
    row = PendingIndexUpdate.objects.get()
    assert (row.op, row.provider, row.object_ids) == ("record", provider.kind, [1, 2, 3])


# --- PostgreSQL restart --------------------------------------------------------------------


def _wsgi_get(path: str) -> int:
    """A request through the real WSGI handler (connection handling signals included)."""
    from django.core.handlers.wsgi import WSGIHandler

    path, _, query = path.partition("?")
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "QUERY_STRING": query}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    environ["wsgi.errors"] = io.StringIO()
    status = []
    body = WSGIHandler()(environ, lambda s, h, *a: status.append(s))
    b"".join(body)
    getattr(body, "close", lambda: None)()
    return int(status[0].split()[0])


def test_database_connections_are_health_checked_before_reuse(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a server restart needs a server")
def test_a_database_restart_costs_a_reconnect_not_a_500(site_group, settings):
    import psycopg

    settings.LIANXI_API_CACHE_ENABLED = False  # every request reads the database

    original = dict(connection.settings_dict)
    connection.settings_dict.update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
    connection.close()
    try:
        assert _wsgi_get("/api/v1/sites/") == 200
        pid = connection.connection.info.backend_pid  # kept open: a persistent connection
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as admin:  # "the server restarts"
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert _wsgi_get("/api/v1/pages/?site=340123") == 200
        assert connection.connection.info.backend_pid != pid
        assert _wsgi_get("/healthz") == 200
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(original)
        connection.close()


def test_the_scheduler_replays_the_outbox_every_minute(site_group, flaky, publish):
    from cms.services.schedule import get_sweeps

    sweeps = {s.name: s for s in get_sweeps()}
    assert sweeps["search.replay_outbox"].every.total_seconds() == 60
    assert "content.cleanup_media_files" in sweeps
    publish("340100", "代表联络站接待日", "接待")
    assert PendingIndexUpdate.objects.exists()
    flaky.down = False
    result = sweeps["search.replay_outbox"].task.call()
    assert result["remaining"] == 0 and not PendingIndexUpdate.objects.exists()
    assert sweeps["content.cleanup_media_files"].task.call() == 0
