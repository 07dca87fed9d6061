"""Statistics: hand-computed figures, their denominators, the roll-up, switched-off and
non-public sites, through the admin page (the office) and the public API."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import timezone

from cms.plugins import set_enabled
from cms.sitegroup.provisioning import grant_descendant_access
from plugins.suggestions import workflow
from plugins.suggestions.models import Suggestion

from .conftest import unit_with_staff

pytestmark = pytest.mark.django_db

API = "/api/v1/suggestions/statistics/"
PAGE = "/admin/suggestions/statistics/"
SESSION = "十七届人大五次会议"


_numbers = itertools.count(1)


def item(profile, deputy, office, unit, goal, *, days_ago=10, cls="A", result=None,
         session=SESSION):  # fmt: skip
    """One suggestion moved through the workflow as far as ``goal``."""
    s = Suggestion.objects.create(
        site=profile.site, title=f"关于第{next(_numbers)}件事的建议", text="建议内容。", author=deputy.user,
        deputy_ref=deputy.ref, deputy_name=deputy.person.name, session=session,
    )  # fmt: skip
    workflow.move_created(s, deputy.user)
    if goal == "draft":
        return s
    workflow.submit(s, deputy.user)
    if goal == "submitted":
        return s
    workflow.accept(s, office, "transport")
    workflow.assign(s, office, unit, on=timezone.localdate() - dt.timedelta(days=days_ago))
    if goal == "assigned":
        return s
    promise = (
        {"commitment": "列入计划", "commitment_due": dt.date(2099, 6, 30)} if cls in "BC" else {}
    )
    workflow.reply(s, unit.members.first(), reply_class=cls, text="答复。", signed_by="局长",
                   **promise)  # fmt: skip
    if result:
        workflow.rate(s, deputy.user, result)
    return s


@pytest.fixture
def world(site_group, people, units, office, make_user):
    """肥西县: five items; 合肥市 itself: one; 长丰县 (switched off): one that must not count."""
    feixi, hefei, changfeng = site_group["340123"], site_group["340100"], site_group["340121"]
    for profile in (hefei, changfeng, site_group["340000"]):
        set_enabled("suggestions", profile, True)
    zhang, zeng = people["张伟"], people["曾国华"]
    lead = units["lead"]
    item(feixi, zhang, office, lead, "replied", days_ago=10, cls="A", result="satisfied")
    item(feixi, zhang, office, lead, "replied", days_ago=120, cls="B", result="unsatisfied")
    item(feixi, zhang, office, units["co"], "assigned", days_ago=120)
    item(feixi, zhang, office, lead, "submitted")
    item(feixi, zhang, office, lead, "draft")
    hefei_unit, _ = unit_with_staff(hefei, "合肥市教育局", "unit-hefei-edu")
    hefei_office = make_user("hefei-office", hefei.editors_group)
    grant_descendant_access(hefei)  # the city's office holds its counties' records
    item(hefei, zhang, hefei_office, hefei_unit, "replied", days_ago=5, cls="C",
         result="basically")  # fmt: skip
    cf_unit, _ = unit_with_staff(changfeng, "长丰县交通运输局", "unit-cf")
    cf_office = make_user("cf-office", changfeng.editors_group)
    item(changfeng, zeng, cf_office, cf_unit, "replied", days_ago=5, cls="D", result="unsatisfied")
    set_enabled("suggestions", changfeng, False)
    return {"feixi": feixi, "hefei": hefei, "hefei_office": hefei_office}


def r(n, d):
    return {"numerator": n, "denominator": d, "percent": round(n * 100 / d, 1) if d else None}


def test_the_public_figures_of_a_city_roll_up_its_counties(client, world, monkeypatch):
    from django.apps import apps

    monkeypatch.setitem(apps.get_app_config("suggestions").plugin_settings,
                        "PUBLIC_STATS_MIN_HANDLED", 1)  # fmt: skip
    response = client.get(API, {"site": "340100"})
    assert response.status_code == 200, response.content
    data = response.json()
    total = data["total"]
    # 肥西县 3 registered + 合肥市 1; 长丰县 is switched off; drafts and submissions never count.
    assert total["counts"] == {"accepted": 4, "assigned": 4, "handled": 3, "open": 2}
    assert "submitted" not in total["counts"]
    assert total["handled"] == r(3, 4)
    assert total["on_time"] == r(2, 3)  # one reply came after the three months
    assert total["overdue_open"] == r(1, 2)  # the unanswered one; re-handling has just begun
    assert total["classes"] == {"A": r(1, 3), "B": r(1, 3), "C": r(1, 3), "D": r(0, 3)}
    assert total["satisfaction"] == r(2, 3)
    assert total["ratings"] == {"satisfied": r(1, 3), "basically": r(1, 3),
                                "unsatisfied": r(1, 3)}  # fmt: skip
    assert total["rehandling"] == r(1, 3)
    # Rows: 合肥市 itself, then 肥西县 (长丰县 is off: no row).
    assert [(row["site"]["code"], row["rolled_up"]) for row in data["sites"]] == [
        ("340100", False), ("340123", False)
    ]  # fmt: skip
    own, feixi = data["sites"]
    assert own["counts"]["handled"] == 1 and own["classes"]["C"] == r(1, 1)
    assert feixi["counts"]["accepted"] == 3 and feixi["on_time"] == r(1, 2)
    # The city's own units; a county's are in the county's figures.
    assert [(u["name"], u["site"]) for u in data["units"]] == [("合肥市教育局", "340100")]
    county = client.get(API, {"site": "340123"}).json()
    assert [u["name"] for u in county["units"]] == ["肥西县交通运输局", "肥西县财政局"]
    transport = county["units"][0]
    assert transport["counts"]["accepted"] == 2 and county["units"][1]["counts"]["accepted"] == 1
    assert transport["rehandling"] == r(1, 2) and transport["satisfaction"] == r(1, 2)

    # The province rolls up 合肥市 (with its county) and shows it as one row.
    province = client.get(API, {"site": "340000"}).json()
    assert province["total"]["counts"]["accepted"] == 4
    hefei_row = next(row for row in province["sites"] if row["site"]["code"] == "340100")
    assert hefei_row["rolled_up"] is True and hefei_row["counts"]["accepted"] == 4


def test_the_session_filter_and_bad_parameters(client, world, site_group, people, units, office):
    item(
        world["feixi"],
        people["张伟"],
        office,
        units["lead"],
        "assigned",
        session="闭会期间(2026年)",
    )
    data = client.get(API, {"site": "340123", "session": SESSION}).json()
    assert data["total"]["counts"]["accepted"] == 3
    data = client.get(API, {"site": "340123"}).json()
    assert data["total"]["counts"]["accepted"] == 4
    bad = client.get(API, {"site": "340123", "since": "2026-05-01", "until": "2026-04-01"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert client.get(API, {"site": "340123", "period": "never"}).status_code == 400
    assert client.get(API).status_code == 400
    assert client.get(API, {"site": "340121"}).status_code == 404  # switched off there


def test_public_rows_with_few_replies_give_counts_only(client, world):
    data = client.get(API, {"site": "340100"}).json()  # 3 handled < 5
    total = data["total"]
    assert total["withheld"] is True and total["counts"]["handled"] == 3
    assert total["classes"] is None and total["satisfaction"] is None
    assert all(u["classes"] is None for u in data["units"])
    text = str(data)
    assert "关于第" not in text and "张伟" not in text  # no title, no deputy


def test_the_office_page_shows_its_sites_rolled_up_with_charts(client, world):
    client.force_login(world["hefei_office"])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    # Internal figures: the submission waiting for intake counts as submitted.
    total = re.search(r'id="stats-total".*?<tbody><tr>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td>(.*?)</td>", total, re.S)
    assert cells[0].strip() == "5" and cells[1].strip() == "4"
    assert "66.7%(2/3)" in total  # on time, satisfaction
    assert "75.0%(3/4)" in total  # handled
    figures = re.findall(r'<figure class="lianxi-chart">(.*?)</figure>', html, re.S)
    assert len(figures) == 3 and all(f.startswith("<svg") for f in figures)
    assert not any("<script" in f or "http" in f.replace("http://www.w3.org", "") for f in figures)
    assert "按期答复率" in figures[2] and "100.0%(1/1)" in figures[2]  # 合肥市教育局
    assert "长丰县" not in html.split('id="stats-sites"')[1].split("</table>")[0]


def test_units_by_name_unless_the_user_sorts(client, world, people, office):
    housing, _ = unit_with_staff(world["feixi"], "肥西县住建局", "unit-housing")
    item(world["feixi"], people["张伟"], office, housing, "replied", days_ago=5, result="satisfied")
    client.force_login(office)
    pattern = r"<tr><td>([^<]+)</td><td>340123</td>"
    html = client.get(PAGE).content.decode()
    assert re.findall(pattern, html) == ["肥西县交通运输局", "肥西县住建局", "肥西县财政局"]
    html = client.get(PAGE, {"sort": "on_time"}).content.decode()
    assert re.findall(pattern, html) == ["肥西县住建局", "肥西县交通运输局", "肥西县财政局"]
    html = client.get(PAGE, {"sort": "rehandling"}).content.decode()
    assert re.findall(pattern, html)[0] == "肥西县交通运输局"  # the only one re-handled


def test_a_county_office_sees_only_its_county(client, world, office):
    client.force_login(office)
    html = client.get(PAGE).content.decode()
    assert "合肥市教育局" not in html and "肥西县交通运输局" in html
    assert client.get(PAGE, {"site": "340100"}).status_code == 200  # not its choice: ignored
    assert "合肥市教育局" not in client.get(PAGE, {"site": "340100"}).content.decode()


def test_the_page_is_not_for_others(client, world, units):
    client.force_login(units["lead_staff"])
    assert client.get(PAGE).status_code == 404


def test_intake_shows_likely_duplicates_across_levels(client, site_group, people, units, office,
                                                      make_user):  # fmt: skip
    """The same topic raised in 肥西县 and in 合肥市, in other words: flagged with a score;
    another matter of the same field is not. The county's office does not read the city's title."""
    feixi, hefei = site_group["340123"], site_group["340100"]
    set_enabled("suggestions", hefei, True)
    zhang = people["张伟"]
    hefei_office = make_user("hefei-office", hefei.editors_group)
    grant_descendant_access(hefei)

    def raise_(profile, title, text):
        s = Suggestion.objects.create(site=profile.site, title=title, text=text,
                                      author=zhang.user, deputy_ref=zhang.ref, deputy_name="张伟")  # fmt: skip
        workflow.move_created(s, zhang.user)
        workflow.submit(s, zhang.user)
        return s

    county = raise_(feixi, "关于保障农村饮水安全的建议",
                    "部分村庄自来水水压不足、水质不稳定,建议实施农村供水管网改造,保障饮水安全。")  # fmt: skip
    city = raise_(hefei, "关于推进城乡供水一体化的建议",
                  "农村供水管网老化,水质水压难以保障,建议推进城乡供水一体化,让农村群众喝上放心水。")  # fmt: skip
    other = raise_(feixi, "关于规范农村客运票价的建议",
                   "部分农村客运班线票价偏高、收费不规范,建议加强票价监管。")  # fmt: skip

    client.force_login(office)  # 肥西县's office
    html = client.get(f"/admin/suggestions/office/{county.pk}/").content.decode()
    table = html.split('id="duplicates"')[1].split("</table>")[0]
    assert "合肥市人大常委会(上级)" in table and "其他站点的议案建议" in table
    assert city.title not in html and other.title not in table
    score = float(re.search(r"<td>([\d.]+)</td>", table).group(1))
    assert 0.25 <= score < 1

    client.force_login(hefei_office)  # the city's office holds both sites
    html = client.get(f"/admin/suggestions/office/{city.pk}/").content.decode()
    table = html.split('id="duplicates"')[1].split("</table>")[0]
    assert county.title in table and "(下级)" in table and other.title not in table

    # Assigned: intake is over, nothing is shown.
    workflow.accept(city, hefei_office)
    unit, _ = unit_with_staff(hefei, "合肥市水务局", "unit-water")
    workflow.assign(city, hefei_office, unit)
    assert (
        'id="duplicates"'
        not in client.get(f"/admin/suggestions/office/{city.pk}/").content.decode()
    )


def test_the_figures_follow_each_change(client, world, people, units, office):
    """Kept in caches between changes, the figures still move with every reply and rating."""
    zhang = people["张伟"]
    before = client.get(API, {"site": "340123"}).json()["total"]
    s = item(world["feixi"], zhang, office, units["lead"], "replied", days_ago=3, cls="D")
    after_reply = client.get(API, {"site": "340123"}).json()["total"]
    assert after_reply["counts"]["handled"] == before["counts"]["handled"] + 1
    client.force_login(office)

    def satisfaction_cell() -> str:
        html = client.get(PAGE).content.decode()
        row = re.search(r'id="stats-total".*?<tbody><tr>(.*?)</tr>', html, re.S).group(1)
        return re.findall(r"<td>(.*?)</td>", row)[6]

    assert satisfaction_cell() == "50.0%(1/2)"  # 满意, 不满意
    workflow.rate(s, zhang.user, "satisfied")  # a rating writes no suggestion row by itself
    assert satisfaction_cell() == "66.7%(2/3)"
