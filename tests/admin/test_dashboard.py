"""The home screen (cockpit): only the user's sites, what waits for them, stale and blank
columns, a server-side 12-week chart, per-site figures for a city, and a query bound."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, TaskState

from cms.content.models import ArticlePage, ColumnPage
from cms.review.models import SensitiveWord
from cms.sitegroup.provisioning import grant_descendant_access, grant_tree_root_access

from .helpers import add_url, article_form, client_for, created, first_column

PROVINCE, HEFEI, FEIXI, CHANGFENG, WUHU = "340000", "340100", "340123", "340121", "340200"
HOME = reverse("wagtailadmin_home")


def publish(column, title, days_ago=0):
    page = ArticlePage(title=title, slug=f"p{abs(hash(title)) % 10**8}", date="2026-03-01")
    column.add_child(instance=page)
    page.save_revision().publish()
    when = timezone.now() - dt.timedelta(days=days_ago)
    Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    return page


def pages_of(*profiles):
    return sum(Page.objects.descendant_of(p.root_page, inclusive=True).count() for p in profiles)


@pytest.fixture
def staff(site_group, make_user):
    g = site_group
    grant_descendant_access(g[HEFEI])
    grant_tree_root_access(g[PROVINCE])
    return {
        "feixi": make_user("d-feixi", g[FEIXI].editors_group),
        "first": make_user("d-first", g[FEIXI].first_reviewers_group),
        "hefei": make_user("d-hefei", g[HEFEI].editors_group),
        "province": make_user("d-province", g[PROVINCE].editors_group),
    }


def test_page_count_covers_only_the_users_sites(site_group, staff):
    g = site_group
    feixi = client_for(staff["feixi"]).get(HOME).content.decode()
    assert f"{pages_of(g[FEIXI])} 个页面" in feixi
    hefei = client_for(staff["hefei"]).get(HOME).content.decode()
    assert f"{pages_of(g[HEFEI], g[FEIXI], g[CHANGFENG])} 个页面" in hefei
    assert f"{Page.objects.count() - 1} 个页面" not in hefei  # not the whole group


def test_reviews_waiting_with_their_age_and_own_drafts_and_rejections(site_group, staff):
    column = first_column(site_group[FEIXI])
    editor = client_for(staff["feixi"])
    editor.post(add_url(column), {**article_form("待审的会议报道"), "action-submit": "1"})
    waiting = created(column, "待审的会议报道")
    TaskState.objects.filter(status="in_progress").update(
        started_at=timezone.now() - dt.timedelta(days=5)
    )
    editor.post(add_url(column), article_form("尚未提交的草稿"))
    SensitiveWord.objects.create(word="虚构敏感词乙")
    editor.post(
        add_url(column), {**article_form("被退回的稿件", "含虚构敏感词乙。"), "action-submit": "1"}
    )

    reviewer = client_for(staff["first"]).get(HOME).content.decode()
    panel = reviewer[reviewer.index("待我审核") :]
    assert "待审的会议报道" in panel and "5 天" in panel
    assert reverse("wagtailadmin_pages:edit", args=(waiting.pk,)) in panel

    own = editor.get(HOME).content.decode()
    mine = own[own.index("我的稿件") :]
    assert "尚未提交的草稿" in mine
    assert "被退回的稿件" in mine and "含敏感词“虚构敏感词乙”" in mine
    assert "help-critical" in mine  # in red

    # Another county's reviewer sees none of it.
    other = client_for(staff["hefei"]).get(HOME).content.decode()
    assert "尚未提交的草稿" not in other and "被退回的稿件" not in other


def test_overdue_and_blank_columns(site_group, staff):
    feixi = site_group[FEIXI]
    columns = list(ColumnPage.objects.child_of(feixi.root_page).order_by("path"))
    stale, fresh = columns[0], columns[1]
    ColumnPage.objects.filter(pk__in=[stale.pk, fresh.pk]).update(expected_update_days=7)
    publish(stale, "很久以前的报道", days_ago=20)
    publish(fresh, "昨天的报道", days_ago=1)
    html = client_for(staff["feixi"]).get(HOME).content.decode()
    panel = html[html.index("栏目更新") : html.index("发布动态")]
    overdue = panel[: panel.index("空白栏目")]
    assert stale.title in overdue and "13 天" in overdue
    assert fresh.title not in overdue
    blank = panel[panel.index("空白栏目") :]
    assert columns[2].title in blank  # nothing published under it
    assert stale.title not in blank


def test_activity_chart_is_server_side_svg_with_the_weekly_counts(site_group, staff):
    column = first_column(site_group[FEIXI])
    for i in range(3):
        publish(column, f"本周报道{i}")
    publish(column, "三周前的报道", days_ago=21)
    publish(column, "半年前的报道", days_ago=180)
    html = client_for(staff["feixi"]).get(HOME).content.decode()
    panel = html[html.index("发布动态") :]
    start = panel.index('<svg role="img"')
    svg = panel[start : panel.index("</svg>", start)]
    assert 'role="img"' in svg and "近12周发布的页面" in svg
    assert "<script" not in svg and not re.search(r"""(?:href|src)=["']https?:""", svg)
    assert "共 4 篇" in panel  # the half-year-old page is outside the 12 weeks
    weekly = [int(v) for v in re.findall(r'<desc class="value">(\d+)</desc>', svg)]
    assert len(weekly) == 12 and weekly[-1] == 3 and weekly[-4] == 1 and sum(weekly) == 4
    printed = re.findall(r'<text[^>]*class="[^"]*value[^"]*"[^>]*>(\d+)</text>', svg)
    assert sorted(printed) == ["1", "3"]  # the bars' values are printed: no hover needed


def test_city_sees_per_site_rows_worst_first_and_nothing_outside(site_group, staff):
    g = site_group
    ColumnPage.objects.descendant_of(g[CHANGFENG].root_page).update(expected_update_days=7)
    for column in ColumnPage.objects.child_of(g[CHANGFENG].root_page)[:3]:
        publish(column, f"长丰旧闻{column.pk}", days_ago=40)
    html = client_for(staff["hefei"]).get(HOME).content.decode()
    table = html[html.index("各站点情况") :]
    names = re.findall(r"<td class=\"title\"><a [^>]+>([^<]+)</a>", table)
    assert set(names) == {"合肥市人大常委会", "长丰县人大常委会", "肥西县人大常委会"}
    assert names[0] == "长丰县人大常委会"  # the most overdue columns first
    assert "芜湖市人大常委会" not in html and "安徽省人大常委会" not in table
    single = client_for(staff["feixi"]).get(HOME).content.decode()
    assert "各站点情况" not in single


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(HOME).status_code == 200
    return len(ctx.captured_queries)


def _fill(site_group, editor, rounds: int, tag: str) -> None:
    """Pages in every site's first column (one overdue), and submissions waiting in 肥西."""
    for profile in site_group.values():
        column = first_column(profile)
        ColumnPage.objects.filter(pk=column.pk).update(expected_update_days=3)
        for i in range(rounds):
            publish(column, f"{profile.division_code}{tag}报道{i}", days_ago=10 * i)
    feixi = first_column(site_group[FEIXI])
    for i in range(rounds):
        editor.post(add_url(feixi), {**article_form(f"{tag}待审{i}"), "action-submit": "1"})


def test_home_screen_queries_are_bounded_and_do_not_grow(site_group, staff):
    client = client_for(staff["province"])
    editor = client_for(staff["feixi"])
    _fill(site_group, editor, 1, "甲")
    client.get(HOME)  # warm the content-type and site caches
    before = _queries(client)
    assert before <= 40, before
    _fill(site_group, editor, 4, "乙")  # more pages, columns and reviews: no more queries
    assert _queries(client) == before


def test_a_plugin_adds_a_panel_through_the_home_panels_hook(site_group, staff):
    from django.utils.html import format_html
    from wagtail import hooks
    from wagtail.admin.ui.components import Component

    class Notice(Component):
        order = 35  # after 栏目更新, before 发布动态

        def __init__(self, request):
            self.request = request

        def render_html(self, parent_context=None):
            return format_html("<section><h2>插件面板</h2><p>{}</p></section>",
                               self.request.user.get_username())  # fmt: skip

    def contribute(request):
        return [Notice(request)] if request.user.username == "d-feixi" else []

    with hooks.register_temporarily("lianxi_home_panels", contribute):
        html = client_for(staff["feixi"]).get(HOME).content.decode()
        other = client_for(staff["hefei"]).get(HOME).content.decode()
    assert html.index("栏目更新") < html.index("插件面板") < html.index("发布动态")
    assert "<p>d-feixi</p>" in html
    assert "插件面板" not in other
