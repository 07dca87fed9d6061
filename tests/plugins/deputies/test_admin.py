"""The deputies admin, through the Django test client as real staff users.

Who: a superuser, the editors of 肥西 (340123) and 长丰 (340121), and a 合肥
(340100) editor granted on its counties. What: each sees and edits only the
rows of their sites (people also where they hold a seat), crafted posts with
another county's records are refused, the private fields are stored encrypted,
shown masked and never listed, exported or logged, and a site that switched
the plugin off has no menu and no rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from cms.plugins import set_enabled
from cms.plugins.testing import PluginAdminTests
from cms.sitegroup.provisioning import grant_descendant_access
from plugins.deputies import models as m
from plugins.deputies import privacy
from tests.plugins.deputies.conftest import ID_NUMBERS, valid_id_number

ADMIN = "/admin/deputies"


@pytest.fixture
def users(site_group, make_user):
    grant_descendant_access(site_group["340100"])
    return {
        "feixi": make_user("feixi-editor", site_group["340123"].editors_group),
        "changfeng": make_user("changfeng-editor", site_group["340121"].editors_group),
        "hefei": make_user("hefei-editor", site_group["340100"].editors_group),
        "root": make_user("root", superuser=True),
    }


def listed(client, user, model, query=""):
    client.force_login(user)
    response = client.get(f"{ADMIN}/{model}/{query}")
    assert response.status_code == 200, response.status_code
    return list(response.context["object_list"])


def names(objects):
    return {str(obj) for obj in objects}


def person_post(site, **overrides):
    data = {
        "name": "赵敏",
        "gender": "female",
        "ethnicity": "汉族",
        "birth_date": "1985-04-01",
        "party": "cpc",
        "education": "university",
        "occupation": "上派镇卫生院医生",
        "occupation_category": "professional",
        "title": "",
        "biography": "",
        "site": site.site_id,
        "id_number": "",
        "mobile": "13912345678",
        "address": "肥西县上派镇某路 8 号",
    }
    data.update(overrides)
    return data


def membership_post(register, person, code, **overrides):
    data = {
        "person": person.pk,
        "term": register.terms[code].pk,
        "delegation": "",
        "deputy_group": "",
        "constituency": "",
        "election": "direct",
        "start_date": "2021-12-20",
        "end_date": "",
        "end_reason": "",
    }
    data.update(overrides)
    return data


# --- Menu and lists ---------------------------------------------------------------


def deputies_menu(client, user) -> list[str]:
    """The labels of the "代表履职" submenu in the admin sidebar ([] when absent)."""
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    props = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    menu = json.loads(props.group(1))["modules"][2]["_args"][0]
    for item in menu:
        if item["_type"].endswith("SubMenuItem") and item["_args"][0]["label"] == "代表履职":
            return [child["_args"][0]["label"] for child in item["_args"][1]]
    return []


def test_menu_group_lists_the_daily_screens_first(client, register, users):
    labels = deputies_menu(client, users["feixi"])
    assert labels[:7] == [
        "代表",
        "代表资格",
        "履职记录",
        "联络站",
        "接待安排",
        "导入与导出",
        "代表账号",
    ]
    assert {"人民代表大会", "届次", "代表团", "代表小组", "选区", "职务", "任职"} <= set(labels)
    assert deputies_menu(client, users["root"]) == labels


PEOPLE = {
    "feixi": {"张伟", "李芳", "王秀英"},  # 王秀英 sits in 上派镇, a township on 肥西's site
    "changfeng": {"曾国华"},
    "hefei": {"张伟", "李芳", "王秀英", "曾国华"},
    "root": {"张伟", "李芳", "王秀英", "曾国华", "陈静"},
}


@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_people_list_shows_only_the_users_sites(client, register, users, who):
    assert names(listed(client, users[who], "person")) == PEOPLE[who]


def test_memberships_and_terms_are_listed_per_site(client, register, users):
    seats = listed(client, users["feixi"], "membership")
    assert {s.term.congress.division_code for s in seats} == {"340123", "340123100"}
    terms = listed(client, users["changfeng"], "term")
    assert [t.congress.division_code for t in terms] == ["340121"]


def test_people_list_queries_do_not_grow_with_rows(client, register, users):
    client.force_login(users["root"])
    client.get(f"{ADMIN}/person/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{ADMIN}/person/").status_code == 200
    for n in range(5):
        register.add_person("340121", f"新代表{n}", id_number=valid_id_number(100 + n, "340121"))
    with CaptureQueriesContext(connection) as more:
        assert len(client.get(f"{ADMIN}/person/").context["object_list"]) == 10
    assert len(more) == len(few), [q["sql"] for q in more.captured_queries]


def test_people_search_by_name_and_pinyin(client, register, users):
    for query in ("张", "zhangwei", "zhang wei", "Zhang W", "zw", "ZW"):
        found = listed(client, users["feixi"], "person", f"?q={query}")
        assert names(found) == {"张伟"}, query
    # Readings match from their start: "wei" and "w" are no surname here.
    assert names(listed(client, users["feixi"], "person", "?q=wei")) == set()
    assert names(listed(client, users["feixi"], "person", "?q=w")) == {"王秀英"}
    # 曾 reads "zeng" as a surname and "ceng" otherwise; both find him.
    assert names(listed(client, users["changfeng"], "person", "?q=cgh")) == {"曾国华"}
    assert names(listed(client, users["feixi"], "person", "?q=zgh")) == set()


def test_people_filter_by_level_gender_and_party(client, register, users):
    root = users["root"]
    assert names(listed(client, root, "person", "?level=township")) == {"王秀英"}
    assert names(listed(client, root, "person", "?level=municipal")) == {"张伟"}
    assert names(listed(client, root, "person", "?gender__exact=female")) == {
        "李芳",
        "王秀英",
        "陈静",
    }
    assert names(listed(client, root, "person", "?party__exact=cdl")) == {"曾国华"}


# --- Isolation of single rows ---------------------------------------------------------


def test_another_countys_rows_cannot_be_opened_or_changed(client, register, users):
    client.force_login(users["feixi"])
    other = register.people["曾国华"]
    for action in ("edit", "delete", "inspect"):
        assert client.get(f"{ADMIN}/person/{action}/{other.pk}/").status_code == 404, action
    response = client.post(
        f"{ADMIN}/person/edit/{other.pk}/", person_post(register.congresses["340121"], name="X")
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "曾国华"
    term = register.terms["340121"]
    assert client.get(f"{ADMIN}/term/edit/{term.pk}/").status_code == 404
    seat = other.memberships.get()
    assert client.get(f"{ADMIN}/membership/edit/{seat.pk}/").status_code == 404
    assert client.post(f"{ADMIN}/membership/delete/{seat.pk}/").status_code == 404
    assert m.Membership.objects.filter(pk=seat.pk).exists()


def test_a_person_seated_in_the_county_is_managed_there_but_not_deleted(client, register, users):
    """赵敏 was registered by the city and also sits in 肥西: 肥西's staff edit her profile
    (the registering office stays the city) but may not delete her city seat with her."""
    person = register.add_person("340100", "赵敏", id_number=valid_id_number(7, "340104"))
    m.Membership.objects.create(
        person=person, term=register.terms["340123"], congress=register.congresses["340123"],
        election=m.Election.DIRECT, start_date=datetime.date(2021, 12, 20),
    )  # fmt: skip
    client.force_login(users["feixi"])
    assert "赵敏" in names(listed(client, users["feixi"], "person"))
    html = client.get(f"{ADMIN}/person/inspect/{person.pk}/").content.decode()
    assert "合肥市人民代表大会第十七届；肥西县人民代表大会第十八届" in html
    page = client.get(f"{ADMIN}/person/edit/{person.pk}/")
    assert page.status_code == 200
    assert 'name="site"' not in page.content.decode()
    data = person_post(register.congresses["340123"], occupation="肥西县某中学教师")
    data.pop("site")
    response = client.post(f"{ADMIN}/person/edit/{person.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    person.refresh_from_db()
    assert person.occupation == "肥西县某中学教师"
    assert person.site_id == register.congresses["340100"].site_id
    assert person.id_number == valid_id_number(7, "340104")  # empty field kept it
    assert client.post(f"{ADMIN}/person/delete/{person.pk}/").status_code in (302, 403)
    assert m.Person.objects.filter(pk=person.pk).exists()


def test_crafted_post_with_another_countys_term_is_refused(client, register, users):
    client.force_login(users["feixi"])
    person = register.people["李芳"]
    before = m.Membership.objects.count()
    response = client.post(
        f"{ADMIN}/membership/create/", membership_post(register, person, "340121")
    )
    assert response.status_code == 200
    assert "term" in response.context["form"].errors
    # ...nor another county's person on an own term.
    other = register.people["曾国华"]
    response = client.post(
        f"{ADMIN}/membership/create/", membership_post(register, other, "340123100")
    )
    assert "person" in response.context["form"].errors
    assert m.Membership.objects.count() == before


def test_membership_create_copies_the_site_and_shows_model_errors(client, register, users):
    client.force_login(users["hefei"])
    person = register.people["李芳"]
    # A delegation of another term of the user's own sites: Membership.clean() says so.
    wrong = membership_post(
        register, person, "340123100", delegation=register.delegations["340100"].pk
    )
    response = client.post(f"{ADMIN}/membership/create/", wrong)
    assert response.status_code == 200
    assert "delegation" in response.context["form"].errors
    response = client.post(
        f"{ADMIN}/membership/create/",
        membership_post(register, person, "340123100", end_reason="resigned"),
    )
    assert "end_date" in response.context["form"].errors
    response = client.post(
        f"{ADMIN}/membership/create/", membership_post(register, person, "340123100")
    )
    assert response.status_code == 302
    seat = person.memberships.get(term=register.terms["340123100"])
    assert seat.site_id == register.congresses["340123"].site_id  # the township's county
    assert seat.congress == register.congresses["340123100"]


def test_term_create_takes_the_site_of_its_congress(client, register, users):
    client.force_login(users["hefei"])
    congress = register.congresses["340121"]
    data = {"congress": congress.pk, "number": 19, "start_date": "2026-12-01", "end_date": ""}
    assert client.post(f"{ADMIN}/term/create/", data).status_code == 302
    assert m.Term.objects.get(congress=congress, number=19).site_id == congress.site_id
    client.force_login(users["feixi"])
    data["number"] = 20
    response = client.post(f"{ADMIN}/term/create/", data)
    assert "congress" in response.context["form"].errors
    assert not m.Term.objects.filter(number=20).exists()


def test_a_county_registers_only_its_own_and_its_townships_congresses(client, register, users):
    client.force_login(users["feixi"])
    site = register.congresses["340123"].site_id
    data = {"site": site, "name": "桃花镇人民代表大会", "level": "township", "founding_date": ""}
    for code in ("340124", "340121100", "100000"):
        response = client.post(f"{ADMIN}/congress/create/", dict(data, division_code=code))
        assert "division_code" in response.context["form"].errors, code
    response = client.post(f"{ADMIN}/congress/create/", dict(data, division_code="340123101"))
    assert response.status_code == 302
    assert m.Congress.objects.get(division_code="340123101").site_id == site


# --- Private fields ---------------------------------------------------------------


def test_person_create_stores_the_id_number_encrypted_and_shows_it_masked(client, register, users):
    client.force_login(users["feixi"])
    id_number = valid_id_number(42)
    response = client.post(
        f"{ADMIN}/person/create/", person_post(register.congresses["340123"], id_number=id_number)
    )
    assert response.status_code == 302, response.context["form"].errors
    person = m.Person.objects.get(name="赵敏")
    assert person.site_id == register.congresses["340123"].site_id
    assert person.id_number_digest == privacy.digest(id_number)
    assert id_number not in person.id_number_encrypted and person.id_number == id_number
    assert person.mobile == "13912345678" and "13912345678" not in person.mobile_encrypted
    assert person.name_pinyin == "zhaomin"

    html = client.get(f"{ADMIN}/person/edit/{person.pk}/").content.decode()
    assert id_number not in html
    assert privacy.mask_id_number(id_number) in html
    for url in (f"{ADMIN}/person/", f"{ADMIN}/person/inspect/{person.pk}/"):
        html = client.get(url).content.decode()
        assert "赵敏" in html
        for secret in (id_number, privacy.mask_id_number(id_number), "13912345678", "某路 8 号"):
            assert secret not in html, (url, secret)
    assert "上派镇卫生院医生" in html  # the inspect view shows the public profile

    # Neither the creation nor an edit logs a private value.
    data = person_post(register.congresses["340123"], mobile="13800000001", address="新地址 9 号")
    client.post(f"{ADMIN}/person/edit/{person.pk}/", data)
    person.refresh_from_db()
    assert person.mobile == "13800000001" and person.id_number == id_number
    entries = ModelLogEntry.objects.filter(object_id=str(person.pk), content_type__model="person")
    assert {e.action for e in entries} == {"wagtail.create", "wagtail.edit"}
    logged = json.dumps([[e.label, e.data] for e in entries], ensure_ascii=False)
    for secret in (id_number, id_number[-4:], "13912345678", "13800000001", "新地址"):
        assert secret not in logged


def test_person_create_refuses_bad_and_duplicate_id_numbers(client, register, users):
    taken = valid_id_number(11, "340121")
    register.add_person("340121", "孙强", id_number=taken)  # a 长丰 deputy
    client.force_login(users["feixi"])
    site = register.congresses["340123"]
    before = m.Person.objects.count()
    good = valid_id_number(12)
    cases = {
        "": "必需",
        "34012319900101123": "18 位",
        good[:-1] + ("0" if good[-1] != "0" else "1"): "校验码不正确",
        taken: privacy.mask_id_number(taken),  # already registered, by another county
    }
    for id_number, message in cases.items():
        response = client.post(f"{ADMIN}/person/create/", person_post(site, id_number=id_number))
        assert response.status_code == 200, id_number
        errors = response.context["form"].errors["id_number"]
        assert any(message in e for e in errors), (id_number, errors)
        if id_number:
            assert all(id_number not in e for e in errors)
    response = client.post(
        f"{ADMIN}/person/create/", person_post(site, id_number=valid_id_number(5), mobile="1391")
    )
    assert "mobile" in response.context["form"].errors
    assert m.Person.objects.count() == before


def test_editing_another_persons_id_number_into_a_duplicate_is_refused(client, register, users):
    client.force_login(users["feixi"])
    person = register.people["王秀英"]
    data = person_post(register.congresses["340123"], name="王秀英", id_number=ID_NUMBERS[1])
    response = client.post(f"{ADMIN}/person/edit/{person.pk}/", data)
    errors = response.context["form"].errors["id_number"]
    assert errors == [
        f"身份证号 {privacy.mask_id_number(ID_NUMBERS[1])} 已登记为另一位代表，请勿重复登记。"
    ]
    person.refresh_from_db()
    assert person.id_number == ID_NUMBERS[4]


def test_spreadsheet_export_lists_public_fields_only(client, register, users):
    client.force_login(users["hefei"])
    response = client.get(f"{ADMIN}/person/?export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["姓名", "性别", "民族"]
    assert {row[0] for row in rows[1:]} == PEOPLE["hefei"]
    for secret in ID_NUMBERS + ["13900000000", "某路 1 号", "3401**"]:
        assert secret not in body
    response = client.get(f"{ADMIN}/person/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# --- Stations and the performance record ------------------------------------------------


def test_station_form_stores_weekdays_and_offers_only_own_people(client, register, users):
    client.force_login(users["feixi"])
    site = register.congresses["340123"]
    data = {
        "site": site.site_id,
        "congress": site.pk,
        "name": "上派镇代表联络站",
        "kind": "station",
        "division_code": "340123100",
        "address": "上派镇政务中心",
        "latitude": "31.7",
        "longitude": "117.17",
        "phone": "",
        "opening_hours": "",
        "reception_weekdays": ["3", "1"],
        "description": "",
        "deputies": [register.people["李芳"].pk],
        "is_public": "on",
    }
    outsider = dict(data, deputies=[register.people["曾国华"].pk])
    response = client.post(f"{ADMIN}/liaisonstation/create/", outsider)
    assert "deputies" in response.context["form"].errors
    response = client.post(f"{ADMIN}/liaisonstation/create/", data)
    assert response.status_code == 302, response.context["form"].errors
    station = m.LiaisonStation.objects.get(name="上派镇代表联络站")
    assert station.reception_weekdays == [1, 3]
    assert list(station.deputies.all()) == [register.people["李芳"]]
    html = client.get(f"{ADMIN}/liaisonstation/edit/{station.pk}/").content.decode()
    checked = re.findall(r'name="reception_weekdays" value="(\d)"[^>]*checked', html)
    assert checked == ["1", "3"]


def test_entries_of_other_plugins_are_read_only(client, register, users):
    seat = register.people["李芳"].memberships.get()
    mine = m.PerformanceEntry.objects.create(
        membership=seat, kind="inspection", date=datetime.date(2026, 5, 1), title="视察农田"
    )
    theirs = m.PerformanceEntry.objects.create(
        membership=seat, kind="suggestion", date=datetime.date(2026, 5, 2), title="关于道路的建议",
        source="suggestions", source_ref="42",
    )  # fmt: skip
    client.force_login(users["root"])
    assert client.get(f"{ADMIN}/performanceentry/edit/{mine.pk}/").status_code == 200
    assert client.get(f"{ADMIN}/performanceentry/edit/{theirs.pk}/").status_code in (302, 403)
    assert client.post(f"{ADMIN}/performanceentry/delete/{theirs.pk}/").status_code in (302, 403)
    assert client.get(f"{ADMIN}/performanceentry/inspect/{theirs.pk}/").status_code == 200
    data = {"membership": seat.pk, "kind": "research", "date": "2026-06-01", "quantity": "1",
            "title": "专题调研", "url": ""}  # fmt: skip
    assert client.post(f"{ADMIN}/performanceentry/create/", data).status_code == 302
    entry = m.PerformanceEntry.objects.get(title="专题调研")
    assert entry.source == "deputies" and entry.site_id == seat.site_id


# --- The person chooser -----------------------------------------------------------


def test_person_chooser_offers_only_the_users_people(client, register, users):
    client.force_login(users["feixi"])
    seat = register.people["李芳"].memberships.get()
    html = client.get(f"{ADMIN}/membership/edit/{seat.pk}/").content.decode()
    assert "/admin/deputies_person_chooser/" in html and "李芳" in html
    response = client.get("/admin/deputies_person_chooser/?q=zw")
    assert response.status_code == 200
    html = response.json()["html"]
    assert "张伟" in html and "曾国华" not in html
    html = client.get("/admin/deputies_person_chooser/results/").content.decode()
    assert "李芳" in html and "曾国华" not in html and "陈静" not in html
    other = register.people["曾国华"]
    assert client.get(f"/admin/deputies_person_chooser/chosen/{other.pk}/").status_code == 404
    mine = register.people["李芳"]
    assert client.get(f"/admin/deputies_person_chooser/chosen/{mine.pk}/").status_code == 200


# --- The plugin switched off ---------------------------------------------------------


def test_switched_off_site_hides_menu_and_rows(client, register, users, site_group):
    set_enabled("deputies", site_group["340123"], False)
    assert deputies_menu(client, users["feixi"]) == []
    assert client.get(f"{ADMIN}/person/").status_code in (302, 403)
    seat = register.people["李芳"].memberships.get()
    assert client.get(f"{ADMIN}/membership/edit/{seat.pk}/").status_code == 404
    # 合肥's editor still has the city: 张伟 (a city deputy) stays, 肥西's own people go.
    assert names(listed(client, users["hefei"], "person")) == {"张伟", "曾国华"}
    set_enabled("deputies", site_group["340123"], True)
    assert "李芳" in names(listed(client, users["feixi"], "person"))


class TestCongressAdmin(PluginAdminTests):
    """The plugin framework's own admin checks, on the congress screen."""

    plugin_label = "deputies"
    model = "deputies.Congress"

    def make_object(self, profile, **overrides):
        count = m.Congress.objects.count()
        return m.Congress.objects.create(
            site_id=profile.site_id,
            name=f"测试人民代表大会{count}",
            level=m.Level.COUNTY,
            division_code=f"{349000 + count}",
            **overrides,
        )
