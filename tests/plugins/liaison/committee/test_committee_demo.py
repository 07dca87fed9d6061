"""The committee demo: members with deputies, a year's log with some deputies uncontacted,
invitations with registrations and attendance; loaded once."""

from __future__ import annotations

import pytest

from plugins.liaison import committee_coverage, committee_demo
from plugins.liaison.committee import Assignment, CommitteeMember, Contact, Invitee

pytestmark = pytest.mark.django_db


def test_demo_on_hefei_and_not_on_wuhu(hefei, deputies, site_group, office):
    from tests.plugins.suggestions.conftest import make_deputy

    for i in range(4):
        make_deputy(f"合肥代表{i}", f"1392222{i:04d}", "340100")
    made = committee_demo.load(hefei)
    assert made["members"] == 3
    assert CommitteeMember.objects.filter(site=hefei.site).count() == 3
    assert Assignment.objects.filter(site=hefei.site).count() == made["assignments"] >= 4
    figures = committee_coverage.coverage(hefei, allowed={hefei.site_id})
    assert 0 < figures["total"]["uncontacted"]["numerator"] < figures["total"]["assigned"]
    assert figures["total"]["met_minimum"]["numerator"] > 0
    responses = set(Invitee.objects.values_list("response", flat=True))
    assert {"registered", "declined"} <= responses
    assert Invitee.objects.filter(attended=True).exists()
    assert Invitee.objects.filter(attended=False).exists()

    count = Contact.objects.count()
    assert committee_demo.load(hefei) == {}  # a second run changes nothing
    assert Contact.objects.count() == count
    assert committee_demo.load(site_group["340200"]) == {}  # 芜湖: not a demo site
