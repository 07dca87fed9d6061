"""Demo data: two sites with problems an inspection finds, then an inspection of every site.

* 长丰县 (340121): a column 专题报道 (update every 14 days) whose only item appeared 120
  days ago, a blank column 工作动态(示例), an article linking to a closed port on
  127.0.0.1 (a link no reader can follow; never outside), and an article with the
  wrong word 联洛站 (the demo word list corrects it to 联络站).
* 芜湖市 (340200): an article with the demo sensitive word 演示敏感词 (a veto) and an
  item without a date.

The articles with listed words are written live directly, as if published before the
words were listed: the publication check would stop them today, the inspection's
re-scan finds them. Then each site gets a result in one shared run (演示数据) unless it
has one already, so the province's view shows something real at once; the scheduler
inspects every site again each night. Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone
from wagtail.models import Page

from . import inspect
from .models import SiteInspection, Trigger

CHANGFENG, WUHU = "340121", "340200"
#: A port nobody listens on (discard): the link is broken, and the fetcher refuses
#: loopback addresses before any connection anyway.
BROKEN_LINK = "http://127.0.0.1:9/zhengce/2026/notice.html"


def _models():
    return apps.get_model("content", "ColumnPage"), apps.get_model("content", "ArticlePage")


def _child(parent, slug: str):
    return Page.objects.child_of(parent).filter(slug=slug).first()


def _column(home, slug: str, title: str, days: int):
    ColumnPage, _ArticlePage = _models()
    found = _child(home, slug)
    if found is not None:
        return found.specific
    column = ColumnPage(title=title, slug=slug, expected_update_days=days,
                        intro=f"{title}(网站考评演示栏目)")  # fmt: skip
    home.add_child(instance=column)
    return column


def _article(parent, slug: str, title: str, html: str, days_ago: int, dated: bool = True) -> None:
    _ColumnPage, ArticlePage = _models()
    if _child(parent, slug) is not None:
        return
    when = timezone.now() - dt.timedelta(days=days_ago)
    page = ArticlePage(title=title, slug=slug, live=True, source="本站",
                       date=timezone.localtime(when).date() if dated else None,
                       body=[("paragraph", html)])  # fmt: skip
    parent.add_child(instance=page)
    Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when,
                                           has_unpublished_changes=False)  # fmt: skip


def _changfeng(home) -> None:
    feature = _column(home, "eval-demo-zhuanti", "专题报道", 14)
    _article(feature, "eval-demo-old-feature", "长丰县人大常委会开展农村人居环境专题调研",
             "<p>县人大常委会组成人员深入乡镇,就农村人居环境整治开展专题调研。</p>", 120)  # fmt: skip
    _column(home, "eval-demo-blank", "工作动态(示例)", 30)
    news = _child(home, "news")
    if news is None:
        return
    _article(news, "eval-demo-broken-link", "关于做好2026年度代表建议办理工作的通知",
             f'<p>办理要求详见<a href="{BROKEN_LINK}">通知全文</a>。</p>', 5)  # fmt: skip
    _article(news, "eval-demo-wrong-word", "县人大代表联洛站开展集中接待活动",
             "<p>各乡镇代表联洛站本月集中接待选民,听取意见建议。</p>", 6)  # fmt: skip


def _wuhu(home) -> None:
    news = _child(home, "news")
    if news is None:
        return
    _article(news, "eval-demo-sensitive", "芜湖市人大常委会召开专题会议",
             "<p>会议通报了有关情况(本文含演示敏感词,供网站考评演示)。</p>", 3)  # fmt: skip
    _article(news, "eval-demo-undated", "芜湖市人大常委会机关开展学习活动",
             "<p>机关党组织开展集中学习。</p>", 4, dated=False)  # fmt: skip


def load_demo(profile) -> None:
    home = profile.site.root_page
    if profile.division_code == CHANGFENG:
        _changfeng(home)
    elif profile.division_code == WUHU:
        _wuhu(home)
    if not SiteInspection.objects.filter(site=profile.site).exists():
        inspect.run([profile], trigger=Trigger.DEMO, key="demo")


def demo_logins() -> list[str]:
    return [
        "网站考评(后台“网站考评 → 考评总览”):anhui_editor 看全省各站得分,hefei_editor 看合肥及所辖县区,"
        "changfeng_editor 看长丰县的问题并去整改"
    ]
