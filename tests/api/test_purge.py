"""Publishing sends the API URLs it changed to the CDN purge backend."""

from __future__ import annotations

import datetime

import pytest
from wagtail.models import Page

from cms.content.models import ArticlePage, ColumnPage

pytestmark = pytest.mark.django_db

BASE = "https://api.example.gov.cn"


@pytest.fixture
def purged(settings):
    from tests.api.frontend_cache_backend import PURGED

    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "tests.api.frontend_cache_backend.RecordingBackend"}
    }
    settings.LIANXI_API_PUBLIC_URL = BASE
    PURGED.clear()
    yield PURGED
    PURGED.clear()


def api_urls(purged) -> set[str]:
    return {url for url in purged if "/api/v1/" in url}


def column_of(profile) -> ColumnPage:
    return ColumnPage.objects.child_of(profile.site.root_page).live().order_by("path").first()


def make_article(parent, slug="purge-me") -> ArticlePage:
    article = ArticlePage(title="待清除", slug=slug, date=datetime.date(2026, 11, 2), live=False)
    parent.add_child(instance=article)
    return article


def expected(page_id: int, code: str, path: str) -> set[str]:
    return {
        f"{BASE}/api/v1/pages/{page_id}/?site={code}",
        f"{BASE}/api/v1/pages/find/?site={code}&path={path.replace('/', '%2F')}",
        f"{BASE}/api/v1/pages/?site={code}",
        f"{BASE}/api/v1/columns/?site={code}",
        f"{BASE}/api/v1/sites/{code}/",
        f"{BASE}/api/v1/sites/",
    }


def test_publish_purges_the_pages_api_urls_after_commit(
    site_group, purged, django_capture_on_commit_callbacks
):
    column = column_of(site_group["340123"])
    article = make_article(column)
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    path = f"/{column.slug}/purge-me/"
    assert api_urls(purged) == expected(article.pk, "340123", path)


def test_unpublish_and_delete_purge(site_group, purged, django_capture_on_commit_callbacks):
    column = column_of(site_group["340123"])
    article = make_article(column)
    article.save_revision().publish()
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).unpublish()
    assert f"{BASE}/api/v1/pages/{article.pk}/?site=340123" in purged

    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=article.pk).delete()
    assert f"{BASE}/api/v1/pages/?site=340123" in purged


def test_move_purges_both_sites(site_group, purged, django_capture_on_commit_callbacks):
    source, target = column_of(site_group["340123"]), column_of(site_group["340121"])
    article = make_article(source, slug="moving")
    article.save_revision().publish()
    purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Page.objects.get(pk=article.pk).move(target, pos="last-child")
    urls = api_urls(purged)
    assert f"{BASE}/api/v1/pages/?site=340123" in urls
    assert f"{BASE}/api/v1/pages/?site=340121" in urls
    assert f"{BASE}/api/v1/pages/{article.pk}/?site=340121" in urls
    old_find = f"{BASE}/api/v1/pages/find/?site=340123&path=%2F{source.slug}%2Fmoving%2F"
    assert old_find in urls


def test_nothing_is_sent_without_a_configured_backend(
    site_group, settings, django_capture_on_commit_callbacks
):
    from tests.api.frontend_cache_backend import PURGED

    PURGED.clear()
    article = make_article(column_of(site_group["340123"]), slug="no-cdn")
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert PURGED == []
