"""The demo: suggestions at every state for 肥西县 and 合肥市, loaded once."""

from __future__ import annotations

from collections import Counter

import pytest

from cms.plugins import set_enabled
from cms.services import deadlines
from plugins.suggestions import demo, workflow
from plugins.suggestions.models import State, Suggestion

from .conftest import make_deputy

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_on_both_sites_and_loads_once(client, people, units, site_group):
    # Enough deputies on both sites for the motion's ten signers.
    for i in range(9):
        make_deputy(f"代表{i}", f"1391111{i:04d}", "340123", "340100")
    hefei = site_group["340100"]
    set_enabled("suggestions", hefei, True)
    demo.load_demo(site_group["340123"])
    for code in ("340123", "340100"):
        states = Counter(
            Suggestion.objects.filter(site__profile__division_code=code).values_list(
                "state", flat=True
            )
        )
        assert set(states) == set(State.values), (code, states)
    assert Suggestion.objects.filter(on_paper=True).count() == 2
    count = Suggestion.objects.count()
    demo.load_demo(site_group["340100"])
    assert Suggestion.objects.count() == count  # a second run changes nothing

    # 合肥 has its own units; the demo deputies read theirs, one of them overdue.
    zhang = people["张伟"]
    mine = client.get("/api/v1/suggestions/?site=340100&limit=50", **zhang.auth).json()["results"]
    assert {s["units"][0]["name"] for s in mine if s["units"]} <= {
        "合肥市交通运输局",
        "合肥市教育局",
    }
    assert mine  # 张伟 leads or co-signs some of 合肥's
    overdue = [
        s
        for s in Suggestion.objects.filter(site__profile__division_code="340100")
        if (clock := workflow.clock_of(s)) and deadlines.state(clock) in ("overdue", "long_overdue")
    ]
    assert len(overdue) == 1 and overdue[0].state == "assigned"


def test_no_demo_where_the_plugin_is_off(people, units, site_group):
    set_enabled("suggestions", site_group["340100"], False)
    demo.load_demo(site_group["340123"])
    assert Suggestion.objects.filter(site__profile__division_code="340123").exists()
    assert not Suggestion.objects.filter(site__profile__division_code="340100").exists()
