"""The province's view through the admin: every site worst first with figures and their
denominators, drill-down to a site and a finding, SVG charts, Excel reports, the run
button, the staff's home screen; a county sees only itself, a city its counties."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cms.plugins.testing import PluginAdminTests
from cms.sitegroup.provisioning import grant_descendant_access, grant_tree_root_access
from plugins.evaluation.models import Finding, InspectionRun, SiteInspection, SiteMonitor, Trigger
from tests.admin.helpers import client_for

from .conftest import CHANGFENG, FEIXI, HEFEI, PROVINCE, WUHU, age, column, healthy, inspect

pytestmark = pytest.mark.django_db
OVERVIEW = "/admin/evaluation/"


@pytest.fixture
def staff(site_group, make_user):
    g = site_group
    grant_descendant_access(g[HEFEI])
    grant_tree_root_access(g[PROVINCE])
    return {
        "province": make_user("e-province", g[PROVINCE].editors_group),
        "hefei": make_user("e-hefei", g[HEFEI].editors_group),
        "feixi": make_user("e-feixi", g[FEIXI].editors_group),
        "feixi_first": make_user("e-feixi-first", g[FEIXI].first_reviewers_group),
    }


@pytest.fixture
def inspected(site_group, staff):
    """肥西 healthy but for one stale column; the other sites as provisioned (blank columns)."""
    healthy(site_group[FEIXI])
    age(column(site_group[FEIXI], "news"), 30)
    inspect()
    return InspectionRun.objects.get()


def site_rows(html: str) -> list[str]:
    return re.findall(r'<tr data-site="(\d{6})">', html)


def test_the_province_sees_every_site_worst_first_with_denominators(staff, inspected):
    response = client_for(staff["province"]).get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    rows = site_rows(html)
    assert set(rows) == {PROVINCE, HEFEI, WUHU, CHANGFENG, FEIXI}
    assert rows[-1] == FEIXI  # the only site not vetoed
    assert "已考评 5/5" in html and "合格 1/5" in html and "单项否决 4/5" in html
    indicators = html[html.index('id="evaluation-indicators"') :]
    assert "<td>栏目更新</td><td>4/5</td>" in indicators  # vetoed sites / sites it applies to
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len([s for s in svgs if 'role="img"' in s]) >= 3
    assert all(
        "<script" not in s and not re.search(r"""(?:href|src)=["']https?:""", s) for s in svgs
    )
    assert "得分分布" in html and "各指标问题站点数" in html


def test_a_city_sees_itself_and_its_counties_and_a_county_only_itself(staff, inspected):
    city = client_for(staff["hefei"])
    html = city.get(OVERVIEW).content.decode()
    assert set(site_rows(html)) == {HEFEI, CHANGFENG, FEIXI}
    scoped = city.get(OVERVIEW, {"scope": HEFEI, "level": "county"}).content.decode()
    assert set(site_rows(scoped)) == {CHANGFENG, FEIXI}
    assert city.get(OVERVIEW, {"scope": PROVINCE}).status_code == 404
    assert city.get(reverse("evaluation_site", args=[WUHU])).status_code == 404

    county = client_for(staff["feixi"])
    assert site_rows(county.get(OVERVIEW).content.decode()) == [FEIXI]
    assert county.get(reverse("evaluation_site", args=[CHANGFENG])).status_code == 404
    theirs = Finding.objects.filter(site__profile__division_code=CHANGFENG).first()
    assert county.get(reverse("evaluation_finding", args=[theirs.pk])).status_code == 404
    book = load_workbook(io.BytesIO(county.get(
        reverse("evaluation_run_export", args=[inspected.pk])).content))  # fmt: skip
    assert [row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)] == [FEIXI]


def test_drill_down_to_a_site_and_a_finding_and_export(staff, inspected):
    client = client_for(staff["province"])
    page = client.get(reverse("evaluation_site", args=[FEIXI])).content.decode()
    assert "98 分" in page and "合格" in page
    row = page[page.index('data-indicator="stale_columns"') :]
    assert "1/" in row[: row.index("</tr>")]
    assert "栏目“人大要闻”已30天未更新(周期7天)" in page
    finding = Finding.objects.get(site__profile__division_code=FEIXI)
    assert f'href="{finding.target_url}"' in page  # where it is fixed
    detail = client.get(reverse("evaluation_finding", args=[finding.pk])).content.decode()
    assert "最近一次考评" in detail and "仍发现此问题" in detail

    response = client.get(reverse("evaluation_run_export", args=[inspected.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book["汇总"].iter_rows(values_only=True))
    assert summary[0][:8] == (
        "站点",
        "行政区划代码",
        "层级",
        "上级站点",
        "考评时间",
        "得分",
        "扣分",
        "结论",
    )
    assert {r[1] for r in summary[1:]} == {PROVINCE, HEFEI, WUHU, CHANGFENG, FEIXI}
    feixi = next(r for r in summary[1:] if r[1] == FEIXI)
    assert (feixi[5], feixi[7]) == (98, "合格")
    problems = list(book["问题清单"].iter_rows(min_row=2, values_only=True))
    assert len(problems) == Finding.objects.count()
    stale = next(r for r in problems if r[1] == FEIXI)
    assert stale[5] == "栏目“人大要闻”已30天未更新(周期7天)" and stale[8].endswith(
        finding.target_url
    )
    one = client.get(reverse("evaluation_inspection_export", args=[finding.inspection_id]))
    assert len(list(load_workbook(io.BytesIO(one.content))["汇总"].iter_rows())) == 2
    runs = client.get(reverse("evaluation_runs")).content.decode()
    assert "命令行" in runs and "1/5" in runs


def test_the_run_button_inspects_in_the_background(staff, inspected, client,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    client.force_login(staff["feixi"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation_start"), {"site": FEIXI})
    assert response.status_code == 302
    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"] == OVERVIEW
    run = InspectionRun.objects.get(trigger=Trigger.MANUAL)
    assert run.started_by == staff["feixi"]
    assert [r.site.profile.division_code for r in run.results.all()] == [FEIXI]
    # Someone without the permission to run, and another site's code: nothing runs.
    client.force_login(staff["feixi_first"])
    assert client.post(reverse("evaluation_start"), {"site": FEIXI}).status_code == 404
    client.force_login(staff["feixi"])
    client.post(reverse("evaluation_start"), {"site": CHANGFENG})
    assert InspectionRun.objects.count() == 2


def test_findings_reach_the_staff_home_screen(staff, inspected):
    home = client_for(staff["feixi"]).get("/admin/").content.decode()
    panel = home[home.index("网站考评") :]
    assert "98 分" in panel and "栏目“人大要闻”已30天未更新" in panel and "去整改" in panel
    assert home.index("栏目更新") < home.index("网站考评") < home.index("发布动态")
    province = client_for(staff["province"]).get("/admin/").content.decode()
    assert "已考评 5/5 个站点" in province and "合格 1/5" in province


def test_probe_settings_are_changed_by_the_site_above(staff, site_group):
    feixi = SiteMonitor.objects.create(
        site=site_group[FEIXI].site, frontend_url="https://fx.example.org/"
    )
    index = reverse("evaluation_sitemonitor_modeladmin_index")
    edit = reverse("evaluation_sitemonitor_modeladmin_edit", args=[feixi.pk])
    county = client_for(staff["feixi"])
    assert feixi not in county.get(index).context["object_list"]
    assert county.get(edit).status_code in (403, 404, 302)
    city = client_for(staff["hefei"])
    assert feixi in city.get(index).context["object_list"]
    response = city.post(edit, {"site": site_group[FEIXI].site_id, "frontend_url": "https://www.fxrd.gov.cn/",
                                "enabled": "on", "interval_minutes": 60, "timeout_seconds": 15})  # fmt: skip
    assert response.status_code == 302
    feixi.refresh_from_db()
    assert feixi.frontend_url == "https://www.fxrd.gov.cn/"
    # More than 72 minutes between probes would make fewer than 20 a day.
    response = city.post(edit, {"site": site_group[FEIXI].site_id, "frontend_url": "https://www.fxrd.gov.cn/",
                                "enabled": "on", "interval_minutes": 90, "timeout_seconds": 15})  # fmt: skip
    assert response.status_code == 200 and SiteMonitor.objects.get().interval_minutes == 60


class TestMonitorAdmin(PluginAdminTests):
    plugin_label = "evaluation"
    model = "evaluation.SiteMonitor"
    object_fields = {"frontend_url": "https://www.example.org/"}


def test_no_inspection_yet_is_said_plainly(staff):
    html = client_for(staff["feixi"]).get(OVERVIEW).content.decode()
    assert "尚未考评" in html and not SiteInspection.objects.exists()
    assert "尚未考评" in client_for(staff["feixi"]).get("/admin/").content.decode()


def test_the_screens_are_in_chinese(staff, inspected, make_user):
    from tests.admin.test_chinese_admin import english_words

    finding = Finding.objects.filter(site__profile__division_code=FEIXI).first()
    admin = make_user("e-admin", superuser=True)
    screens = {
        staff["province"]: [OVERVIEW, reverse("evaluation_site", args=[FEIXI]),
                            reverse("evaluation_site", args=[CHANGFENG]),
                            reverse("evaluation_finding", args=[finding.pk]),
                            reverse("evaluation_runs"), "/admin/"],
        staff["hefei"]: [reverse("evaluation_sitemonitor_modeladmin_index"),
                         reverse("evaluation_sitemonitor_modeladmin_create")],
        admin: [reverse("evaluation_thresholdsetting_modeladmin_index"),
                reverse("evaluation_thresholdsetting_modeladmin_create")],
    }  # fmt: skip
    problems = {}
    for user, paths in screens.items():
        client = client_for(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (user.username, path)
            words = english_words(response.content.decode())
            if words:
                problems[f"{user.username} {path}"] = sorted(words)
    assert not problems, problems
