"""Deputies with accounts (from the deputies register), citizens, a handling unit, the office."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cms.plugins import set_enabled
from plugins.deputies import models as m
from tests.plugins.suggestions.conftest import citizen_auth, make_deputy, unit_with_staff

__all__ = ["citizen_auth"]

SITE = "340123"
API = "/api/v1/liaison/"


def api(path: str = "", site: str = SITE) -> str:
    return f"{API}{path}?site={site}"


def post(client, auth, path="", data=None, site=SITE, **headers):
    return client.post(api(path, site), data or {}, content_type="application/json",
                       **auth, **headers)  # fmt: skip


@pytest.fixture
def feixi(site_group):
    profile = site_group[SITE]
    set_enabled("liaison", profile, True)
    return profile


@pytest.fixture
def people(feixi):
    return {
        "张伟": make_deputy("张伟", "13900000011", "340123"),
        "李芳": make_deputy("李芳", "13900000012", "340123"),
        "曾国华": make_deputy("曾国华", "13900000013", "340121"),
    }


@pytest.fixture
def station(feixi, people):
    row = m.LiaisonStation.objects.create(
        site_id=feixi.site_id, name="上派镇人大代表联络站", division_code="340123100",
        address="上派镇文化路", latitude=Decimal("31.706000"), longitude=Decimal("117.158000"),
    )  # fmt: skip
    row.deputies.add(people["张伟"].person, people["李芳"].person)
    return row


@pytest.fixture
def citizen():
    return citizen_auth("13700000001")


@pytest.fixture
def unit(feixi):
    row, staff = unit_with_staff(feixi, "肥西县住房和城乡建设局", "unit-housing")
    return {"unit": row, "staff": staff}


@pytest.fixture
def office(feixi, make_user):
    return make_user("feixi-office", feixi.editors_group)
