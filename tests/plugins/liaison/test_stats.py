"""留言统计: the office's figures of citizens' messages through the admin page and its Excel
export — counts, rates with their denominators, the roll-up over the site tree, the
period and topic filters, site access, the cache following the workflow, and privacy (no
citizen's name, mobile or text anywhere)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.plugins import set_enabled
from cms.services import accounts
from cms.sitegroup.provisioning import grant_descendant_access, grant_tree_root_access
from plugins.liaison import messages as flow
from plugins.liaison.models import Message

from .conftest import api, citizen_auth, post, unit_with_staff

pytestmark = pytest.mark.django_db

PAGE = "/admin/liaison/statistics/"
EXPORT = "/admin/liaison/statistics/export/"
CITIZEN_NAME, CITIZEN_MOBILE = "欧阳秀兰", "13700000088"
SECRET_TITLE, SECRET_TEXT = "秘密标题甲乙丙", "我家住在幸福路8号,电话13700000088,请不要公开。"


@pytest.fixture
def world(site_group, make_user):
    """Liaison on the province, 合肥, 芜湖, 长丰 and 肥西; a known set of messages; the offices."""
    for code in ("340000", "340100", "340200", "340121", "340123"):
        set_enabled("liaison", site_group[code], True)
    author = accounts.citizen_account(CITIZEN_MOBILE, display_name=CITIZEN_NAME).user
    unit, _staff = unit_with_staff(site_group["340123"], "肥西县住房和城乡建设局", "unit-stats")
    now = timezone.now()
    today = timezone.localdate()

    def message(code, state, *, days_ago, topic="transport", answered_after=None, overdue=False,
                rating="", solved=None, asked=False, unit_=None, received_at=None):  # fmt: skip
        received = received_at or now - dt.timedelta(days=days_ago)
        local = timezone.localtime(received).date()
        due = None
        if state not in ("received", "rejected", "withdrawn"):
            due = today - dt.timedelta(days=10) if overdue else local + dt.timedelta(days=90)
        answered = received + dt.timedelta(days=answered_after) if answered_after is not None \
            else None  # fmt: skip
        return Message.objects.create(
            site=site_group[code].site, author=author, title=SECRET_TITLE, text=SECRET_TEXT,
            original_title=SECRET_TITLE, original_text=SECRET_TEXT, text_hash=flow.text_hash(
                f"{code}{state}{days_ago}{topic}{answered_after}"),
            topic=topic, state=state, received_at=received, due_on=due, answered_at=answered,
            answered_by_name="张伟" if answered else "", answer="已答复。" if answered else "",
            rating=rating, rated_at=answered if rating else None, solved=solved,
            solved_asked_at=answered + dt.timedelta(days=14) if asked or solved is not None
            else None, unit=unit_, moderation_status="pending" if state == "received"
            else "approved",
        )  # fmt: skip

    # 肥西县: eight messages, one of each kind that counts differently.
    message("340123", "closed", days_ago=60, answered_after=10, rating="satisfied", solved=True)
    message("340123", "answered", days_ago=120, answered_after=100, rating="unsatisfied",
            asked=True, unit_=unit)  # fmt: skip
    message("340123", "delivered", days_ago=100, topic="housing", overdue=True)
    message("340123", "forwarded", days_ago=5, topic="housing", unit_=unit)
    message("340123", "rejected", days_ago=30, topic="other")
    message("340123", "withdrawn", days_ago=40, topic="other")
    message("340123", "closed", days_ago=50, topic="health", answered_after=20,
            rating="basically", solved=False)  # fmt: skip
    message("340123", "received", days_ago=2, topic="health")
    # 长丰县: answered on time and open; 合肥市 itself: answered on time; 芜湖市: overdue.
    message("340121", "answered", days_ago=30, answered_after=4, rating="satisfied", asked=True)
    message("340121", "delivered", days_ago=3)
    message("340100", "answered", days_ago=20, topic="economy", answered_after=6, asked=True)
    message("340200", "delivered", days_ago=95, topic="economy", overdue=True)
    # The province itself: one refused long ago (2020).
    message("340000", "rejected", days_ago=0, topic="other",
            received_at=dt.datetime(2020, 3, 1, 10, tzinfo=timezone.get_current_timezone()))  # fmt: skip
    # The province's and 合肥's offices hold the sites below them; 肥西's only its own.
    grant_tree_root_access(site_group["340000"])
    grant_descendant_access(site_group["340100"])
    return {
        "province": make_user("anhui-office", site_group["340000"].editors_group),
        "hefei": make_user("hefei-office", site_group["340100"].editors_group),
        "feixi": make_user("feixi-office-stats", site_group["340123"].editors_group),
    }


def rows_of(html: str, table: str) -> dict[str, list[str]]:
    """``{data-site or data-topic: [cells]}`` of a table on the page (the first cell left out)."""
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    found = {}
    for key, row in re.findall(r'<tr data-(?:site|topic)="([^"]*)">(.*?)</tr>', body, re.S):
        found[key] = re.findall(r"<td>(.*?)</td>", row, re.S)[1:]
    return found


def total_of(html: str) -> list[str]:
    body = html.split('id="stats-total"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<td>(.*?)</td>", body.split("<tbody>", 1)[1], re.S)


# Cells: received, valid, forwarded, answered, on time, overdue, replied, solved,
# satisfaction, ratings, average days.
FEIXI = ["8", "62.5%(5/8)", "2", "60.0%(3/5)", "66.7%(2/3)", "50.0%(1/2)", "66.7%(2/3)",
         "50.0%(1/2)", "66.7%(2/3)", "满意 1 · 基本满意 1 · 不满意 1", "43.3"]  # fmt: skip


def test_the_figures_of_a_county_with_their_denominators(client, world):
    client.force_login(world["feixi"])
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert rows_of(html, "stats-sites") == {"340123": FEIXI}
    assert total_of(html) == FEIXI
    topics = rows_of(html, "stats-topics")
    # transport: the two answered ones (one on time, one late); housing: the two open ones.
    assert topics["transport"][:6] == ["2", "100.0%(2/2)", "1", "100.0%(2/2)", "50.0%(1/2)",
                                       "—(0/0)"]  # fmt: skip
    assert topics["housing"][:6] == ["2", "100.0%(2/2)", "1", "0.0%(0/2)", "—(0/0)", "50.0%(1/2)"]
    assert topics["other"][:2] == ["2", "0.0%(0/2)"]
    assert topics["economy"][0] == "0"
    # Charts: server-side SVG, no script, nothing from another host.
    figures = re.findall(r'<figure class="lianxi-chart">(.*?)</figure>', html, re.S)
    assert len(figures) == 3 and all(f.startswith("<svg") for f in figures)
    assert all("<script" not in f and not re.search(r"(?:href|src)=[\"']https?:", f)
               for f in figures)  # fmt: skip


def test_the_province_rolls_up_cities_with_their_counties(client, world):
    client.force_login(world["province"])
    html = client.get(PAGE, {"site": "340000"}).content.decode()
    sites = rows_of(html, "stats-sites")
    assert list(sites) == ["340000", "340100", "340200"]  # division-code order, no ranking
    assert sites["340000"][:2] == ["1", "0.0%(0/1)"]
    # 合肥市 = its own message + 长丰县's two + 肥西县's eight.
    assert sites["340100"][:6] == ["11", "72.7%(8/11)", "2", "62.5%(5/8)", "80.0%(4/5)",
                                   "33.3%(1/3)"]  # fmt: skip
    assert sites["340200"][:6] == ["1", "100.0%(1/1)", "0", "0.0%(0/1)", "—(0/0)", "100.0%(1/1)"]
    assert total_of(html)[:6] == ["13", "69.2%(9/13)", "2", "55.6%(5/9)", "80.0%(4/5)",
                                  "50.0%(2/4)"]  # fmt: skip
    assert "合肥市人大常委会" in html and "(本级)" in html

    # Hefei's own view: itself, then its counties; sorting by a column is the user's choice.
    hefei = rows_of(client.get(PAGE, {"site": "340100"}).content.decode(), "stats-sites")
    assert list(hefei) == ["340100", "340121", "340123"]
    assert hefei["340123"] == FEIXI and hefei["340121"][:4] == ["2", "100.0%(2/2)", "0",
                                                               "50.0%(1/2)"]  # fmt: skip
    by_received = client.get(PAGE, {"site": "340100", "sort": "received"}).content.decode()
    assert list(rows_of(by_received, "stats-sites")) == ["340100", "340123", "340121"]


def test_period_and_topic_filters(client, world):
    client.force_login(world["province"])
    in_2020 = client.get(PAGE, {"site": "340000", "year": 2020}).content.decode()
    assert total_of(in_2020)[:2] == ["1", "0.0%(0/1)"]
    today = timezone.localdate()
    recent = client.get(PAGE, {"site": "340123", "since": (today - dt.timedelta(days=45)),
                               "until": today}).content.decode()  # fmt: skip
    # Received within 45 days in 肥西: forwarded (5), rejected (30), withdrawn (40), held (2).
    assert total_of(recent)[:2] == ["4", "25.0%(1/4)"]
    transport = client.get(PAGE, {"site": "340100", "topic": "transport"}).content.decode()
    assert total_of(transport)[:4] == ["4", "100.0%(4/4)", "1", "75.0%(3/4)"]
    wrong = client.get(PAGE, {"year": 2020, "since": "2020-01-01"})
    assert wrong.status_code == 400 and "年度和收到日期只能选一种" in wrong.content.decode()
    backwards = client.get(EXPORT, {"since": "2026-02-01", "until": "2026-01-01"})
    assert backwards.status_code == 400 and "结束日期不能早于开始日期" in backwards.content.decode()


def test_a_county_office_sees_only_its_county(client, world, site_group):
    client.force_login(world["feixi"])
    html = client.get(PAGE).content.decode()
    assert "长丰县" not in html and "合肥市人大常委会(含下级)" not in html
    assert client.get(PAGE, {"site": "340100"}).status_code == 400
    assert client.get(EXPORT, {"site": "340121"}).status_code == 400
    # Without the plugin on its site, or without the permission to read messages: nothing.
    set_enabled("liaison", site_group["340123"], False)
    assert client.get(PAGE).status_code == 404
    client.logout()
    client.force_login(world["province"])
    assert client.get(PAGE).status_code == 200


def _sheet(workbook, title) -> dict[str, dict]:
    rows = list(workbook[title].iter_rows(values_only=True))
    header = rows[0]
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in rows[1:]}


def test_the_export_gives_the_sites_the_total_and_the_topics(client, world):
    client.force_login(world["hefei"])
    response = client.get(EXPORT, {"site": "340100"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["各站点", "按类别", "说明"]
    sites = _sheet(workbook, "各站点")
    assert list(sites) == ["合肥市人大常委会(本级)", "长丰县人大常委会", "肥西县人大常委会", "合计"]
    feixi = sites["肥西县人大常委会"]
    assert (feixi["收到(件)"], feixi["有效(件)"], feixi["已答复(件)"], feixi["按期答复(件)"],
            feixi["超期答复(件)"], feixi["未答复(件)"], feixi["逾期未答复(件)"]) == (8, 5, 3, 2, 1, 2, 1)  # fmt: skip
    assert (feixi["已询问是否解决(件)"], feixi["已回复是否解决(件)"], feixi["已解决(件)"]) == (
        3,
        2,
        1,
    )
    assert feixi["答复率%(已答复/有效)"] == 60.0 and feixi["按期答复率%(按期答复/已答复)"] == 66.7
    assert feixi["解决率%(已解决/已回复)"] == 50.0 and feixi["平均答复天数(自然日)"] == 43.3
    total = sites["合计"]
    assert (total["收到(件)"], total["有效(件)"], total["已答复(件)"]) == (11, 8, 5)
    assert total["满意(件)"] == 2 and total["满意率%((满意+基本满意)/已评价)"] == 75.0
    topics = _sheet(workbook, "按类别")
    assert topics["交通出行"]["收到(件)"] == 4 and topics["合计"]["收到(件)"] == 11
    assert topics["教育"]["收到(件)"] == 0 and topics["教育"]["答复率%(已答复/有效)"] is None
    about = dict(r[:2] for r in workbook["说明"].iter_rows(values_only=True) if r[0])
    assert about["统计范围"].startswith("合肥市人大常委会") and "平均答复天数" in about


def test_neither_page_nor_export_names_the_citizen_or_quotes_a_message(client, world):
    client.force_login(world["province"])
    html = client.get(PAGE, {"site": "340000"}).content.decode()
    export = client.get(EXPORT, {"site": "340000"}).content
    with zipfile.ZipFile(io.BytesIO(export)) as book:
        xml = "".join(book.read(name).decode() for name in book.namelist()
                      if name.endswith(".xml"))  # fmt: skip
    for text in (html, xml):
        for secret in (CITIZEN_NAME, CITIZEN_MOBILE, SECRET_TITLE, "幸福路", "已答复。"):
            assert secret not in text


def test_the_figures_follow_the_workflow(client, world, site_group):
    """Cached figures change with each move, rating and "was it solved?" question."""
    from tests.plugins.suggestions.conftest import make_deputy

    zhang = make_deputy("张伟", "13900000011", "340123")
    citizen = citizen_auth("13700000001")
    client.force_login(world["feixi"])

    def feixi() -> list[str]:
        return rows_of(client.get(PAGE).content.decode(), "stats-sites")["340123"]

    assert feixi() == FEIXI
    sent = post(client, citizen, "messages/", {"title": "路灯不亮", "text": "文化路路灯坏了。",
                                               "topic": "governance", "addressed_to": "deputy",
                                               "deputy": zhang.ref})  # fmt: skip
    assert sent.status_code == 201, sent.content
    pk = sent.json()["id"]
    assert feixi()[:6] == ["9", "66.7%(6/9)", "2", "50.0%(3/6)", "66.7%(2/3)", "33.3%(1/3)"]
    reply = post(client, zhang.auth, f"inbox/{pk}/reply/", {"text": "已联系镇政府维修。"})
    assert reply.status_code == 200
    assert feixi()[3:5] == ["66.7%(4/6)", "75.0%(3/4)"]
    assert post(client, citizen, f"messages/{pk}/rate/", {"result": "satisfied"}).status_code == 200
    assert feixi()[8:10] == ["75.0%(3/4)", "满意 2 · 基本满意 1 · 不满意 1"]
    Message.objects.filter(pk=pk).update(answered_at=timezone.now() - dt.timedelta(days=15))
    assert flow.ask_solved() == 1
    assert feixi()[6] == "50.0%(2/4)"  # asked: one more, not replied yet
    done = post(client, citizen, f"messages/{pk}/solved/", {"solved": True})
    assert done.status_code == 200
    assert feixi()[6:8] == ["75.0%(3/4)", "66.7%(2/3)"]
    assert client.get(api(f"messages/{pk}/"), **citizen).json()["status"] == "closed"


def liaison_menu(client, user) -> list[str]:
    """The labels of the "联系群众" submenu in the admin sidebar ([] when absent)."""
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    for item in json.loads(props.group(1))["modules"][2]["_args"][0]:
        if item["_type"].endswith("SubMenuItem") and item["_args"][0]["label"] == "联系群众":
            return [child["_args"][0]["label"] for child in item["_args"][1]]
    return []


def test_the_menu_offers_the_page_under_liaison(client, world, site_group):
    assert liaison_menu(client, world["feixi"])[:2] == ["群众留言", "留言统计"]
    set_enabled("liaison", site_group["340123"], False)
    assert "留言统计" not in liaison_menu(client, world["feixi"])


STATS_API = "/api/v1/liaison/statistics/"


def test_the_public_statistics_give_counts_and_withhold_small_rows(client, world, site_group):
    response = client.get(STATS_API, {"site": "340100"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["scope"]["code"] == "340100" and data["sites_counted"] == 3
    total = data["total"]
    assert total["counts"] == {"received": 11, "valid": 8, "answered": 5, "on_time": 4,
                               "open": 3, "overdue": 1}  # fmt: skip
    assert total["withheld"] is False
    assert total["on_time"] == {"numerator": 4, "denominator": 5, "percent": 80.0}
    assert total["satisfaction"] == {"numerator": 3, "denominator": 4, "percent": 75.0}
    assert total["solved"] == {"numerator": 1, "denominator": 2, "percent": 50.0}
    assert [row["site"]["code"] for row in data["sites"]] == ["340100", "340121", "340123"]
    feixi = data["sites"][2]
    # Three answers only: counts, no rates, no ratings (one could be a published message's).
    assert feixi["counts"]["received"] == 8 and feixi["withheld"] is True
    assert feixi["on_time"] is None and feixi["ratings"] is None and feixi["average_days"] is None
    # What only the office reads is not there: forwarding, the questions asked.
    assert "forwarded" not in total["counts"] and "asked" not in total["counts"]
    text = response.content.decode()
    for secret in (CITIZEN_NAME, CITIZEN_MOBILE, SECRET_TITLE, "幸福路"):
        assert secret not in text
    topics = {row["topic"]: row for row in data["topics"]}
    assert topics["transport"]["counts"]["received"] == 4

    bad = client.get(STATS_API, {"site": "340123", "since": "2026-05-01", "until": "2026-04-01"})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert bad.json()["errors"][0]["field"] == "until"
    both = client.get(STATS_API, {"site": "340123", "year": 2026, "since": "2026-01-01"})
    assert both.status_code == 400 and both.json()["errors"][0]["field"] == "year"
    set_enabled("liaison", site_group["340123"], False)
    assert client.get(STATS_API, {"site": "340123"}).status_code == 404
    # A switched-off county is counted nowhere, not even in its city's total.
    assert client.get(STATS_API, {"site": "340100"}).json()["total"]["counts"]["received"] == 3
