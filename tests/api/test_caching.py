"""A mini-program reading the public API: cache headers, 304, the server-side cache, invalidation."""

from __future__ import annotations

import datetime
import os

import pytest
from django.contrib.auth.models import Permission
from wagtail.models import Page

from cms.api.caching import CACHE_HEADER
from cms.content.models import ArticlePage, ColumnPage
from cms.plugins.registry import set_enabled
from tests.redis_db import redis_test_url

pytestmark = pytest.mark.django_db


def pages_url(code: str) -> str:
    return f"/api/v1/pages/?site={code}"


def column_of(profile) -> ColumnPage:
    return ColumnPage.objects.child_of(profile.site.root_page).live().order_by("path").first()


def publish_article(parent, title: str) -> ArticlePage:
    slug = f"a{ArticlePage.objects.count() + 1}-{abs(hash(title)) % 10**6}"
    article = ArticlePage(title=title, slug=slug, date=datetime.date(2026, 11, 1), live=False)
    parent.add_child(instance=article)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def titles(response) -> list[str]:
    data = response.json()
    items = data["results"] if isinstance(data, dict) and "results" in data else data
    return [item["title"] for item in items]


def assert_hit(client, url, django_assert_num_queries, **headers):
    with django_assert_num_queries(0):
        response = client.get(url, headers=headers)
    assert response[CACHE_HEADER] == "hit"
    return response


# --- headers and 304 -------------------------------------------------------------


def test_public_get_has_etag_cache_control_and_vary(client, site_group):
    response = client.get(pages_url("340123"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert {"accept", "accept-language", "authorization", "origin"} <= vary


def test_if_none_match_answers_304_on_miss_and_hit(client, site_group):
    first = client.get(pages_url("340123"))
    etag = first["ETag"]
    for _ in range(2):  # the second request is a cache hit
        response = client.get(pages_url("340123"), headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Cache-Control"].startswith("public")
    assert client.get(pages_url("340123"), headers={"If-None-Match": '"stale"'}).status_code == 200


def test_cache_hit_serves_identical_bytes_and_headers_without_queries(
    client, site_group, django_assert_num_queries
):
    first = client.get(pages_url("340123"))
    assert first[CACHE_HEADER] == "miss"
    hit = assert_hit(client, pages_url("340123"), django_assert_num_queries)
    assert hit.content == first.content
    for name in ("ETag", "Cache-Control", "Vary", "Content-Type"):
        assert hit[name] == first[name]


def test_query_order_does_not_matter_but_values_do(client, site_group, django_assert_num_queries):
    client.get("/api/v1/pages/?site=340123&page_size=5")
    assert_hit(client, "/api/v1/pages/?page_size=5&site=340123", django_assert_num_queries)
    assert client.get("/api/v1/pages/?site=340123&page_size=6")[CACHE_HEADER] == "miss"


def test_plugin_routes_are_cached_too(client, site_group, django_assert_num_queries):
    url = "/api/v1/example/entries/?site=340100"
    set_enabled("example", site_group["340100"], True)
    assert client.get(url).status_code == 200
    assert_hit(client, url, django_assert_num_queries)


def test_errors_of_bad_parameters_are_not_cached(client, site_group):
    for _ in range(2):
        response = client.get("/api/v1/pages/")  # no ?site=
        assert response.status_code == 400
        assert CACHE_HEADER not in response
        assert response["Cache-Control"] == "no-cache"


def test_not_found_is_cached_briefly_and_forgotten_when_the_site_appears(
    client, site_group, django_assert_num_queries
):
    url = pages_url("349999")
    assert client.get(url).status_code == 404
    assert client.get(url)["Cache-Control"] == "public, max-age=10"
    assert_hit(client, url, django_assert_num_queries)


# --- invalidation ---------------------------------------------------------------


def test_publish_invalidates_that_sites_list_and_not_another_sites(
    client, site_group, django_assert_num_queries
):
    client.get(pages_url("340123"))
    client.get(pages_url("340121"))
    publish_article(column_of(site_group["340123"]), "肥西县人大常委会召开会议")

    response = client.get(pages_url("340123"))
    assert response[CACHE_HEADER] == "miss"
    assert "肥西县人大常委会召开会议" in titles(response)
    assert_hit(client, pages_url("340121"), django_assert_num_queries)


def test_publish_invalidates_the_site_tree_and_township_codes(client, site_group):
    client.get("/api/v1/sites/")
    client.get(pages_url("340123100"))
    publish_article(column_of(site_group["340123"]), "新文章")
    assert client.get("/api/v1/sites/")[CACHE_HEADER] == "miss"
    assert client.get(pages_url("340123100"))[CACHE_HEADER] == "miss"


def test_unpublish_invalidates(client, site_group):
    article = publish_article(column_of(site_group["340123"]), "将撤下的文章")
    assert "将撤下的文章" in titles(client.get(pages_url("340123")))
    detail = f"/api/v1/pages/{article.pk}/?site=340123"
    assert client.get(detail).status_code == 200

    article.unpublish()
    assert "将撤下的文章" not in titles(client.get(pages_url("340123")))
    assert client.get(detail).status_code == 404


def test_delete_invalidates(client, site_group):
    article = publish_article(column_of(site_group["340123"]), "将删除的文章")
    assert "将删除的文章" in titles(client.get(pages_url("340123")))
    article.delete()
    assert "将删除的文章" not in titles(client.get(pages_url("340123")))


def test_move_to_another_site_invalidates_both(client, site_group):
    article = publish_article(column_of(site_group["340123"]), "迁移的文章")
    assert "迁移的文章" in titles(client.get(pages_url("340123")))
    assert "迁移的文章" not in titles(client.get(pages_url("340121")))

    Page.objects.get(pk=article.pk).move(column_of(site_group["340121"]), pos="last-child")
    assert "迁移的文章" not in titles(client.get(pages_url("340123")))
    assert "迁移的文章" in titles(client.get(pages_url("340121")))


def test_site_profile_change_invalidates_everything(client, site_group):
    client.get("/api/v1/sites/340123/")
    profile = site_group["340123"]
    profile.name = "肥西县人民代表大会常务委员会"
    profile.save()
    response = client.get("/api/v1/sites/340123/")
    assert response[CACHE_HEADER] == "miss"
    assert "肥西县人民代表大会常务委员会" in response.content.decode()


def test_plugin_switch_invalidates_the_site(client, site_group):
    url = "/api/v1/example/entries/?site=340100"
    set_enabled("example", site_group["340100"], True)
    assert client.get(url).status_code == 200
    set_enabled("example", site_group["340100"], False)
    assert client.get(url).status_code == 404


def test_an_api_write_invalidates_the_sites_cached_reads(client, site_group, make_user):
    profile = site_group["340100"]
    set_enabled("example", profile, True)
    url = "/api/v1/example/entries/?site=340100"
    assert client.get(url).json() == [] or titles(client.get(url)) == []

    staff = make_user("entry-writer", profile.editors_group)
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="example", codename="add_entry")
    )
    writer = client_class_for(client)
    writer.force_login(staff)
    assert writer.post(url, {"title": "新条目"}).status_code == 201
    assert titles(client.get(url)) == ["新条目"]


def client_class_for(client):
    return type(client)()


# --- credentials ----------------------------------------------------------------


def test_requests_with_credentials_are_private_and_never_cached(client, site_group, make_user):
    user = make_user("logged-in")
    client.force_login(user)
    for _ in range(2):
        response = client.get(pages_url("340123"))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
        assert CACHE_HEADER not in response
    # ...and they do not fill the cache for anonymous readers either.
    anonymous = client_class_for(client)
    assert anonymous.get(pages_url("340123"))[CACHE_HEADER] == "miss"


def test_an_authorization_header_bypasses_the_cache(client, site_group):
    client.get(pages_url("340123"))
    response = client.get(pages_url("340123"), headers={"Authorization": "Token nonsense"})
    assert response.status_code == 401
    assert response["Cache-Control"] == "private, no-store"


# --- Redis ------------------------------------------------------------------------


def redis_location() -> str:
    return redis_test_url("REDIS_URL")


@pytest.fixture
def redis_cache(settings):
    try:
        import redis

        redis.Redis.from_url(redis_location(), socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        message = f"Redis not reachable at {redis_location()}: {exc}"
        print(message)
        pytest.skip(message)
    redis = {
        "BACKEND": "cms.services.cache.ResilientRedisCache",  # what REDIS_URL selects
        "LOCATION": redis_location(),
        "KEY_PREFIX": "lianxi-test",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
    settings.CACHES = {"default": redis, "shared": redis}
    from django.core.cache import caches

    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_redis_backend_serves_hits_and_invalidates(
    client, site_group, redis_cache, django_assert_num_queries
):
    assert "Redis" in type(redis_cache).__name__
    first = client.get(pages_url("340123"))
    hit = assert_hit(client, pages_url("340123"), django_assert_num_queries)
    assert hit.content == first.content
    publish_article(column_of(site_group["340123"]), "缓存在Redis中")
    assert "缓存在Redis中" in titles(client.get(pages_url("340123")))


# --- writes from the command line and from other processes ------------------------


def test_a_change_announced_by_another_process_empties_this_processes_cache(
    client, site_group, settings, tmp_path, django_assert_num_queries
):
    # With the local-memory cache each process caches for itself; a command run
    # beside the server (or another worker) announces its writes in a file.
    settings.LIANXI_API_CACHE_EPOCH_FILE = str(tmp_path / "epoch")
    client.get(pages_url("340123"))
    client.get(pages_url("340123"))
    assert_hit(client, pages_url("340123"), django_assert_num_queries)
    (tmp_path / "epoch").write_text("written-by-a-command", encoding="ascii")
    assert client.get(pages_url("340123"))[CACHE_HEADER] == "miss"
    assert_hit(client, pages_url("340123"), django_assert_num_queries)


def test_invalidating_announces_the_change_to_other_processes(client, site_group, settings,
                                                              tmp_path):  # fmt: skip
    epoch = tmp_path / "epoch"
    settings.LIANXI_API_CACHE_EPOCH_FILE = str(epoch)
    publish_article(column_of(site_group["340123"]), "写给其他进程")
    first = epoch.read_text(encoding="ascii")
    publish_article(column_of(site_group["340121"]), "再写一次")
    assert first and epoch.read_text(encoding="ascii") != first


def test_import_site_content_invalidates_the_sites_cached_lists(client, site_group):
    from django.core.management import call_command

    from tests.importer.test_import_site_content import SAMPLE

    client.get(pages_url("340123"))
    assert client.get(pages_url("340123"))[CACHE_HEADER] == "hit"
    call_command(
        "import_site_content", str(SAMPLE), "--site", "340123", stdout=open(os.devnull, "w")
    )
    after = client.get(pages_url("340123") + "&limit=100")
    assert client.get(pages_url("340123"))[CACHE_HEADER] == "miss"
    assert after.json()["count"] > 0


def test_rebuild_search_invalidates_cached_searches(client, site_group):
    from django.core.management import call_command

    article = publish_article(column_of(site_group["340123"]), "原来的标题")
    url = "/api/v1/search/?site=340123&q=标题"
    assert [h["title"] for h in client.get(url).json()["results"]] == ["原来的标题"]
    assert client.get(url)[CACHE_HEADER] == "hit"
    # A write that sends no signal (a script, raw SQL), then the rebuild.
    ArticlePage.objects.filter(pk=article.pk).update(title="重建后的标题")
    Page.objects.filter(pk=article.pk).update(title="重建后的标题")
    call_command("rebuild_search", verbosity=0)
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert [h["title"] for h in response.json()["results"]] == ["重建后的标题"]


def test_load_plugin_demo_invalidates_the_plugins_cached_answers(client, site_group):
    from django.core.management import call_command

    url = "/api/v1/deputies/congresses/?site=340123"
    before = client.get(url).json()
    assert client.get(url)[CACHE_HEADER] == "hit"
    call_command("load_plugin_demo", stdout=open(os.devnull, "w"))
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    terms = sum(len(c["terms"]) for c in response.json()["results"])
    assert terms > sum(len(c["terms"]) for c in before["results"])


def test_user_submissions_leave_the_sites_cached_public_answers_alone(
    client, site_group, django_assert_num_queries
):
    """A citizen's 找错 report, its upload, the moderation queue and the inbox are never in
    a public answer: writing them keeps the site's cache; a record the public sees
    (a handling unit of the site) still empties it."""
    from django.test import Client

    from cms.accounts.models import HandlingUnit
    from cms.feedback.models import Feedback
    from cms.moderation.models import ModerationItem
    from cms.services import accounts

    profile = site_group["340123"]
    url = pages_url("340123")
    assert client.get(url)[CACHE_HEADER] == "miss"
    assert_hit(client, url, django_assert_num_queries)

    user = accounts.citizen_account("13912340000").user
    token = accounts.issue_tokens(user, device_id="cache-test").access_token
    phone = Client()  # the citizen's mini-program, not the reader whose answers are cached
    response = phone.post(
        "/api/v1/feedback/?site=340123", {"category": "typo", "description": "有错别字"},
        content_type="application/json", headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert Feedback.objects.filter(site=profile.site).count() == 1
    assert not ModerationItem.objects.exists()
    assert_hit(client, url, django_assert_num_queries)

    HandlingUnit.objects.create(site=profile.site, name="县交通运输局")
    assert client.get(url)[CACHE_HEADER] == "miss"
