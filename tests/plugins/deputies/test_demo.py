"""The deputies demo data, and the congresses a newly provisioned site gets.

The provisioning tests come first, before the demo exists. The demo is then
loaded once for the module on four sites of the test site group
(province, 合肥, 肥西 with its township column 上派镇, 长丰) inside a
transaction rolled back at the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.signals import page_published

from cms.content.models import TownshipPage
from cms.plugins import set_enabled
from cms.plugins.signals import site_provisioned
from cms.sitegroup.models import SiteProfile
from cms.sitegroup.provisioning import SiteSpec, provision_site, provision_township
from plugins.deputies import demo
from plugins.deputies import models as m
from plugins.deputies.privacy import id_number_problem

LOADED = ("340000", "340100", "340123", "340121")
ALL_MODELS = (m.Congress, m.Term, m.Delegation, m.DeputyGroup, m.Constituency, m.Person,
              m.Membership, m.Post, m.PostHolding, m.LiaisonStation, m.Reception,
              m.PerformanceEntry)  # fmt: skip


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ALL_MODELS}


# --- provisioning (before the demo is loaded: these tests start from no congress) --------


RECEIVERS = (
    (site_provisioned, "on_site_provisioned", None),
    (page_published, "on_township_published", TownshipPage),
)


@pytest.fixture
def receivers():
    """The plugin's receivers, connected for the test if apps.py has not connected them."""
    uid = "plugins.deputies.signals.{}".format
    connected_before = {
        name: any(key[0] == uid(name) for key, *_rest in signal.receivers)
        for signal, name, _sender in RECEIVERS
    }
    from plugins.deputies import signals

    for signal, name, sender in RECEIVERS:
        receiver = getattr(signals, name).plugin_receiver
        signal.connect(receiver, weak=False, dispatch_uid=uid(name), sender=sender)
    yield
    for signal, name, sender in RECEIVERS:
        if not connected_before[name]:
            signal.disconnect(dispatch_uid=uid(name), sender=sender)


def test_provisioning_a_site_creates_its_congress(receivers, site_group):
    feidong, _created = provision_site(
        SiteSpec("340122", "肥东县人大常委会", "肥东县", "肥东", parent_code="340100")
    )
    congress = m.Congress.objects.get(division_code="340122")
    assert (congress.name, congress.level, congress.site_id) == (
        "肥东县人民代表大会",
        m.Level.COUNTY,
        feidong.site_id,
    )
    assert not congress.terms.exists()  # terms and deputies are the office's to add

    provision_township(feidong, "340122100", "店埠镇人大")
    township = m.Congress.objects.get(division_code="340122100")
    assert (township.name, township.level, township.site_id) == (
        "店埠镇人民代表大会",
        m.Level.TOWNSHIP,
        feidong.site_id,
    )

    # Provisioning again changes nothing, and never renames what the office named.
    congress.name = "肥东县人大"
    congress.save()
    provision_site(SiteSpec("340122", "肥东县人大常委会", "肥东县", "肥东", parent_code="340100"))
    assert m.Congress.objects.filter(division_code__startswith="340122").count() == 2
    assert m.Congress.objects.get(division_code="340122").name == "肥东县人大"


def test_the_province_gets_the_national_congress_too(receivers, site_group):
    # (Already there if apps.py connected the receivers when the site group was built.)
    m.Congress.objects.filter(division_code__in=["340000", "100000"]).delete()
    provision_site(SiteSpec("340000", "安徽省人大常委会", "安徽省", "安徽", is_default_site=True))
    province = site_group["340000"]
    hosted = m.Congress.objects.filter(site_id=province.site_id)
    assert set(hosted.values_list("division_code", "level")) == {
        ("340000", "province"),
        ("100000", "national"),
    }
    assert m.Congress.objects.get(division_code="340000").name == "安徽省人民代表大会"


def test_no_congress_where_the_plugin_is_off(receivers, site_group):
    changfeng = site_group["340121"]
    set_enabled("deputies", changfeng, False)
    m.Congress.objects.filter(division_code__in=["340100", "340121"]).delete()
    for code, name in (("340100", "合肥市"), ("340121", "长丰县")):
        parent = "340000" if code == "340100" else "340100"
        provision_site(SiteSpec(code, f"{name}人大常委会", name, name[:2], parent_code=parent))
    provision_township(changfeng, "340121100", "水湖镇人大")
    assert m.Congress.objects.filter(division_code="340100").exists()  # 合肥 has it on
    assert not m.Congress.objects.filter(division_code__startswith="340121").exists()


# --- the demo ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.perf_counter()
        totals = [
            demo.load_demo(SiteProfile.objects.select_related("site").get(division_code=code))
            for code in LOADED
        ]
        yield {"totals": totals, "seconds": time.perf_counter() - started}
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_demo_loaded, db):
    return _demo_loaded


def current_seats(code: str):
    return m.Membership.objects.filter(
        congress__division_code=code, term__end_date__isnull=True, end_date__isnull=True
    )


def test_each_site_gets_its_congresses_with_terms_and_seats(loaded):
    assert sum(totals["congresses"] for totals in loaded["totals"]) == 6
    congresses = {c.division_code: c for c in m.Congress.objects.select_related("site__profile")}
    assert set(congresses) >= {"100000", "340000", "340100", "340123", "340123100", "340121"}
    assert congresses["100000"].name == "全国人民代表大会"
    assert congresses["100000"].site.profile.division_code == "340000"
    assert congresses["340123100"].name == "上派镇人民代表大会"
    assert congresses["340123100"].site.profile.division_code == "340123"
    assert not m.Term.objects.filter(congress__division_code="340200").exists()

    national = congresses["100000"].current_term()
    assert (national.number, national.start_date) == (14, datetime.date(2023, 3, 5))
    assert congresses["340000"].current_term().start_date == datetime.date(2023, 1, 13)
    assert congresses["340100"].current_term().number == 17
    assert congresses["340123"].current_term().number == 18
    # Past seats: every level above township has an ended previous term.
    for code in ("100000", "340000", "340100", "340123"):
        previous = congresses[code].terms.exclude(end_date__isnull=True).get()
        assert previous.number == congresses[code].current_term().number - 1
        assert previous.memberships.filter(end_reason=m.EndReason.TERM_ENDED).exists()
    assert not congresses["340123100"].terms.filter(end_date__isnull=False).exists()

    all_seats = m.Membership.objects.filter(term__end_date__isnull=True)
    for code, level in (("100000", m.Level.NATIONAL), ("340000", m.Level.PROVINCE),
                        ("340100", m.Level.MUNICIPAL), ("340123", m.Level.COUNTY),
                        ("340123100", m.Level.TOWNSHIP)):  # fmt: skip
        assert all_seats.filter(congress__division_code=code).count() == demo.PLANS[level].seats
    # A few seats of the current term ended early, with a reason.
    ended = all_seats.filter(end_date__isnull=False)
    assert ended.exists()
    assert set(ended.values_list("end_reason", flat=True)) <= {"resigned", "moved_away"}


def test_parts_follow_the_level(loaded):
    province = m.Congress.objects.get(division_code="340000").current_term()
    delegations = set(m.Delegation.objects.filter(term=province).values_list("name", flat=True))
    assert (
        len(delegations) == 16 and "合肥市代表团" in delegations and "宣城市代表团" in delegations
    )
    hefei = m.Congress.objects.get(division_code="340100").current_term()
    assert "肥西县代表团" in set(hefei.delegation_set.values_list("name", flat=True))
    national = m.Congress.objects.get(division_code="100000").current_term()
    assert list(national.delegation_set.values_list("name", flat=True)) == ["安徽代表团"]

    # Direct levels: districts (第N选区) with their areas; indirect: electing units.
    feixi = m.Congress.objects.get(division_code="340123").current_term()
    districts = m.Constituency.objects.filter(term=feixi)
    assert districts.filter(name="第一选区", kind="district").exclude(area="").exists()
    assert not feixi.delegation_set.exists()
    assert set(m.Constituency.objects.filter(term=province).values_list("kind", flat=True)) == {
        "unit"
    }
    indirect = m.Membership.objects.filter(term__in=[province, hefei, national])
    assert not indirect.filter(delegation__isnull=True).exists()
    assert not indirect.exclude(election=m.Election.INDIRECT).exists()
    direct = m.Membership.objects.filter(term=feixi)
    assert not direct.exclude(election=m.Election.DIRECT).exists()
    assert not direct.filter(constituency__isnull=True).exists()


def test_every_row_belongs_to_its_congress_and_site(loaded):
    memberships = m.Membership.objects.all()
    assert memberships.count() > 200
    assert not memberships.exclude(term__congress=F("congress")).exists()
    assert not memberships.exclude(site=F("congress__site")).exists()
    for part in ("delegation", "deputy_group", "constituency"):
        linked = memberships.filter(**{f"{part}__isnull": False})
        assert not linked.exclude(**{f"{part}__term": F("term")}).exists(), part
    assert not m.Term.objects.exclude(site=F("congress__site")).exists()
    for model in (m.Delegation, m.DeputyGroup, m.Constituency, m.Post):
        assert not model.objects.exclude(site=F("term__site")).exists(), model.__name__
    assert not m.PostHolding.objects.exclude(site=F("post__site")).exists()
    assert not m.PerformanceEntry.objects.exclude(site=F("membership__site")).exists()
    assert not m.Reception.objects.exclude(site=F("station__site")).exists()
    stations = m.LiaisonStation.objects.filter(congress__isnull=False)
    assert not stations.exclude(site=F("congress__site")).exists()
    assert not m.DeputyGroup.objects.exclude(station__site=F("site")).exists()


def test_some_people_sit_in_two_congresses(loaded):
    def seated_in(*codes):
        people = m.Person.objects.all()
        for code in codes:
            people = people.filter(pk__in=current_seats(code).values("person_id"))
        return people

    assert seated_in("340123", "340100").exists()  # county and city
    assert seated_in("340123100", "340123").exists()  # township and county
    assert seated_in("100000", "340000").exists()  # national and provincial
    # Past seats: deputies re-elected from the previous term.
    re_elected = m.Person.objects.annotate(
        n=Count("memberships", filter=Q(memberships__congress__division_code="340100"))
    ).filter(n=2)
    assert re_elected.exists()
    # Nobody holds more than two seats at once.
    most = (
        m.Membership.objects.filter(term__end_date__isnull=True)
        .values("person_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    assert most["n"] == 2


def test_people_are_fictional_and_plausible(loaded):
    people = list(m.Person.objects.all())
    numbers = [p.id_number for p in people]
    assert all(id_number_problem(n) is None for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert all(n[4:6] == "99" for n in numbers)  # no Anhui county has these digits
    # The ID number agrees with the birth month and the gender (odd 17th digit: male).
    for p in people:
        assert p.id_number[6:12] == f"{p.birth_date:%Y%m}"
        assert (int(p.id_number[16]) % 2 == 1) == (p.gender == m.Gender.MALE)
        assert p.mobile.startswith("1390000") and len(p.mobile) == 11
        assert p.name_pinyin and p.name_initials
    avoided = set(demo.data()["avoid_names"])
    assert not avoided & {p.name for p in people}
    female = sum(p.gender == m.Gender.FEMALE for p in people) / len(people)
    assert 0.25 <= female <= 0.33
    ethnicities = {p.ethnicity for p in people}
    assert "汉族" in ethnicities and ethnicities <= {"汉族", "回族", "满族"}
    cpc = sum(p.party == m.Party.CPC for p in people) / len(people)
    assert 0.55 <= cpc <= 0.8

    def share(codes, **match):
        seated = m.Person.objects.filter(
            pk__in=m.Membership.objects.filter(congress__division_code__in=codes).values("person")
        )
        return seated.filter(**match).count() / seated.count()

    # Township and county deputies: more farmers and 群众 than provincial ones.
    direct, provincial = ["340123100", "340123", "340121"], ["340000"]
    farmer = {"occupation_category": m.OccupationCategory.FARMER}
    assert share(direct, **farmer) > share(provincial, **farmer)
    assert share(direct, party=m.Party.NONE) > share(provincial, party=m.Party.NONE)
    assert share(provincial, education=m.Education.POSTGRADUATE) > share(
        direct, education=m.Education.POSTGRADUATE
    )


def test_posts_and_holdings(loaded):
    term = m.Congress.objects.get(division_code="340000").current_term()
    chair = m.PostHolding.objects.get(post__term=term, post__role="chair",
                                      post__body=m.Post.STANDING_COMMITTEE)  # fmt: skip
    assert chair.end_date is None
    assert current_seats("340000").filter(person=chair.person).exists()
    assert chair.person.occupation == "安徽省人大常委会主任"
    assert m.PostHolding.objects.filter(post__term=term, post__role="vice_chair").count() == 4
    assert m.Post.objects.filter(term=term, body="法制委员会", role="chair").exists()
    # One committee member left mid-term and was replaced.
    assert m.PostHolding.objects.filter(post__term=term, end_date__isnull=False).exists()
    assert not m.Post.objects.filter(term__congress__level=m.Level.TOWNSHIP).exists()


def test_stations_and_upcoming_receptions(loaded):
    today = timezone.localdate()
    stations = m.LiaisonStation.objects.all()
    shangpai = stations.get(name="上派镇人大代表联络站")
    assert shangpai.division_code == "340123100"
    assert shangpai.congress.division_code == "340123100"
    assert 31.5 < shangpai.latitude < 32 and 116.9 < shangpai.longitude < 117.4
    assert shangpai.deputies.filter(pk__in=current_seats("340123100").values("person_id")).exists()
    assert shangpai.deputies.filter(pk__in=current_seats("340123").values("person_id")).exists()
    for station in stations:
        assert station.address and station.reception_weekdays and station.latitude is not None
        receptions = list(station.receptions.all())
        assert len(receptions) == 2, station.name
        for reception in receptions:
            assert today < reception.date <= today + datetime.timedelta(days=60)
            assert reception.date.isoweekday() in station.reception_weekdays
            assert reception.deputies.exists()


def test_performance_records_of_current_seats(loaded):
    today = timezone.localdate()
    seats = m.Membership.objects.filter(term__end_date__isnull=True)
    assert not seats.filter(performance__isnull=True).exists()
    assert not seats.exclude(performance__kind="session").exists()
    assert not seats.exclude(performance__kind="training").exists()
    entries = m.PerformanceEntry.objects.select_related("membership")
    assert not entries.filter(date__gt=today).exists()
    assert not entries.filter(date__lt=F("membership__start_date")).exists()
    assert not entries.filter(date__gt=F("membership__end_date")).exists()
    kinds = set(entries.values_list("kind", flat=True))
    assert kinds >= {"session", "suggestion", "inspection", "research", "reception", "report",
                     "training"}  # fmt: skip
    assert entries.filter(kind="session", quantity=0).exists()  # someone was absent
    assert not m.PerformanceEntry.objects.filter(membership__term__end_date__isnull=False).exists()


def test_running_again_creates_nothing_and_is_fast(loaded):
    # Every other plugin's demo once first: they add duty records through the core
    # service (the suggestions plugin's submissions and ratings), which is theirs to add.
    call_command("load_plugin_demo", stdout=io.StringIO())
    before = counts()
    with CaptureQueriesContext(connection) as queries:
        for code in LOADED:
            profile = SiteProfile.objects.select_related("site").get(division_code=code)
            assert demo.load_demo(profile)["congresses"] == 0
    assert counts() == before
    assert len(queries) < 40
    # The command too, with the plugin switched off for 芜湖: it gets nothing.
    set_enabled("deputies", SiteProfile.objects.get(division_code="340200"), False)
    call_command("load_plugin_demo", stdout=io.StringIO())
    assert counts() == before
    assert loaded["seconds"] < 20


def test_the_demo_opens_feixis_sitting_deputies_accounts(loaded):
    from cms.accounts.models import Account

    feixi = [t.get("accounts", 0) for t in loaded["totals"]]
    assert sum(feixi) > 0
    sitting = (
        m.Membership.objects.filter(
            site__profile__division_code="340123",
            end_date__isnull=True,
            term__end_date__isnull=True,
        )  # fmt: skip
        .values("person_id")
        .distinct()
        .count()
    )
    opened = Account.objects.filter(directory_ref__isnull=False).count()
    assert opened == sum(feixi) and opened >= sitting * 0.9  # a shared demo mobile may refuse a few
    lines = demo.demo_logins()
    assert len(lines) == 3 and all("手机号 1390000" in line for line in lines)
