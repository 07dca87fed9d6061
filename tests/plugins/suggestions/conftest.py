"""Deputies with accounts, handling units with staff, and the office, on the test site group.

The deputies come from the deputies plugin's register (the directory the core
asks); the suggestions plugin itself never imports that plugin.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.accounts.models import HandlingUnit
from cms.plugins import set_enabled
from cms.services import accounts
from plugins.deputies import models as m
from tests.plugins.deputies.conftest import valid_id_number

_seeds = itertools.count(100)


@dataclass
class Deputy:
    person: m.Person
    user: object
    auth: dict[str, str]

    @property
    def ref(self) -> str:
        return str(self.person.pk)


def make_deputy(name: str, mobile: str, *codes: str) -> Deputy:
    """A deputy seated in the congresses of ``codes`` (current terms), with an open account."""
    person = None
    for code in codes:
        congress = m.Congress.objects.get(division_code=code)
        term = congress.terms.order_by("-number").first() or m.Term.objects.create(
            congress=congress, number=1, start_date=datetime.date(2022, 1, 1)
        )
        if person is None:
            person = m.Person(site_id=congress.site_id, name=name, gender="male")
            person.id_number = valid_id_number(next(_seeds))
            person.mobile = mobile
            person.address = "合肥市某路 1 号"
            person.save()
        direct = congress.level in m.DIRECT_LEVELS
        m.Membership.objects.create(
            person=person, congress=congress, term=term, start_date=term.start_date,
            election=m.Election.DIRECT if direct else m.Election.INDIRECT,
        )  # fmt: skip
    user, _ = accounts.open_deputy_account(str(person.pk))
    tokens = accounts.issue_tokens(user, device_id=f"test-{mobile}")
    return Deputy(person, user, {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"})


def citizen_auth(mobile: str) -> dict[str, str]:
    user = accounts.citizen_account(mobile).user
    tokens = accounts.issue_tokens(user, device_id=f"test-{mobile}")
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"}


def unit_with_staff(profile, name: str, username: str):
    staff = get_user_model().objects.create_user(username=username, password="pw-lianxi-test",
                                                 first_name=name)  # fmt: skip
    staff.groups.add(Group.objects.get(name="承办单位工作人员"))
    unit = HandlingUnit.objects.create(site=profile.site, name=name)
    unit.members.add(staff)
    return unit, staff


@pytest.fixture
def feixi(site_group):
    profile = site_group["340123"]
    set_enabled("suggestions", profile, True)
    return profile


@pytest.fixture
def people(feixi, site_group):
    return {
        "张伟": make_deputy("张伟", "13900000011", "340123", "340100"),
        "李芳": make_deputy("李芳", "13900000012", "340123"),
        "曾国华": make_deputy("曾国华", "13900000013", "340121"),
    }


@pytest.fixture
def units(feixi):
    lead, lead_staff = unit_with_staff(feixi, "肥西县交通运输局", "unit-transport")
    lead.signers.add(lead_staff)  # signs replies off (the two-step case: test_handling)
    co, co_staff = unit_with_staff(feixi, "肥西县财政局", "unit-finance")
    return {"lead": lead, "lead_staff": lead_staff, "co": co, "co_staff": co_staff}


@pytest.fixture
def office(feixi, make_user):
    return make_user("feixi-office", feixi.editors_group)
