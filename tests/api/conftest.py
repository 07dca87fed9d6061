"""Content for the API tests, on the shared small site group (tests/conftest.py).

Fei Xi (340123) gets articles with cover images and a body that links to
another page, a document and embeds an image; a draft, a page marked not
public and a page under a private view restriction; Chang Feng (340121)
gets one article of its own; the Shangpai township column (340123100) one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, PageViewRestriction

from cms.content.models import ArticlePage, ColumnPage, MeetingPage, TownshipPage

TZ = ZoneInfo("Asia/Shanghai")


def make_image(title: str = "会场", size=(1200, 675)):
    return get_image_model().objects.create(
        title=title, file=get_test_image_file(f"{title}.png", size=size)
    )


def make_document(title: str = "工作方案"):
    doc = get_document_model()(title=title)
    doc.file.save("plan.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    doc.save()
    return doc


def column(profile, slug: str) -> ColumnPage:
    return ColumnPage.objects.child_of(profile.site.root_page).get(slug=slug)


def add_article(parent, slug: str, day: dt.date, *, live=True, confidentiality="public",
                cover=None, body=None, title=None) -> ArticlePage:  # fmt: skip
    page = ArticlePage(
        title=title or f"文章 {slug}",
        slug=slug,
        date=day,
        summary=f"{slug} 的摘要",
        cover_image=cover,
        body=body or [],
        live=live,
        confidentiality=confidentiality,
        first_published_at=dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=TZ)
        if live
        else None,
    )
    parent.add_child(instance=page)
    return page


@dataclass
class Content:
    feixi: object
    changfeng: object
    news: ColumnPage
    articles: list[ArticlePage] = field(default_factory=list)
    rich: ArticlePage | None = None
    draft: ArticlePage | None = None
    not_public: ArticlePage | None = None
    private: ArticlePage | None = None
    other_site: ArticlePage | None = None
    township: TownshipPage | None = None
    township_article: ArticlePage | None = None
    meeting: MeetingPage | None = None
    image: object = None
    document: object = None


@pytest.fixture
def content(site_group) -> Content:
    feixi, changfeng = site_group["340123"], site_group["340121"]
    news = column(feixi, "news")
    image, document = make_image(), make_document()
    c = Content(feixi=feixi, changfeng=changfeng, news=news, image=image, document=document)
    for i in range(5):
        c.articles.append(add_article(news, f"news-{i:03d}", dt.date(2026, 10, 1 + i), cover=image))
    target = c.articles[0]
    c.rich = add_article(
        news,
        "rich",
        dt.date(2026, 10, 20),
        cover=image,
        title="常委会会议审议通过“十五五”规划",
        body=[
            {
                "type": "paragraph",
                "value": (
                    f'<p>详见<a linktype="page" id="{target.pk}">上一篇</a>与'
                    f'<a linktype="document" id="{document.pk}">工作方案</a>。</p>'
                    f'<embed embedtype="image" id="{image.pk}" format="left" alt="会场"/>'
                ),
            },  # fmt: skip
            {"type": "image", "value": {"image": image.pk, "caption": "会场"}},
            {"type": "attachment", "value": {"document": document.pk, "title": "方案"}},
            {
                "type": "table",
                "value": {
                    "data": [["姓名", "职务"], ["张三", "主任"]],
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                    "table_caption": "任免名单",
                },
            },  # fmt: skip
        ],
    )
    c.draft = add_article(news, "draft", dt.date(2026, 10, 21), live=False)
    c.not_public = add_article(news, "secret", dt.date(2026, 10, 22), confidentiality="not_public")
    office = column(feixi, "office")
    c.private = add_article(office, "private", dt.date(2026, 10, 23))
    PageViewRestriction.objects.create(
        page=Page.objects.get(pk=office.pk), restriction_type="password", password="x"
    )
    c.other_site = add_article(column(changfeng, "news"), "cf-news", dt.date(2026, 10, 24))
    c.township = TownshipPage.objects.get(division_code="340123100")
    c.township_article = add_article(c.township, "sp-news", dt.date(2026, 10, 25))
    c.meeting = MeetingPage(
        title="常委会第六次会议", slug="sc-06", date=dt.date(2026, 9, 1), meeting_type="standing_committee",
        agenda=[{"type": "item", "value": {"item": "审议报告", "note": ""}}],
        body=[{"type": "speech", "value": {"speaker": "张三", "role": "委员",
               "text": "<p>发言</p>", "audio": document.pk, "video": None}}],
        first_published_at=dt.datetime(2026, 9, 1, 9, tzinfo=TZ),
    )  # fmt: skip
    column(feixi, "meetings").add_child(instance=c.meeting)
    return c


@pytest.fixture
def no_api_cache(settings):
    """The content tests look at fresh responses, not the API response cache."""
    settings.LIANXI_API_CACHE_ENABLED = False
