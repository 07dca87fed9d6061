"""The demo: suggestions at every state for 肥西县 and 合肥市, loaded once."""

from __future__ import annotations

import re
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
    assert len(overdue) == 2 and {s.state for s in overdue} == {"assigned"}

    # A session's worth: replies of every class, on time and late, rated and re-handled.
    figures = client.get("/api/v1/suggestions/statistics/?site=340100").json()["total"]
    assert figures["withheld"] is False
    assert all(figures["classes"][c]["numerator"] > 0 for c in "ABCD"), figures["classes"]
    on_time = figures["on_time"]
    assert 0 < on_time["numerator"] < on_time["denominator"]
    assert figures["rehandling"]["numerator"] >= 2  # one on each site


def test_the_demo_measures_the_duplicate_check(people, units, site_group):
    from io import StringIO

    from django.core.management import call_command

    set_enabled("suggestions", site_group["340100"], True)
    demo.load_demo(site_group["340123"])
    out = StringIO()
    call_command("suggestion_duplicates", stdout=out)
    text = out.getvalue()
    # Precision and recall, computed over the labelled pairs of the two sites.
    found = re.search(r"precision ([\d.]+)%,recall ([\d.]+)%", text)
    assert found, text
    assert float(found.group(1)) >= 80 and float(found.group(2)) >= 70


def test_no_demo_where_the_plugin_is_off(people, units, site_group):
    set_enabled("suggestions", site_group["340100"], False)
    demo.load_demo(site_group["340123"])
    assert Suggestion.objects.filter(site__profile__division_code="340123").exists()
    assert not Suggestion.objects.filter(site__profile__division_code="340100").exists()
