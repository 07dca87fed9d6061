"""Demo deputies for the Anhui demo site group: congresses, terms and fictional people.

``load_demo(profile)`` (``manage.py load_plugin_demo`` runs it for every site
the plugin is on) gives the site its congresses — the province site the
provincial congress and the national one (100000: the national deputies
elected in the province), a city its municipal congress, a county its county
congress and one per township column on its site — and fills every one that
has no term yet: the current term and, above township level, the previous one
(so past seats exist), delegations, constituencies, deputy groups, liaison
stations with upcoming receptions, standing-committee and 法制委员会 posts,
deputies and their performance records. A congress that already has a term is
left alone, so a second run creates nothing and costs a few queries per site.

Everyone is fictional. Names are drawn with a fixed seed from common surnames
and given-name characters, skipping well-known people's names. ID numbers have
valid check digits but the district digits "99", which no county in Anhui
has, so none can be a real person's; mobiles are 1390000xxxx. A person seated
in a neighbouring congress (a county deputy who is also a city deputy, a
township deputy who is also a county deputy) is reused, not duplicated.

Rows are bulk-created (with the site, congress and pinyin fields that ``save``
would fill set by hand): the whole demo group loads in seconds.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db.models import Count, Q
from django.utils import timezone

from cms.services.idnumbers import with_check_digit
from cms.services.workdays import Calendar

from .accounts import open_accounts
from .congresses import NATIONAL_CODE, congress_name, ensure_site_congresses, township_columns
from .models import (
    DIRECT_LEVELS,
    Congress,
    Constituency,
    Delegation,
    DeputyGroup,
    Education,
    Election,
    EndReason,
    Gender,
    Level,
    LiaisonStation,
    Membership,
    OccupationCategory,
    Party,
    PerformanceEntry,
    PerformanceKind,
    Person,
    Post,
    PostHolding,
    Reception,
    Term,
    chinese_number,
)
from .search import reindex_people

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo.json"


@cache
def data() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def region_of(congress: Congress) -> str:
    """合肥市人民代表大会 → 合肥市."""
    return congress.name.removesuffix("人民代表大会")


# --- what each level gets ------------------------------------------------------------


@dataclass(frozen=True)
class LevelPlan:
    seats: int  # seats of the current term
    share: float  # part of them held by people seated in a neighbouring congress
    female: float
    ages: tuple[int, int]  # at the start of the term
    parties: dict[str, int]  # weights
    education: dict[str, int]
    occupations: dict[str, int]
    standing_committee: tuple[int, int, int]  # vice chairs, secretaries-general, members


_DEMOCRATIC = {p: 2 for p in (Party.RCCK, Party.CDL, Party.CDNCA, Party.CAPD, Party.CPWDP,
                              Party.CZGD, Party.JS)}  # fmt: skip
_UPPER_PARTIES = {Party.CPC: 70, **_DEMOCRATIC, Party.INDEPENDENT: 10, Party.NONE: 6}
_UPPER_EDUCATION = {Education.POSTGRADUATE: 45, Education.UNIVERSITY: 42, Education.COLLEGE: 9,
                    Education.SECONDARY: 4}  # fmt: skip
_UPPER_OCCUPATIONS = {
    OccupationCategory.OFFICIAL: 34, OccupationCategory.ENTERPRISE: 20,
    OccupationCategory.PROFESSIONAL: 24, OccupationCategory.WORKER: 9,
    OccupationCategory.FARMER: 9, OccupationCategory.OTHER: 4,
}  # fmt: skip

PLANS = {
    Level.NATIONAL: LevelPlan(10, 0.4, 0.28, (42, 62), _UPPER_PARTIES, _UPPER_EDUCATION,
                              _UPPER_OCCUPATIONS, (0, 0, 0)),
    Level.PROVINCE: LevelPlan(60, 0.2, 0.28, (40, 62), _UPPER_PARTIES, _UPPER_EDUCATION,
                                _UPPER_OCCUPATIONS, (4, 1, 8)),
    Level.MUNICIPAL: LevelPlan(25, 0.2, 0.28, (36, 60), _UPPER_PARTIES,
                               {Education.POSTGRADUATE: 28, Education.UNIVERSITY: 50,
                                Education.COLLEGE: 15, Education.SECONDARY: 7},
                               _UPPER_OCCUPATIONS, (3, 1, 6)),
    Level.COUNTY: LevelPlan(30, 0.2, 0.29,  (30, 60),
                            {Party.CPC: 66, Party.CDL: 2, Party.CAPD: 2, Party.JS: 1,
                             Party.INDEPENDENT: 5, Party.NONE: 24},
                            {Education.POSTGRADUATE: 10, Education.UNIVERSITY: 45,
                             Education.COLLEGE: 28, Education.SECONDARY: 13, Education.JUNIOR: 4},
                            {OccupationCategory.OFFICIAL: 28, OccupationCategory.ENTERPRISE: 14,
                             OccupationCategory.PROFESSIONAL: 18, OccupationCategory.WORKER: 14,
                             OccupationCategory.FARMER: 21, OccupationCategory.OTHER: 5},
                            (2, 0, 5)),
    Level.TOWNSHIP: LevelPlan(15, 0.2, 0.30, (26, 60),
                              {Party.CPC: 58, Party.INDEPENDENT: 2, Party.NONE: 40},
                              {Education.POSTGRADUATE: 2, Education.UNIVERSITY: 20,
                               Education.COLLEGE: 33, Education.SECONDARY: 30,
                               Education.JUNIOR: 15},
                              {OccupationCategory.OFFICIAL: 18, OccupationCategory.ENTERPRISE: 10,
                               OccupationCategory.PROFESSIONAL: 12,
                               OccupationCategory.WORKER: 20, OccupationCategory.FARMER: 35,
                               OccupationCategory.OTHER: 5},
                              (0, 0, 0)),
}  # fmt: skip

ETHNICITIES = {"汉族": 94, "回族": 5, "满族": 1}


def _number(code: str) -> int:
    """A stable small number per division code (for dates that differ between places)."""
    return sum(int(c) * (i + 1) for i, c in enumerate(code))


def term_dates(congress: Congress) -> list[tuple[int, datetime.date, datetime.date | None]]:
    """(number, start, end) of the terms the demo gives ``congress``, current first."""
    n = _number(congress.division_code)
    date = datetime.date
    if congress.level == Level.NATIONAL:
        return [(14, date(2023, 3, 5), None), (13, date(2018, 3, 5), date(2023, 3, 4))]
    if congress.level == Level.PROVINCE:
        return [(14, date(2023, 1, 13), None), (13, date(2018, 1, 25), date(2023, 1, 12))]
    if congress.level == Level.MUNICIPAL:
        start = date(2022, 1, 5 + n % 15)
        return [(17, start, None), (16, date(2017, 1, 5 + n % 15), start - _DAY)]
    if congress.level == Level.COUNTY:
        start = date(2021, 12, 10 + n % 18)
        return [(18, start, None), (17, date(2016, 11, 10 + n % 18), start - _DAY)]
    return [(18, date(2021, 12, 1 + n % 9), None)]


_DAY = datetime.timedelta(days=1)


def session_dates(congress: Congress, start: datetime.date, end, today) -> list[datetime.date]:
    """The sessions (次会议) of a term: the first at its start, then one early each year."""
    n = _number(congress.division_code)
    last = min(end or today, today)
    dates = [start]
    for year in range(start.year + 1, start.year + 5):
        if congress.level == Level.NATIONAL:
            day = datetime.date(year, 3, 5)
        elif congress.level in (Level.PROVINCE, Level.MUNICIPAL):
            day = datetime.date(year, 1, 10 + n % 15)
        else:
            day = datetime.date(year, 1 + n % 2, 5 + n % 20)
        if day > last:
            break
        dates.append(day)
    return dates


# --- fictional people ------------------------------------------------------------------


def id_number(rng: random.Random, prefix: str, birth: datetime.date, female: bool) -> str:
    """A GB 11643 number with a correct check digit; ``prefix`` ends in the unused "99"."""
    sequence = rng.randrange(0, 100) * 10 + rng.choice(
        (0, 2, 4, 6, 8) if female else (1, 3, 5, 7, 9)
    )
    return with_check_digit(f"{prefix}{birth:%Y%m%d}{sequence:03d}")


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def village(rng: random.Random) -> str:
    d = data()
    return rng.choice(d["village_first"]) + rng.choice(d["village_second"]) + "村"


@dataclass
class Seat:
    """A seat to create: its person (new or reused) and where it belongs."""

    person: Person
    region: str  # the delegation's region (indirect levels) or the place (direct)


class CongressBuilder:
    """Fills one congress that has no term yet."""

    def __init__(self, congress: Congress, profile, today: datetime.date, calendar: Calendar):
        self.congress = congress
        self.profile = profile
        self.site_id = congress.site_id
        self.level = congress.level
        self.plan = PLANS[congress.level]
        self.today = today
        self.calendar = calendar
        self.rng = random.Random(f"lianxi-deputies-demo:{congress.division_code}")
        # The national congress's deputies here are the province's.
        national = congress.level == Level.NATIONAL
        self.region = profile.region_name if national else region_of(congress)
        self.direct = congress.level in DIRECT_LEVELS
        self.names: set[str] = set(data()["avoid_names"])
        self.id_prefix = profile.division_code[:4] + "99"
        #: Everyone given a seat here, new or already seated elsewhere (to re-index).
        self.seated: set[int] = set()
        self.counts = {"people": 0, "memberships": 0, "entries": 0}

    # --- places --------------------------------------------------------------

    def regions(self) -> list[str]:
        """The delegations' regions (indirect levels): the cities or counties below."""
        code = self.congress.division_code
        d = data()
        if self.level == Level.NATIONAL:
            return [self.profile.region_name]
        if self.level == Level.PROVINCE:
            known = [v[0] for k, v in d["cities"].items() if k[:2] == code[:2]]
        else:
            known = d["counties"].get(code, [])
        children = [c.region_name for c in self.profile.children.order_by("division_code")]
        return known or children or [self.region]

    def seat_coordinates(self) -> tuple[float, float]:
        d = data()
        code = self.congress.division_code
        if code in d["county_seats"]:
            return tuple(d["county_seats"][code])
        if len(code) == 9:
            return self.place_coordinates(code)
        city = d["cities"].get(code[:4] + "00") or d["cities"]["340100"]
        return city[2], city[3]

    def area_code(self) -> str:
        d = data()
        return (d["cities"].get(self.congress.division_code[:4] + "00") or ["", "0551"])[1]

    def address(self, place: str = "") -> str:
        d = data()
        upper = self.level in (Level.NATIONAL, Level.PROVINCE)
        city = "合肥市" if upper else self.profile.region_name  # the capital for the province
        return f"{city}{place}{self.rng.choice(d['roads'])}{self.rng.randint(1, 299)}号"

    # --- people --------------------------------------------------------------

    def name(self, female: bool) -> str:
        d = data()
        given = d["given_female"] if female else d["given_male"]
        while True:
            length = 1 if self.rng.random() < 0.3 else 2
            name = self.rng.choice(d["surnames"]) + "".join(self.rng.sample(given, length))
            if name not in self.names:
                self.names.add(name)
                return name

    def occupation(self, category: str, region: str) -> tuple[str, str]:
        """(工作单位及职务, 职称) for a person of ``category`` from ``region``."""
        d, rng = data(), self.rng
        short = region[:-1] if len(region) > 2 else region
        company = f"{short}{rng.choice(d['company_words'])}{rng.choice(d['company_kinds'])}"
        if category == OccupationCategory.OFFICIAL:
            if self.level == Level.TOWNSHIP:
                return rng.choice((f"{region}{village(rng)}党总支书记、村委会主任",
                                   f"{region}{village(rng)}村委会副主任",
                                   f"{region}农业综合服务中心主任")), ""  # fmt: skip
            bureau = rng.choice(d["bureaus"])
            return f"{region}{bureau}{'副主任' if bureau.endswith('委员会') else '副局长'}", ""
        if category == OccupationCategory.ENTERPRISE:
            return f"{company}{rng.choice(('董事长', '总经理'))}", ""
        if category == OccupationCategory.PROFESSIONAL:
            unit = rng.choice(d["township_units" if self.level == Level.TOWNSHIP else "units"])
            return f"{region}{unit}{'医生' if '医' in unit else '教师'}", d["titles"][unit]
        if category == OccupationCategory.WORKER:
            return f"{company}{rng.choice(('一线职工', '车间主任', '技术工人', '班组长'))}", ""
        if category == OccupationCategory.FARMER:
            return rng.choice((f"{region}{village(rng)}村民", f"{region}种粮大户",
                               f"{region}家庭农场负责人")), ""  # fmt: skip
        return rng.choice(("个体工商户", f"{region}社区工作者", "自由职业者")), ""

    def new_person(self, region: str, female: bool, start: datetime.date, role: str = "") -> Person:
        rng, plan = self.rng, self.plan
        birth = datetime.date(
            start.year - rng.randint(*plan.ages), rng.randint(1, 12), rng.randint(1, 28)
        )
        category = OccupationCategory.OFFICIAL if role else _pick(rng, plan.occupations)
        occupation, title = self.occupation(category, region)
        if role:
            occupation = f"{self.region}人大常委会{role}"
        person = Person(
            site_id=self.site_id,
            name=self.name(female),
            gender=Gender.FEMALE if female else Gender.MALE,
            ethnicity=_pick(rng, ETHNICITIES),
            birth_date=birth.replace(day=1),
            party=Party.CPC if role else _pick(rng, plan.parties),
            education=(
                rng.choice((Education.POSTGRADUATE, Education.UNIVERSITY))
                if role
                else _pick(rng, plan.education)
            ),
            occupation=occupation,
            occupation_category=category,
            title=title,
        )
        person.id_number = id_number(rng, self.id_prefix, birth, female)
        person.mobile = f"1390000{rng.randrange(10000):04d}"
        person.address = self.address(self.region if self.level == Level.TOWNSHIP else "")
        person.refresh_pinyin()
        return person

    def create_people(self, people: list[Person]) -> None:
        """Bulk-create, first drawing new ID numbers for any already taken."""
        while True:
            digests = [p.id_number_digest for p in people]
            taken = set(
                Person.objects.filter(id_number_digest__in=digests).values_list(
                    "id_number_digest", flat=True
                )
            )
            seen: set[str] = set()
            clashes = []
            for person in people:
                if person.id_number_digest in taken or person.id_number_digest in seen:
                    clashes.append(person)
                seen.add(person.id_number_digest)
            if not clashes:
                break
            for person in clashes:
                birth = person.birth_date.replace(day=self.rng.randint(1, 28))
                person.id_number = id_number(
                    self.rng, self.id_prefix, birth, person.gender == Gender.FEMALE
                )
        Person.objects.bulk_create(people, batch_size=500)
        self.counts["people"] += len(people)

    def females(self, count: int) -> set[int]:
        return set(self.rng.sample(range(count), round(count * self.plan.female)))

    # --- neighbours ---------------------------------------------------------------

    def neighbours(self) -> tuple[Q | None, Q | None]:
        """(upper congress, lower congresses) as filters on Congress."""
        code = self.congress.division_code
        if self.level == Level.NATIONAL:
            return None, Q(level=Level.PROVINCE, site_id=self.site_id)
        if self.level == Level.PROVINCE:
            return Q(division_code=NATIONAL_CODE), Q(
                level=Level.MUNICIPAL, division_code__startswith=code[:2]
            )
        if self.level == Level.MUNICIPAL:
            return Q(division_code=code[:2] + "0000"), Q(
                level=Level.COUNTY, division_code__startswith=code[:4]
            )
        if self.level == Level.COUNTY:
            return Q(division_code=code[:4] + "00"), Q(
                level=Level.TOWNSHIP, division_code__startswith=code
            )
        return Q(division_code=code[:6], level=Level.COUNTY), None

    def shared_seats(self, count: int, regions: list[str]) -> list[Seat]:
        """People seated in the congress above (or, if it has none yet, below) to seat here too."""
        if count <= 0:
            return []
        upper, lower = self.neighbours()
        seats = Membership.objects.filter(end_date__isnull=True, term__end_date__isnull=True)
        found = None
        if upper is not None:
            above = seats.filter(congress__in=Congress.objects.filter(upper))
            if self.level in (Level.COUNTY, Level.MUNICIPAL):
                # Elected by this congress: the upper congress's delegation from here.
                above = above.filter(delegation__name=f"{self.region}代表团")
            if above.exists():
                found = [(m.person, self.region) for m in above.select_related("person")]
        if found is None and lower is not None:
            below = seats.filter(congress__in=Congress.objects.filter(lower))
            found = [
                (m.person, region_of(m.congress))
                for m in below.select_related("person", "congress")
            ]
        if not found:
            return []
        busy = set(
            Membership.objects.filter(person_id__in=[p.pk for p, _r in found])
            .values("person_id")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values_list("person_id", flat=True)
        )
        candidates = sorted(
            {p.pk: (p, r) for p, r in found if p.pk not in busy}.values(), key=lambda c: c[0].pk
        )
        chosen = self.rng.sample(candidates, min(count, len(candidates)))
        return [
            Seat(person, region if region in regions else regions[i % len(regions)])
            for i, (person, region) in enumerate(chosen)
        ]

    # --- structure ----------------------------------------------------------------

    def term(self, number: int, start, end) -> Term:
        (term,) = Term.objects.bulk_create(
            [Term(site_id=self.site_id, congress=self.congress, number=number, start_date=start,
                  end_date=end)]
        )  # fmt: skip
        return term

    def parts(self, term: Term, regions: list[str], seats: int) -> tuple[dict, list]:
        """Delegations by region (indirect levels) and constituencies."""
        delegations = {}
        if not self.direct:
            names = (
                ["安徽代表团"] if self.level == Level.NATIONAL else [f"{r}代表团" for r in regions]
            )
            created = Delegation.objects.bulk_create(
                [Delegation(site_id=self.site_id, term=term, name=n) for n in names]
            )
            delegations = dict(zip(regions, created, strict=True))
            units = Constituency.objects.bulk_create(
                [Constituency(site_id=self.site_id, term=term, name=congress_name(
                    "安徽省" if self.level == Level.NATIONAL else r), kind=Constituency.Kind.UNIT)
                 for r in regions]
            )  # fmt: skip
            return delegations, units
        districts = []
        towns = [title for _code, title in township_columns(self.profile)]
        for i in range((seats + 2) // 3):
            if self.level == Level.COUNTY and towns:
                town = towns[i % len(towns)].removesuffix("人大")
                area = f"{town}{village(self.rng)}、{village(self.rng)}"
            elif self.level == Level.COUNTY:
                part = self.rng.choice(data()["street_parts"])
                area = f"{part}街道{part}社区、{self.rng.choice(data()['street_parts'])}社区"
            else:
                area = f"{village(self.rng)}、{village(self.rng)}"
            districts.append(Constituency(site_id=self.site_id, term=term, kind="district",
                                          name=f"第{chinese_number(i + 1)}选区", code=f"{i + 1:02d}",
                                          area=area))  # fmt: skip
        return delegations, Constituency.objects.bulk_create(districts)

    def new_station(self, name: str, kind: str, place_code: str, coordinates) -> LiaisonStation:
        lat, lon = coordinates
        rng = self.rng
        return LiaisonStation(
            site_id=self.site_id,
            name=name,
            kind=kind,
            division_code=place_code,
            address=self.address(name.split("人大")[0] if len(place_code) == 9 else ""),
            latitude=Decimal(f"{lat + rng.uniform(-0.01, 0.01):.6f}"),
            longitude=Decimal(f"{lon + rng.uniform(-0.01, 0.01):.6f}"),
            phone=f"{self.area_code()}-6000{rng.randrange(10000):04d}",
            opening_hours="工作日 9:00-11:30，14:30-17:00",
            reception_weekdays=sorted(rng.sample(range(1, 6), rng.choice((1, 1, 2)))),
            description=f"{name}是人大代表联系群众、收集民意、开展履职活动的阵地。",
        )

    def stations(self) -> list[tuple[LiaisonStation, str]]:
        """This congress's stations (created if missing), each with its deputy group's name."""
        code = self.congress.division_code
        center = self.seat_coordinates()
        d = data()
        home, station = LiaisonStation.Kind.HOME, LiaisonStation.Kind.STATION
        specs = []  # (station name, kind, place code, deputy group name)
        if self.level == Level.NATIONAL:
            specs.append(
                ("全国人大代表合肥联络服务站", station, "340100", "驻皖全国人大代表合肥小组")
            )
        elif self.level == Level.PROVINCE:
            specs += [(f"{self.region}人大代表之家", home, code, "省人大代表第一小组"),
                      ("省人大代表合肥滨湖联络站", station, "340111", "省人大代表第二小组")]  # fmt: skip
        elif self.level in (Level.MUNICIPAL, Level.COUNTY):
            specs.append((f"{self.region}人大代表之家", home, code, f"{self.region}机关代表小组"))
            towns = township_columns(self.profile) if self.level == Level.COUNTY else []
            if self.level == Level.MUNICIPAL:  # in the city's first two districts
                places = [
                    f"{c}{self.rng.choice(d['street_parts'])}街道" for c in self.regions()[:2]
                ]
            elif not towns:  # an urban district: stations in its streets (街道)
                places = [f"{part}街道" for part in self.rng.sample(d["street_parts"], 3)]
            else:
                places = []
            specs += [
                (f"{place}人大代表联络站", station, code, f"{place}代表小组") for place in places
            ]
            specs += [(f"{title.removesuffix('人大')}人大代表联络站", station, town_code,
                       f"{title.removesuffix('人大')}代表小组") for town_code, title in towns]  # fmt: skip
        else:
            specs.append((f"{self.region}人大代表联络站", station, code, f"{self.region}代表小组"))
        existing = {
            st.name: st
            for st in LiaisonStation.objects.filter(
                site_id=self.site_id, name__in=[spec[0] for spec in specs]
            )
        }
        owners = dict(
            Congress.objects.filter(
                division_code__in=[spec[2] for spec in specs if len(spec[2]) == 9]
            ).values_list("division_code", "pk")
        )
        for name, kind, place, _group in specs:
            if name in existing:
                continue
            if len(place) == 9:
                lat, lon = self.place_coordinates(place)
            else:
                lat = center[0] + self.rng.uniform(-0.03, 0.03)
                lon = center[1] + self.rng.uniform(-0.03, 0.03)
            station = self.new_station(name, kind, place, (lat, lon))
            station.congress_id = owners.get(place, self.congress.pk)
            self.new_stations.append(station)
        LiaisonStation.objects.bulk_create(self.new_stations)
        existing.update({st.name: st for st in self.new_stations})
        return [(existing[name], group) for name, _kind, _place, group in specs]

    def place_coordinates(self, township_code: str) -> tuple[float, float]:
        d = data()
        county = d["county_seats"].get(township_code[:6])
        city = d["cities"].get(township_code[:4] + "00") or d["cities"]["340100"]
        lat, lon = county or city[2:]
        n = _number(township_code)
        return lat + (n % 17 - 8) * 0.015, lon + (n % 13 - 6) * 0.02

    # --- the build ------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        self.new_stations: list[LiaisonStation] = []
        (number, start, end), *previous = term_dates(self.congress)
        term = self.term(number, start, end)
        regions = self.regions()
        delegations, constituencies = self.parts(term, regions, self.plan.seats)
        stations = self.stations()
        groups = DeputyGroup.objects.bulk_create(
            [DeputyGroup(site_id=self.site_id, term=term, station=s, name=name)
             for s, name in stations]
        )  # fmt: skip

        shared = self.shared_seats(round(self.plan.seats * self.plan.share), regions)
        fresh_count = self.plan.seats - len(shared)
        vice, secretaries, members = self.plan.standing_committee
        roles = (["主任"] + ["副主任"] * vice + ["秘书长"] * secretaries) if members else []
        females = self.females(fresh_count)
        fresh = []
        for i in range(fresh_count):
            region = self.region if self.direct else regions[i % len(regions)]
            role = roles[i] if i < len(roles) else ""
            fresh.append(Seat(self.new_person(region, i in females, start, role), region))
        self.create_people([s.person for s in fresh])
        seats = fresh + shared

        memberships = []
        for i, seat in enumerate(seats):
            membership = Membership(
                site_id=self.site_id, person=seat.person, congress=self.congress, term=term,
                election=Election.DIRECT if self.direct else Election.INDIRECT, start_date=start,
                delegation=delegations.get(seat.region),
                constituency=constituencies[i % len(constituencies)] if self.direct
                else constituencies[regions.index(seat.region) if seat.region in regions else 0],
                deputy_group=groups[i % len(groups)],
            )  # fmt: skip
            memberships.append(membership)
        self.end_early(memberships[len(roles) : fresh_count], start)
        Membership.objects.bulk_create(memberships, batch_size=500)
        self.counts["memberships"] += len(memberships)
        self.seated.update(m.person_id for m in memberships)
        self.join_stations(memberships)
        self.posts(term, [s.person for s in fresh], start, end, current=True)
        self.performance(term, memberships)
        self.receptions()
        if previous:
            self.previous_term(*previous[0], fresh, regions)
        return self.counts

    def end_early(self, candidates: list[Membership], start: datetime.date) -> None:
        """One seat (two in larger congresses) ended before the term: resigned, moved away."""
        reasons = [EndReason.RESIGNED, EndReason.MOVED_AWAY][: 1 + (len(candidates) >= 25)]
        for membership, reason in zip(reversed(candidates), reasons, strict=False):
            day = start + datetime.timedelta(days=700 + self.rng.randint(0, 300))
            if day < self.today:
                membership.end_date = day
                membership.end_reason = reason

    def join_stations(self, memberships: list[Membership]) -> None:
        through = LiaisonStation.deputies.through
        pairs = {(m.deputy_group.station_id, m.person_id) for m in memberships if m.deputy_group}
        through.objects.bulk_create(
            [through(liaisonstation_id=s, person_id=p) for s, p in sorted(pairs)],
            ignore_conflicts=True,
        )

    def posts(self, term: Term, holders: list[Person], start, end, current: bool) -> None:
        """Standing committee and 法制委员会 posts, held by the first deputies."""
        vice, secretaries, members = self.plan.standing_committee
        if not members or not holders:
            return
        committee, legal = Post.STANDING_COMMITTEE, "法制委员会"
        wanted = [(committee, Post.Role.CHAIR, 1), (committee, Post.Role.VICE_CHAIR, vice),
                  (committee, Post.Role.SECRETARY_GENERAL, secretaries),
                  (committee, Post.Role.MEMBER, members), (legal, Post.Role.CHAIR, 1),
                  (legal, Post.Role.MEMBER, 3)]  # fmt: skip
        if not current:
            wanted = wanted[:2]
        wanted = [w for w in wanted if w[2]]
        posts = Post.objects.bulk_create(
            [
                Post(site_id=self.site_id, term=term, body=body, role=role)
                for body, role, _n in wanted
            ]
        )
        holdings, index = [], 0
        for post, (_body, _role, n) in zip(posts, wanted, strict=True):
            for _ in range(n):
                person = holders[index % len(holders)]
                index += 1
                holdings.append(PostHolding(site_id=self.site_id, person=person, post=post,
                                            start_date=start, end_date=end))  # fmt: skip
        if current and len(holders) > index:
            # A committee member who left mid-term, and who replaced them.
            holdings[-5].end_date = start + datetime.timedelta(days=540)
            holdings.append(PostHolding(site_id=self.site_id, person=holders[index],
                                        post=holdings[-5].post,
                                        start_date=start + datetime.timedelta(days=600)))  # fmt: skip
        PostHolding.objects.bulk_create(holdings)

    def performance(self, term: Term, memberships: list[Membership]) -> None:
        """Entries of every seat of the term up to today, with deterministic variety."""
        rng, d = self.rng, data()
        label = Level(self.level).label
        if self.level == Level.NATIONAL:  # 第十四届全国人民代表大会, 肥西县第十八届人民代表大会
            session_of = f"{term.ordinal}{self.congress.name}"
        else:
            session_of = f"{region_of(self.congress)}{term.ordinal}人民代表大会"
        kinds = PerformanceKind
        sessions = session_dates(self.congress, term.start_date, term.end_date, self.today)
        entries = []
        for m in memberships:
            last = min(m.end_date or self.today, self.today)
            span = max((last - m.start_date).days, 1)

            def day(span=span, m=m):
                return m.start_date + datetime.timedelta(days=rng.randint(1, span))

            def add(kind, title, when, quantity=1, m=m):
                entries.append(PerformanceEntry(site_id=m.site_id, membership=m, kind=kind,
                                                date=when, title=title[:200],
                                                quantity=Decimal(quantity)))  # fmt: skip

            for n, when in enumerate(sessions, 1):
                if when <= last:
                    meeting = f"{session_of}第{chinese_number(n)}次会议"
                    if rng.random() < 0.06:
                        add(kinds.SESSION, f"{meeting}（请假）", when, 0)
                    else:
                        add(kinds.SESSION, f"出席{meeting}", when)
            for _ in range(rng.randint(0, 4)):
                add(kinds.SUGGESTION, f"关于{rng.choice(d['topics'])}的建议", day())
            if not self.direct and rng.random() < 0.15:
                add(kinds.MOTION, f"关于{rng.choice(d['topics'])}的议案", day())
            for _ in range(rng.randint(0, 2)):
                add(kinds.INSPECTION, f"视察{self.region}{rng.choice(d['inspections'])}", day())
            for _ in range(rng.randint(0, 2)):
                add(kinds.RESEARCH, f"参加{rng.choice(d['topics'])}专题调研", day())
            station = m.deputy_group.station.name if m.deputy_group else "代表联络站"
            for _ in range(rng.randint(1 if self.direct else 0, 4 if self.direct else 2)):
                add(kinds.RECEPTION, f"在{station}接待选民", day())
            if rng.random() < (0.6 if self.direct else 0.3):
                add(kinds.REPORT, "向原选区选民述职" if self.direct else "向原选举单位报告履职情况",
                    day())  # fmt: skip
            for _ in range(rng.randint(1, 2)):
                add(kinds.TRAINING, f"参加{label}人大代表履职学习培训班", day(),
                    rng.choice((4, 6, 8, 12, 16)))  # fmt: skip
            if rng.random() < 0.2:
                add(kinds.OTHER, "参加执法检查", day())
        PerformanceEntry.objects.bulk_create(entries, batch_size=1000)
        self.counts["entries"] += len(entries)

    def receptions(self) -> None:
        """The next two reception days of each new station, after today."""
        d, rng = data(), self.rng
        through = Reception.deputies.through
        members: dict[int, list[int]] = {}
        for station_id, person_id in (
            LiaisonStation.deputies.through.objects.filter(liaisonstation__in=self.new_stations)
            .order_by("person_id")
            .values_list("liaisonstation_id", "person_id")
        ):
            members.setdefault(station_id, []).append(person_id)
        receptions, picked = [], []
        for station in self.new_stations:
            deputies = members.get(station.pk, [])
            for day in station.reception_days(self.today + _DAY, 60, self.calendar)[:2]:
                receptions.append(Reception(site_id=station.site_id, station=station, date=day,
                                            topic=rng.choice(d["reception_topics"])))  # fmt: skip
                picked.append(rng.sample(deputies, min(2, len(deputies))))
        Reception.objects.bulk_create(receptions)
        through.objects.bulk_create(
            [through(reception_id=r.pk, person_id=p)
             for r, people in zip(receptions, picked, strict=True) for p in people]
        )  # fmt: skip

    def previous_term(self, number, start, end, fresh: list[Seat], regions: list[str]) -> None:
        """The ended term: some of today's deputies re-elected from it, some who left."""
        term = self.term(number, start, end)
        delegations, constituencies = self.parts(term, regions, self.plan.seats)
        again = [s for s in fresh if self.rng.random() < 0.4]
        leavers = len(fresh) // 3
        females = self.females(leavers)
        gone = []
        for i in range(leavers):
            region = self.region if self.direct else regions[i % len(regions)]
            gone.append(Seat(self.new_person(region, i in females, start), region))
        self.create_people([s.person for s in gone])
        memberships = []
        for i, seat in enumerate(gone + again):
            region = seat.region if seat.region in regions else regions[i % len(regions)]
            memberships.append(Membership(
                site_id=self.site_id, person=seat.person, congress=self.congress, term=term,
                election=Election.DIRECT if self.direct else Election.INDIRECT, start_date=start,
                end_date=end, end_reason=EndReason.TERM_ENDED,
                delegation=delegations.get(region),
                constituency=constituencies[i % len(constituencies)] if self.direct
                else constituencies[regions.index(region)],
            ))  # fmt: skip
        Membership.objects.bulk_create(memberships, batch_size=500)
        self.counts["memberships"] += len(memberships)
        self.posts(term, [s.person for s in gone], start, end, current=False)


def load_demo(profile) -> dict[str, int]:
    """Create the site's congresses and fill those without a term; returns what was created."""
    today = timezone.localdate()
    calendar = None
    totals = {"congresses": 0, "people": 0, "memberships": 0, "entries": 0}
    people: set[int] = set()
    for congress in ensure_site_congresses(profile):
        if congress.terms.exists():
            continue
        calendar = calendar or Calendar()
        builder = CongressBuilder(congress, profile, today, calendar)
        for key, value in builder.build().items():
            totals[key] += value
        totals["congresses"] += 1
        people.update(builder.seated)
    if people:
        reindex_people(sorted(people))
    if people and profile.division_code in ACCOUNT_SITES:  # a second run opens nothing
        totals["accounts"] = open_accounts([profile.site_id]).counts["created"]
    return totals


#: 开通账号 in the demo: the sitting deputies of these sites get accounts.
ACCOUNT_SITES = ("340123",)


def demo_logins() -> list[str]:
    """A few deputies who can log in to the mini-program, for ``load_plugin_demo`` to print."""
    from cms.services import accounts

    refs = accounts.open_deputy_refs()[:3]
    lines = []
    for person in Person.objects.filter(pk__in=[int(r) for r in refs]).order_by("pk"):
        lines.append(f"代表 {person.name}:手机号 {person.mobile}(短信验证码登录)")
    return lines
