"""The public deputies API (/api/v1/deputies/…?site=), on the small ``register`` of conftest.py.

Site 340123 (肥西县) hosts the county congress (张伟, 李芳) and the 上派镇 township
congress (王秀英); 340100 (合肥市) the city congress (张伟 again); 340121 (长丰县)
曾国华; 340000 the provincial (陈静) and national congresses.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from cms.plugins import set_enabled
from cms.plugins.testing import PluginAPITests
from cms.services.models import CalendarDay
from plugins.deputies import models as m
from plugins.deputies.privacy import digest
from tests.api import query_baselines

from .conftest import ID_NUMBERS, valid_id_number

API = "/api/v1/deputies/"
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_server_side_cache(settings):
    # Tests change rows with QuerySet.update() (no signals, so no invalidation) and
    # ask the same URL again; the cache headers are still set (see the last tests).
    settings.LIANXI_API_CACHE_ENABLED = False


def get(client, path, **params):
    return client.get(path, params)


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


def assert_problem(response, status, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def past_term(register, code, number, start, end):
    return m.Term.objects.create(
        congress=register.congresses[code], number=number, start_date=start, end_date=end
    )


def seat(person, term, **fields):
    fields.setdefault("election", m.Election.DIRECT)
    fields.setdefault("start_date", term.start_date)
    return m.Membership.objects.create(person=person, congress=term.congress, term=term, **fields)


def new_person(register, code, name, seed, **profile):
    return register.add_person(code, name, id_number=valid_id_number(seed), **profile)


# --- the list ----------------------------------------------------------------------


def test_list_of_a_county_site_holds_its_congresses_current_deputies(client, register):
    response = get(client, API, site="340123")
    assert names(response) == ["李芳", "王秀英", "张伟"]  # by pinyin: li, wang, zhang
    data = response.json()
    assert (data["count"], data["next"], data["previous"]) == (3, None, None)
    zhang = data["results"][2]
    assert zhang["birth"] == "1990-01" and zhang["party_label"] == "中国共产党"
    assert zhang["seat"]["congress"]["division_code"] == "340123"
    assert zhang["seat"]["term"]["number"] == 18 and zhang["seat"]["election"] == "direct"
    assert zhang["seat"]["constituency"]["name"] == "第一选区"
    assert zhang["posts"] == [] and zhang["photo"] is None
    # The city's list holds 张伟 with his city seat.
    city = get(client, API, site="340100").json()["results"]
    assert [(d["name"], d["seat"]["congress"]["division_code"]) for d in city] == [
        ("张伟", "340100")
    ]


def test_township_code_scopes_to_that_townships_congress(client, register):
    response = get(client, API, site="340123100")
    assert names(response) == ["王秀英"]
    assert response.json()["results"][0]["seat"]["level"] == "township"


def test_level_congress_and_constituency_filters(client, register):
    assert names(get(client, API, site="340123", level="township")) == ["王秀英"]
    assert names(get(client, API, site="340123", level="county")) == ["李芳", "张伟"]
    assert names(get(client, API, site="340123", level="municipal")) == []
    assert names(get(client, API, site="340123", congress="340123100")) == ["王秀英"]
    county = register.constituencies["340123"].pk
    township = register.constituencies["340123100"].pk
    assert names(get(client, API, site="340123", constituency=county)) == ["李芳", "张伟"]
    assert names(get(client, API, site="340123", constituency=township)) == ["王秀英"]


def test_delegation_filter(client, register):
    delegation = register.delegations["340100"]
    other = m.Delegation.objects.create(term=register.terms["340100"], name="长丰县代表团")
    assert names(get(client, API, site="340100", delegation=delegation.pk)) == ["张伟"]
    assert names(get(client, API, site="340100", delegation=other.pk)) == []


def test_gender_and_party_filters(client, register):
    assert names(get(client, API, site="340123", gender="female")) == ["李芳", "王秀英"]
    assert names(get(client, API, site="340123", gender="male")) == ["张伟"]
    assert names(get(client, API, site="340123", party="cpc")) == ["张伟"]
    assert names(get(client, API, site="340123", party="none")) == ["李芳"]


def test_term_defaults_to_the_current_one_and_current_to_seats_not_ended(client, register):
    old = past_term(register, "340123", 17, datetime.date(2016, 12, 1), datetime.date(2021, 12, 19))
    zhao = new_person(register, "340123", "赵强", 101)  # seated in term 18 too
    former = m.Person(site=register.congresses["340123"].site, name="钱进", gender="male")
    former.id_number = valid_id_number(102)
    former.save()
    seat(former, old)
    seat(register.people["张伟"], old)

    assert names(get(client, API, site="340123")) == ["李芳", "王秀英", "张伟", "赵强"]
    # Term 17 has ended: its seats are no longer current.
    assert names(get(client, API, site="340123", term=17)) == []
    assert names(get(client, API, site="340123", term="17", current="false")) == ["钱进", "张伟"]
    everyone = get(client, API, site="340123", term="all", current="false")
    assert names(everyone) == ["李芳", "钱进", "王秀英", "张伟", "赵强"]
    assert everyone.json()["count"] == 5  # people, not seats: 张伟 holds two
    men = get(client, API, site="340123", term="all", current="false", gender="male").json()
    assert men["count"] == 3 and [d["name"] for d in men["results"]] == ["钱进", "张伟", "赵强"]
    # One row per person: 张伟's seat is the latest term's.
    zhang = next(d for d in everyone.json()["results"] if d["name"] == "张伟")
    assert zhang["seat"]["term"]["number"] == 18

    # A seat that ended yesterday drops out by default, and is back with current=false.
    m.Membership.objects.filter(person=zhao).update(
        end_date=YESTERDAY, end_reason=m.EndReason.RESIGNED
    )
    assert "赵强" not in names(get(client, API, site="340123"))
    ended = get(client, API, site="340123", current="false").json()["results"]
    zhao_seat = next(d["seat"] for d in ended if d["name"] == "赵强")
    assert zhao_seat["is_current"] is False and zhao_seat["end_reason_label"] == "辞职"


@pytest.mark.parametrize(
    "q", ["张伟", "张", "伟", "zhangwei", "Zhang Wei", "ZW", "zw", "zhangw", "ZHANG"]
)
def test_name_search_in_characters_and_pinyin(client, register, q):
    assert names(get(client, API, site="340123", q=q)) == ["张伟"]


def test_name_search_pages_carry_the_count_of_all_matches(client, register):
    new_person(register, "340123", "张伟", 103)  # a namesake, seated on the same site
    first = get(client, API, site="340123", q="zhangwei", limit=1).json()
    assert first["count"] == 2 and len(first["results"]) == 1 and first["next"]
    second = get(client, API, site="340123", q="zhangwei", limit=1, offset=1).json()
    assert second["count"] == 2 and second["results"][0]["id"] != first["results"][0]["id"]
    beyond = get(client, API, site="340123", q="zhangwei", limit=1, offset=5).json()
    assert beyond["count"] == 2 and beyond["results"] == []


def test_name_search_finds_nobody_else(client, register):
    assert names(get(client, API, site="340123", q="lf")) == ["李芳"]
    assert names(get(client, API, site="340123", q="wei")) == []  # not the start of a reading
    assert names(get(client, API, site="340123", q="陈静")) == []  # another site's deputy
    assert names(get(client, API, site="340121", q="zeng")) == ["曾国华"]  # surname reading


def test_name_search_ranks_the_usual_reading_first(client, register):
    # 丁 is usually read dīng but also zhēng: "zw" finds 丁伟 too, after 张伟.
    register.add_person("340123", "丁伟", id_number=valid_id_number(7))
    register.add_person("340123", "张伟国", id_number=valid_id_number(8))
    assert names(get(client, API, site="340123", q="zw")) == ["张伟", "张伟国", "丁伟"]
    assert names(get(client, API, site="340123", q="伟")) == ["丁伟", "张伟", "张伟国"]
    assert names(get(client, API, site="340123", q="张伟")) == ["张伟", "张伟国"]


def test_limit_offset_pagination(client, register):
    first = get(client, API, site="340123", limit=2).json()
    assert [d["name"] for d in first["results"]] == ["李芳", "王秀英"]
    assert first["count"] == 3 and first["previous"] is None
    assert "offset=2" in first["next"] and "limit=2" in first["next"]
    second = client.get(first["next"]).json()
    assert [d["name"] for d in second["results"]] == ["张伟"]
    assert second["next"] is None and "offset" not in second["previous"]
    assert get(client, API, site="340123", offset=10).json()["results"] == []


@pytest.mark.parametrize(
    "params, field",
    [
        ({"gender": "x"}, "gender"),
        ({"party": "communist"}, "party"),
        ({"level": "city"}, "level"),
        ({"term": "abc"}, "term"),
        ({"term": "0"}, "term"),
        ({"current": "maybe"}, "current"),
        ({"delegation": "abc"}, "delegation"),
        ({"constituency": "-1"}, "constituency"),
        ({"congress": "12"}, "congress"),
        ({"congress": "340100"}, "congress"),  # not one of this site's congresses
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"offset": "-1"}, "offset"),
    ],
)
def test_bad_filter_values_are_400_problems_naming_the_field(client, register, params, field):
    body = assert_problem(get(client, API, site="340123", **params), 400, field)
    assert body["type"] == "urn:lianxi:problem:invalid-parameters"


def test_list_queries_do_not_grow_with_the_page(client, register):
    term = register.terms["340123"]
    post = m.Post.objects.create(term=term, role=m.Post.Role.MEMBER)
    images = [
        get_image_model().objects.create(
            title=f"照片{i}", file=get_test_image_file(f"p{i}.png", size=(60, 80))
        )
        for i in range(3)
    ]
    for i in range(60):
        person = new_person(register, "340123", f"代表{i:02d}", 200 + i, photo=images[i % 3])
        m.PostHolding.objects.create(person=person, post=post, start_date=term.start_date)
    client.get(API, {"site": "340123", "limit": 50})  # renditions are made on first use
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = get(client, API, site="340123", limit=limit)
        assert len(response.json()["results"]) == limit
        counts[limit] = len(queries)
    assert counts[5] == counts[50], counts
    item = response.json()["results"][0]
    assert item["photo"]["renditions"]["thumbnail"]["url"].startswith("http")
    assert item["posts"][0]["label"] == "常务委员会委员"


# --- the detail ---------------------------------------------------------------------


def test_detail_with_past_membership_posts_and_performance(client, register):
    zhang = register.people["张伟"]
    old = past_term(register, "340123", 17, datetime.date(2016, 12, 1), datetime.date(2021, 12, 19))
    seat(zhang, old, end_date=datetime.date(2021, 12, 19), end_reason=m.EndReason.TERM_ENDED)
    current = register.terms["340123"]
    m.PostHolding.objects.create(
        person=zhang, post=m.Post.objects.create(term=current, role=m.Post.Role.MEMBER),
        start_date=current.start_date,
    )  # fmt: skip
    m.PostHolding.objects.create(
        person=zhang,
        post=m.Post.objects.create(term=old, body="法制委员会", role=m.Post.Role.VICE_CHAIR),
        start_date=old.start_date, end_date=old.end_date,
    )  # fmt: skip
    county_seat = m.Membership.objects.get(person=zhang, term=current)
    for kind, quantity in [("suggestion", 1), ("suggestion", 1), ("training", 8),
                           ("session", 1), ("session", 0)]:  # fmt: skip
        m.PerformanceEntry.objects.create(
            membership=county_seat, kind=kind, quantity=quantity, date=TODAY, title="履职"
        )

    response = get(client, f"{API}{zhang.pk}/", site="340123")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["name"] == "张伟"
    seats = [(s["congress"]["division_code"], s["term"]["number"], s["is_current"])
             for s in data["memberships"]]  # fmt: skip
    assert seats == [("340100", 17, True), ("340123", 18, True), ("340123", 17, False)]
    county = data["memberships"][1]["performance"]
    assert county["counts"]["suggestion"] == 2
    assert county["training_hours"] == 8.0
    assert (county["sessions_attended"], county["sessions_total"]) == (1, 2)
    assert data["memberships"][0]["performance"]["counts"]["suggestion"] == 0
    posts = {(p["label"], p["is_current"]) for p in data["posts"]}
    assert posts == {("常务委员会委员", True), ("法制委员会副主任", False)}
    # The list shows current posts of the site's congresses only.
    listed = get(client, API, site="340123", q="zw").json()["results"][0]
    assert [p["label"] for p in listed["posts"]] == ["常务委员会委员"]


def test_detail_of_another_sites_deputy_is_the_same_404_as_an_unknown_id(client, register):
    zeng = register.people["曾国华"]  # 长丰县 only
    assert get(client, f"{API}{zeng.pk}/", site="340121").status_code == 200
    other = assert_problem(get(client, f"{API}{zeng.pk}/", site="340123"), 404)
    unknown = assert_problem(get(client, f"{API}999999/", site="340123"), 404)
    assert other == unknown
    # A county deputy is not a deputy of the township congress on the same site.
    li = register.people["李芳"]
    assert get(client, f"{API}{li.pk}/", site="340123100").status_code == 404


# --- congresses and statistics ------------------------------------------------------------


def test_congresses_of_the_site_with_terms_and_counts(client, register):
    past_term(register, "340123", 17, datetime.date(2016, 12, 1), datetime.date(2021, 12, 19))
    data = get(client, f"{API}congresses/", site="340123").json()
    assert [c["division_code"] for c in data["results"]] == ["340123", "340123100"]
    county = data["results"][0]
    assert county["current_term"] == 18
    assert [(t["number"], t["is_current"], t["deputies"], t["constituencies"])
            for t in county["terms"]] == [(18, True, 2, 1), (17, False, 0, 0)]  # fmt: skip
    assert get(client, f"{API}congresses/", site="340123100").json()["count"] == 1

    detail = get(client, f"{API}congresses/{county['id']}/", site="340123").json()
    assert detail["constituencies"] == [
        {"id": register.constituencies["340123"].pk, "name": "第一选区", "deputies": 2}
    ]
    city = register.congresses["340100"]
    assert_problem(get(client, f"{API}congresses/{city.pk}/", site="340123"), 404)


def _bucket(items, value):
    return next((i["count"], i["percentage"]) for i in items if i["value"] == value)


def test_statistics_of_the_county_congress(client, register):
    # A third deputy makes thirds: percentages are rounded to one decimal.
    new_person(register, "340123", "赵强", 301, ethnicity="回族", party=m.Party.CDL,
               education=m.Education.POSTGRADUATE)  # fmt: skip
    congress = register.congresses["340123"]
    url = f"{API}congresses/{congress.pk}/statistics/"
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url, site="340123")
    assert response.status_code == 200, response.content
    assert len(queries) <= 16, [q["sql"] for q in queries.captured_queries]
    data = response.json()
    assert data["term"]["number"] == 18 and data["total"] == 3 and data["current_only"] is True
    assert _bucket(data["gender"], "male") == (2, 66.7)
    assert _bucket(data["gender"], "female") == (1, 33.3)
    assert data["ethnicity"]["han"]["count"] == 1
    assert (data["ethnicity"]["minority"]["count"], data["ethnicity"]["minority"]["percentage"]) == (
        2, 66.7)  # fmt: skip
    assert _bucket(data["ethnicity"]["items"], "回族") == (2, 66.7)
    groups = data["party"]["groups"]
    assert [_bucket(groups, v)[0] for v in ("cpc", "democratic", "independent", "none")] == [
        1, 1, 0, 1]  # fmt: skip
    assert _bucket(data["party"]["items"], "cdl") == (1, 33.3)
    # Ages as of today: 张伟 born 1990-01, 李芳 1975-03; 赵强 has no birth month.
    age = {i["value"]: i["count"] for i in data["age"]}
    zhang_age = TODAY.year - 1990
    li_age = TODAY.year - 1975 - (TODAY.month < 3)
    band = {a: v for v, lo, hi in [("35_or_under", 0, 35), ("36_45", 36, 45), ("46_55", 46, 55),
            ("56_60", 56, 60), ("61_or_over", 61, 200)] for a in range(lo, hi + 1)}  # fmt: skip
    expected = {"": 1}
    for years in (zhang_age, li_age):
        expected[band[years]] = expected.get(band[years], 0) + 1
    assert {k: v for k, v in age.items() if v} == expected
    assert _bucket(data["occupation"], "farmer") == (1, 33.3)
    assert _bucket(data["occupation"], "") == (1, 33.3)  # not filled in
    assert _bucket(data["education"], "postgraduate") == (1, 33.3)
    assert _bucket(data["election"], "direct") == (3, 100.0)

    # An ended seat is left out by default, counted with current=false.
    m.Membership.objects.filter(person__name="赵强").update(end_date=YESTERDAY)
    assert get(client, url, site="340123").json()["total"] == 2
    assert get(client, url, site="340123", current="false").json()["total"] == 3
    assert_problem(get(client, url, site="340123", term=5), 400, "term")
    assert_problem(get(client, url, site="340123", term="x"), 400, "term")


# --- liaison stations -------------------------------------------------------------------


def make_station(register, name, lat=None, lng=None, code="340123", **fields):
    return m.LiaisonStation.objects.create(
        site=register.congresses[code].site, congress=register.congresses[code], name=name,
        address=f"{name}地址", latitude=lat, longitude=lng, **fields,
    )  # fmt: skip


@pytest.fixture
def stations(register):
    return {
        "here": make_station(register, "上派镇代表联络站", 31.7200, 117.1500),
        "five_km": make_station(register, "桃花镇代表联络站", 31.7650, 117.1500),  # 5.0 km north
        "twenty_km": make_station(register, "三河镇代表联络站", 31.5400, 117.1500),  # 20 km
        "no_point": make_station(register, "花岗镇代表活动室"),
        "hidden": make_station(register, "内部活动室", 31.7201, 117.1501, is_public=False),
    }


def test_stations_near_a_point_by_distance_within_the_radius(client, stations):
    url = f"{API}stations/"
    everything = get(client, url, site="340123").json()
    assert everything["count"] == 4 and all(s["distance_km"] is None for s in everything["results"])
    assert "内部活动室" not in [s["name"] for s in everything["results"]]

    near = get(client, url, site="340123", near="31.72,117.15").json()["results"]
    assert [s["name"] for s in near] == ["上派镇代表联络站", "桃花镇代表联络站"]
    assert near[0]["distance_km"] == 0.0 and 4.9 < near[1]["distance_km"] < 5.1
    wider = get(client, url, site="340123", near="31.72, 117.15", radius=30).json()["results"]
    assert [s["name"] for s in wider][-1] == "三河镇代表联络站"
    assert 19.9 < wider[-1]["distance_km"] < 20.1
    assert get(client, url, site="340123", near="31.72,117.15", radius=4).json()["count"] == 1


@pytest.mark.parametrize(
    "params, field",
    [({"near": "abc"}, "near"), ({"near": "31.7"}, "near"), ({"near": "95,117"}, "near"),
     ({"near": "31.7,117", "radius": "101"}, "radius"), ({"radius": "0"}, "radius")],
)  # fmt: skip
def test_bad_station_parameters_are_400(client, register, params, field):
    assert_problem(get(client, f"{API}stations/", site="340123", **params), 400, field)


def test_station_detail_with_deputies_and_schedule_skipping_a_holiday(client, register, stations):
    station = stations["here"]
    station.reception_weekdays = [1, 2, 3, 4, 5]
    station.save()
    zhang, li = register.people["张伟"], register.people["李芳"]
    station.deputies.add(zhang, li)
    tomorrow = TODAY + datetime.timedelta(days=1)
    soon = m.Reception.objects.create(station=station, date=tomorrow, topic="听取群众意见")
    soon.deputies.add(zhang)
    m.Reception.objects.create(station=station, date=TODAY + datetime.timedelta(days=40))
    m.Reception.objects.create(station=station, date=YESTERDAY)
    # The next Monday-to-Friday day after tomorrow becomes a holiday.
    holiday = tomorrow + datetime.timedelta(days=1)
    while holiday.isoweekday() > 5:
        holiday += datetime.timedelta(days=1)
    CalendarDay.objects.update_or_create(
        date=holiday, defaults={"kind": "holiday", "name": "测试假日"}
    )

    response = get(client, f"{API}stations/{station.pk}/", site="340123")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["address"] == "上派镇代表联络站地址" and data["latitude"] == 31.72
    assert [d["name"] for d in data["deputies"]] == ["李芳", "张伟"]
    schedule = data["schedule"]
    assert schedule["start"] == TODAY.isoformat()
    assert schedule["end"] == (TODAY + datetime.timedelta(days=27)).isoformat()
    assert [(r["date"], r["topic"], [d["name"] for d in r["deputies"]], r["start_time"])
            for r in schedule["receptions"]] == [
        (tomorrow.isoformat(), "听取群众意见", ["张伟"], "09:00")]  # fmt: skip
    dates = [datetime.date.fromisoformat(d["date"]) for d in schedule["regular_dates"]]
    assert holiday not in dates
    assert all(d.isoweekday() <= 5 and TODAY <= d < TODAY + datetime.timedelta(days=28)
               for d in dates)  # fmt: skip
    assert len(dates) >= 15  # four weeks of working days, minus holidays
    # The deputy's detail lists the station.
    detail = get(client, f"{API}{zhang.pk}/", site="340123").json()
    assert [s["name"] for s in detail["stations"]] == ["上派镇代表联络站"]


def test_hidden_and_other_sites_stations_are_404(client, register, stations):
    assert_problem(get(client, f"{API}stations/{stations['hidden'].pk}/", site="340123"), 404)
    other = make_station(register, "双墩镇代表联络站", code="340121")
    assert_problem(get(client, f"{API}stations/{other.pk}/", site="340123"), 404)
    assert get(client, f"{API}stations/{other.pk}/", site="340121").status_code == 200


# --- privacy and the plugin switch ---------------------------------------------------------


def every_endpoint(register, station) -> list[str]:
    zhang = register.people["张伟"]
    congress = register.congresses["340123"].pk
    return [
        f"{API}?site=340123",
        f"{API}?site=340123&term=all&current=false",
        f"{API}{zhang.pk}/?site=340123",
        f"{API}congresses/?site=340123",
        f"{API}congresses/{congress}/?site=340123",
        f"{API}congresses/{congress}/statistics/?site=340123",
        f"{API}stations/?site=340123&near=31.72,117.15",
        f"{API}stations/{station.pk}/?site=340123",
    ]


def test_private_fields_appear_nowhere(client, register, stations):
    station = stations["here"]
    zhang = register.people["张伟"]
    station.deputies.add(zhang)
    m.Reception.objects.create(station=station, date=TODAY).deputies.add(zhang)
    stored = m.Person.objects.get(pk=zhang.pk)
    secrets = [ID_NUMBERS[0], ID_NUMBERS[0][-6:], digest(ID_NUMBERS[0]), "13900000000",
               "合肥市蜀山区某路", stored.id_number_encrypted[:20], "encrypted", "digest",
               "mobile", "id_number"]  # fmt: skip
    assert "张伟" in client.get(every_endpoint(register, station)[0]).content.decode()
    for url in every_endpoint(register, station):
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        text = response.content.decode()
        for secret in secrets:
            assert secret not in text, (url, secret)


def test_switched_off_plugin_answers_404_everywhere(client, register, stations):
    profile = register.congresses["340123"].site.profile
    urls = every_endpoint(register, stations["here"])
    set_enabled("deputies", profile, False)
    for url in urls:
        assert_problem(client.get(url), 404)
    assert client.get(f"{API}?site=340100").status_code == 200  # other sites unaffected
    set_enabled("deputies", profile, True)
    assert all(client.get(url).status_code == 200 for url in urls)


def test_responses_carry_the_public_cache_headers(client, register):
    response = client.get(f"{API}?site=340123")
    assert response["Cache-Control"].startswith("public, max-age=")
    etag = response["ETag"]
    assert client.get(f"{API}?site=340123", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_every_route_is_in_the_openapi_document(client, register):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    for route in ("", "{person_id}/", "congresses/", "congresses/{congress_id}/",
                  "congresses/{congress_id}/statistics/", "stations/", "stations/{station_id}/"):  # fmt: skip
        operation = paths[f"{API}{route}"]["get"]
        assert any(p["name"] == "site" and p["required"] for p in operation["parameters"])
        assert "200" in operation["responses"] and "404" in operation["responses"]
    listed = {p["name"] for p in paths[API]["get"]["parameters"]}
    assert {"level", "congress", "term", "delegation", "constituency", "gender", "party",
            "current", "q", "limit", "offset"} <= listed  # fmt: skip


# --- the framework's shared API tests --------------------------------------------------------


class TestDeputiesFrameworkContract(PluginAPITests):
    """The framework's checks on the deputy list (each object a person with a current seat)."""

    plugin_label = "deputies"
    model = "deputies.Person"
    list_url = API
    _seed = 500

    def make_object(self, profile, **overrides):
        congress, _ = m.Congress.objects.get_or_create(
            division_code=profile.division_code,
            defaults={"site_id": profile.site_id, "name": f"{profile.name}人民代表大会",
                      "level": m.Level.MUNICIPAL},
        )  # fmt: skip
        term, _ = m.Term.objects.get_or_create(
            congress=congress, number=1, defaults={"start_date": datetime.date(2022, 1, 1)}
        )
        type(self)._seed += 1
        person = m.Person(site_id=profile.site_id, name="测试代表", gender="male", **overrides)
        person.id_number = valid_id_number(self._seed)
        person.save()
        seat(person, term, election=m.Election.INDIRECT)
        return person


class TestStationsFrameworkContract(PluginAPITests):
    plugin_label = "deputies"
    model = "deputies.LiaisonStation"
    object_fields = {"name": "代表联络站", "address": "某路 1 号"}
    list_url = f"{API}stations/"


# --- query counts -------------------------------------------------------------------------


def test_query_counts_of_every_route_match_the_committed_baselines(client, stations, settings):
    settings.LIANXI_API_CACHE_ENABLED = False
    person = m.Membership.objects.filter(congress__site=stations["here"].site).first().person_id
    congress = m.Congress.objects.get(division_code="340123").pk
    urls = {
        "deputies_list": f"{API}?site=340123&limit=20",
        "deputies_list_township": f"{API}?site=340123100&limit=20",
        "deputies_retrieve": f"{API}{person}/?site=340123",
        "deputies_congresses_list": f"{API}congresses/?site=340123",
        "deputies_congresses_retrieve": f"{API}congresses/{congress}/?site=340123",
        "deputies_congresses_statistics": f"{API}congresses/{congress}/statistics/?site=340123",
        "deputies_stations_list": f"{API}stations/?site=340123",
        "deputies_stations_list_near": f"{API}stations/?site=340123&near=31.72,117.15",
        "deputies_stations_retrieve": f"{API}stations/{stations['here'].pk}/?site=340123",
    }
    measured, sql = {}, {}
    for key, url in urls.items():
        measured[key], sql[key] = query_baselines.count(client, url)
    print("query counts", measured)
    query_baselines.assert_exact(measured, "", sql)
