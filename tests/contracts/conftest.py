"""Content for the contract tests: a few published pages on the shared small site group."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText

from cms.content.models import ArticlePage, ColumnPage, MeetingPage, TownshipPage


def _publish(parent, page):
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def published_pages(site_group) -> list:
    """Fei Xi (340123): articles (one with a cover and linked rich text), a meeting,
    and an article in the Shangpai township column (340123100)."""
    cache.clear()  # throttle counters and cached responses from other tests
    feixi = site_group["340123"]
    news = ColumnPage.objects.child_of(feixi.site.root_page).get(slug="news")
    image = get_image_model().objects.create(
        title="会场", file=get_test_image_file("hall.png", size=(640, 360))
    )
    pages = []
    for i in range(3):
        pages.append(_publish(news, ArticlePage(
            title=f"肥西县人大常委会召开第{i + 1}次主任会议",
            slug=f"contract-{i}",
            date=dt.date(2026, 10, 1 + i),
            summary="会议听取和审议了有关报告。",
            cover_image=image if i == 0 else None,
            body=[("paragraph", RichText(
                f'<p>会议强调,要<a linktype="page" id="{news.pk}">依法履职</a>。</p>'
            ))],
        )))  # fmt: skip
    meetings = ColumnPage.objects.child_of(feixi.site.root_page).filter(slug="meetings").first()
    if meetings is not None:
        pages.append(_publish(meetings, MeetingPage(
            title="肥西县第十八届人大常委会第二十次会议", slug="contract-meeting",
            date=dt.date(2026, 10, 10), meeting_type="standing_committee", term_number=18,
            session_number=20, location="县人大常委会会议室",
        )))  # fmt: skip
    township = TownshipPage.objects.get(division_code="340123100")
    pages.append(_publish(township, ArticlePage(
        title="上派镇人大开展代表活动", slug="contract-township", date=dt.date(2026, 10, 12),
    )))  # fmt: skip
    yield pages
    cache.clear()
