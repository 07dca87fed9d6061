"""What a site shows the public, read in bulk (``cms.services.site_content``): only public
pages, their kinds and dates, their texts and links, and which internal links lead nowhere."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from cms.content.models import ArticlePage, ColumnPage, Confidentiality
from cms.services import site_content

FEIXI = "340123"


def column(profile, slug="news"):
    return ColumnPage.objects.child_of(profile.root_page).get(slug=slug)


def article(parent, title, body="", *, date=None, live=True, days_ago=0, **extra):
    page = ArticlePage(
        title=title, date=date, body=[("paragraph", f"<p>{body or title}</p>")], live=live, **extra
    )
    parent.add_child(instance=page)
    when = timezone.now() - dt.timedelta(days=days_ago)
    Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    return page


def test_live_pages_are_what_the_public_sees_with_kinds_and_dates(site_group):
    feixi = site_group[FEIXI]
    news = column(feixi)
    shown = article(news, "公开的报道", date=dt.date(2026, 3, 1), days_ago=5)
    article(news, "草稿", live=False)
    article(news, "不公开的报道", confidentiality=Confidentiality.NOT_PUBLIC)
    hidden_column = column(feixi, "office")
    article(hidden_column, "下线栏目里的报道")
    hidden_column.unpublish()
    pages = {p.id: p for p in site_content.live_pages(feixi)}
    titles = {p.title for p in pages.values()}
    assert "公开的报道" in titles
    assert not titles & {"草稿", "不公开的报道", "下线栏目里的报道", hidden_column.title}
    item = pages[shown.pk]
    assert (item.kind, item.type_label, item.date) == ("content", "文章", dt.date(2026, 3, 1))
    assert item.url_path == f"/news/{shown.slug}/"
    assert (timezone.now() - item.first_published_at).days == 5
    assert pages[news.pk].kind == "column" and pages[news.pk].expected_update_days == 7
    assert pages[feixi.site.root_page_id].kind == "home"
    townships = [p for p in pages.values() if p.kind == "township"]
    assert [t.title for t in townships] == ["上派镇人大"]
    # Another site's pages never appear.
    other = {p.id for p in site_content.live_pages(site_group["340121"])}
    assert not other & set(pages)


def test_texts_and_links_of_pages_in_bulk(site_group):
    feixi = site_group[FEIXI]
    news = column(feixi)
    target = article(news, "被链接的报道")
    document = get_document_model().objects.create(title="附件", file="documents/a.pdf")
    body = (
        f'<p>见<a linktype="page" id="{target.pk}">相关报道</a>与'
        f'<a linktype="document" id="{document.pk}">附件</a>,'
        '外部<a href="https://www.npc.gov.cn/npc/c1.html">全国人大网</a>,'
        '站内<a href="/news/nowhere/">旧地址</a>,<a href="mailto:a@b.cn">邮件</a>。</p>'
    )
    page = article(news, "带链接的报道", body)
    page.body = [*page.body.raw_data, {"type": "video", "value": {
        "title": "视频", "file": None, "url": "http://video.example.org/v.mp4", "poster": None,
        "duration_seconds": 10}}]  # fmt: skip
    page.save()
    texts = {t.id: t for t in site_content.page_texts(site_content.live_pages(feixi))}
    links = texts[page.pk].links
    assert "带链接的报道" in texts[page.pk].text and "全国人大网" in texts[page.pk].text
    assert [(link.kind, link.target) for link in links] == [
        ("page", str(target.pk)),
        ("document", str(document.pk)),
        ("url", "https://www.npc.gov.cn/npc/c1.html"),
        ("url", "/news/nowhere/"),
        ("url", "http://video.example.org/v.mp4"),
    ]
    assert links[0].text == "相关报道" and links[2].is_outbound and not links[3].is_outbound
    # Nothing is broken yet but the path that leads nowhere.
    broken = site_content.broken_references(feixi, links)
    assert broken == {links[3]: "站内地址不存在或未公开"}
    # The linked page goes offline and the document is deleted: both links break.
    target.unpublish()
    document.delete()
    broken = site_content.broken_references(feixi, links)
    assert broken[links[0]] == "链接的页面未发布或不公开"
    assert broken[links[1]] == "链接的文件已删除"
    assert links[2] not in broken  # outbound: for the caller to fetch
    fixed = site_content.Link("url", f"/news/{page.slug}/")
    assert site_content.broken_references(feixi, [fixed]) == {}


def test_texts_cost_a_few_queries_whatever_the_number_of_pages(site_group):
    feixi = site_group[FEIXI]
    news = column(feixi)
    for i in range(3):
        article(news, f"报道{i}")
    pages = site_content.live_pages(feixi)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            list(site_content.page_texts(pages))
        return len(ctx.captured_queries)

    before = count()
    for i in range(12):
        article(news, f"更多报道{i}")
    pages = site_content.live_pages(feixi)
    assert count() == before
