"""The directory's stations and places (``cms.services.directory``), backed by the register.

The liaison plugin routes citizens' messages through these answers without
importing the deputies plugin.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cms.services import directory
from plugins.deputies import models as m


@pytest.fixture
def places(register):
    county = register.constituencies["340123"]
    county.area = "上派镇三岗村、山南村"
    county.save()
    station = m.LiaisonStation.objects.create(
        site_id=register.congresses["340123"].site_id, congress=register.congresses["340123"],
        name="上派镇人大代表联络站", division_code="340123100", address="上派镇文化路",
        latitude=Decimal("31.706000"), longitude=Decimal("117.158000"),
    )  # fmt: skip
    far = m.LiaisonStation.objects.create(
        site_id=register.congresses["340121"].site_id, congress=register.congresses["340121"],
        name="长丰县水湖镇代表联络站", division_code="340121100", address="水湖镇长丰路",
        latitude=Decimal("32.478000"), longitude=Decimal("117.164000"),
    )  # fmt: skip
    hidden = m.LiaisonStation.objects.create(
        site_id=register.congresses["340123"].site_id, name="内部活动室",
        division_code="340123100", address="某处", is_public=False,
    )  # fmt: skip
    station.deputies.add(register.people["陈静"])
    far.deputies.add(register.people["曾国华"])
    return {"station": station, "far": far, "hidden": hidden}


def names(people):
    return sorted(p.name for p in people)


def test_a_station_by_ref_with_its_deputies(register, places):
    found = directory.station(str(places["station"].pk))
    assert found.name == "上派镇人大代表联络站"
    assert found.address == "上派镇文化路"
    assert found.division_code == "340123100"
    assert found.site_id == register.congresses["340123"].site_id
    assert (found.latitude, found.longitude) == (31.706, 117.158)
    assert found.deputies == (str(register.people["陈静"].pk),)
    assert directory.station(str(places["hidden"].pk)) is None  # not public
    assert directory.station("999999") is None
    assert directory.station("abc") is None


def test_stations_by_site_place_and_distance(register, places):
    feixi = register.congresses["340123"].site_id
    assert [s.name for s in directory.stations(site_id=feixi)] == ["上派镇人大代表联络站"]
    assert [s.name for s in directory.stations(place_code="340123100")] == ["上派镇人大代表联络站"]
    assert [s.name for s in directory.stations(place_code="340121")] == ["长丰县水湖镇代表联络站"]
    near = directory.stations(near=(31.71, 117.16))
    assert [s.name for s in near] == ["上派镇人大代表联络站"]
    assert 0 < near[0].distance_km < 1
    wide = directory.stations(near=(31.71, 117.16), within_km=200)
    assert [s.name for s in wide] == ["上派镇人大代表联络站", "长丰县水湖镇代表联络站"]
    assert directory.stations(place_code="999999") == []


def test_deputies_for_a_township_and_a_county(register, places):
    # 上派镇: its own congress's deputy, the county deputy elected there, the stationed one.
    assert names(directory.place_deputies("340123100")) == ["张伟", "李芳", "王秀英", "陈静"]
    assert all(p.mobile == "" for p in directory.place_deputies("340123100"))
    # 肥西县: the county congress's deputies and the deputies of its stations.
    assert names(directory.place_deputies("340123")) == ["张伟", "李芳", "陈静"]
    assert names(directory.place_deputies("340121")) == ["曾国华"]
    assert directory.place_deputies("999999") == []


def test_a_deputy_whose_seat_ended_covers_no_place(register, places):
    membership = m.Membership.objects.get(person=register.people["李芳"])
    membership.end_date = datetime.date(2024, 1, 1)
    membership.end_reason = m.EndReason.choices[0][0]
    membership.save()
    assert "李芳" not in names(directory.place_deputies("340123"))
