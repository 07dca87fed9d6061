"""Fixtures for the deputies plugin: congresses and deputies on the small test site group.

``register`` builds, on the ``site_group`` of tests/conftest.py, the congresses
of 安徽省 (provincial + national), 合肥市, 肥西县 and its township 上派镇, one
current term each with delegations and constituencies, and a few deputies —
one of them (张伟) seated in both 肥西县 and 合肥市.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from plugins.deputies import models as m

#: Valid GB 11643 numbers (checksums correct), fictional people.
ID_NUMBERS = [
    "340104199001011239",
    "340123197503150028",
    "340121198208200012",
    "340102196811110048",
    "340123199006060012",
]


def valid_id_number(seed: int, prefix: str = "340123") -> str:
    """A fictional ID number with a correct check digit, distinct per ``seed``."""
    from cms.services.idnumbers import with_check_digit

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=seed % 12000)
    return with_check_digit(f"{prefix}{birth:%Y%m%d}{seed % 1000:03d}")


@dataclass
class Register:
    congresses: dict[str, m.Congress] = field(default_factory=dict)
    terms: dict[str, m.Term] = field(default_factory=dict)
    delegations: dict[str, m.Delegation] = field(default_factory=dict)
    constituencies: dict[str, m.Constituency] = field(default_factory=dict)
    people: dict[str, m.Person] = field(default_factory=dict)

    def add_person(self, code: str, name: str, *, id_number: str, gender="male", **profile):
        """A deputy of congress ``code``'s current term (reuses the person by ID number)."""
        from plugins.deputies.privacy import digest

        person = m.Person.objects.filter(id_number_digest=digest(id_number)).first()
        if person is None:
            person = m.Person(site_id=self.congresses[code].site_id, name=name, gender=gender)
            person.id_number = id_number
            person.mobile = profile.pop("mobile", "13900000000")
            person.address = profile.pop("address", "合肥市蜀山区某路 1 号")
            for key, value in profile.items():
                setattr(person, key, value)
            person.save()
        term = self.terms[code]
        direct = self.congresses[code].level in m.DIRECT_LEVELS
        m.Membership.objects.create(
            person=person,
            congress=self.congresses[code],
            term=term,
            election=m.Election.DIRECT if direct else m.Election.INDIRECT,
            start_date=term.start_date,
            constituency=self.constituencies.get(code),
            delegation=self.delegations.get(code),
        )
        self.people.setdefault(name, person)
        return person


CONGRESSES = [
    # code, site code, level, name, term number, start
    ("100000", "340000", m.Level.NATIONAL, "全国人民代表大会", 14, datetime.date(2023, 3, 5)),
    ("340000", "340000", m.Level.PROVINCE, "安徽省人民代表大会", 14, datetime.date(2023, 1, 13)),
    ("340100", "340100", m.Level.MUNICIPAL, "合肥市人民代表大会", 17, datetime.date(2022, 1, 6)),
    ("340123", "340123", m.Level.COUNTY, "肥西县人民代表大会", 18, datetime.date(2021, 12, 20)),
    (
        "340123100",
        "340123",
        m.Level.TOWNSHIP,
        "上派镇人民代表大会",
        18,
        datetime.date(2021, 12, 10),
    ),
    ("340121", "340121", m.Level.COUNTY, "长丰县人民代表大会", 18, datetime.date(2021, 12, 22)),
]


def build_register(site_group) -> Register:
    reg = Register()
    for code, site_code, level, name, number, start in CONGRESSES:
        # Provisioning a site creates its congress already (signals.py); make it ours.
        congress, _ = m.Congress.objects.update_or_create(
            division_code=code,
            defaults={"site_id": site_group[site_code].site_id, "name": name, "level": level},
        )
        reg.congresses[code] = congress
        term = m.Term.objects.create(congress=congress, number=number, start_date=start)
        reg.terms[code] = term
        if level in m.DIRECT_LEVELS:
            reg.constituencies[code] = m.Constituency.objects.create(
                term=term, name="第一选区", kind=m.Constituency.Kind.DISTRICT
            )
        else:
            reg.delegations[code] = m.Delegation.objects.create(
                term=term, name="合肥市代表团" if code != "340100" else "肥西县代表团"
            )
    reg.add_person(
        "340123",
        "张伟",
        id_number=ID_NUMBERS[0],
        party=m.Party.CPC,
        birth_date=datetime.date(1990, 1, 1),
        education=m.Education.UNIVERSITY,
        occupation_category=m.OccupationCategory.FARMER,
        occupation="上派镇某村党支部书记",
    )
    reg.add_person("340100", "张伟", id_number=ID_NUMBERS[0])  # the same person, also a city deputy
    reg.add_person(
        "340123",
        "李芳",
        id_number=ID_NUMBERS[1],
        gender="female",
        ethnicity="回族",
        party=m.Party.NONE,
        birth_date=datetime.date(1975, 3, 1),
        education=m.Education.COLLEGE,
        occupation_category=m.OccupationCategory.WORKER,
    )
    reg.add_person(
        "340121",
        "曾国华",
        id_number=ID_NUMBERS[2],
        party=m.Party.CDL,
        birth_date=datetime.date(1982, 8, 1),
        education=m.Education.POSTGRADUATE,
        occupation_category=m.OccupationCategory.PROFESSIONAL,
    )
    reg.add_person(
        "340123100",
        "王秀英",
        id_number=ID_NUMBERS[4],
        gender="female",
        birth_date=datetime.date(1990, 6, 1),
        occupation_category=m.OccupationCategory.FARMER,
    )
    reg.add_person(
        "340000",
        "陈静",
        id_number=ID_NUMBERS[3],
        gender="female",
        party=m.Party.CPC,
        birth_date=datetime.date(1968, 11, 1),
        education=m.Education.POSTGRADUATE,
        occupation_category=m.OccupationCategory.OFFICIAL,
    )
    return reg  # fmt: skip


@pytest.fixture
def register(site_group, settings):
    """The small deputies register (see the module docstring), the plugin on everywhere."""
    return build_register(site_group)
