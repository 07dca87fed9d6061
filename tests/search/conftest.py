"""Fixtures for search tests: publish Chinese pages into the small site group."""

import itertools

import pytest
from django.core.cache import cache
from wagtail.rich_text import RichText

from cms.content.models import ArticlePage, ColumnPage

_slugs = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters and cached API responses must not leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def column(site_group):
    def get(code: str, slug: str = "news") -> ColumnPage:
        return ColumnPage.objects.child_of(site_group[code].site.root_page).get(slug=slug)

    return get


@pytest.fixture
def publish(column):
    """``publish(code, title, body="", date=..., slug_column="news", live=True)`` → page."""

    def make(code, title, body="", date="2026-11-01", column_slug="news", live=True, **fields):
        parent = column(code, column_slug)
        page = ArticlePage(
            title=title,
            slug=f"p{next(_slugs)}",
            date=date,
            body=[("paragraph", RichText(f"<p>{body}</p>"))] if body else [],
            live=False,
            **fields,
        )
        parent.add_child(instance=page)
        revision = page.save_revision()
        if live:
            revision.publish()
        page.refresh_from_db()
        return page

    return make
