"""委员联系代表 through the API: a member's deputies and contact log, the deputy's view."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from plugins.liaison import committee_logic
from plugins.liaison.committee import Contact

pytestmark = pytest.mark.django_db
SITE = "?site=340100"


def error_fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


@pytest.fixture
def assigned(member, deputies, office):
    record, _auth = member
    refs = [deputies[n].ref for n in ("张伟", "李芳", "王强")]
    return committee_logic.assign(record, refs, user=office)


def test_member_sees_assigned_deputies_with_this_years_contacts(client, member, assigned):
    record, auth = member
    today = timezone.localdate()
    response = client.post(f"/api/v1/liaison/committee/contacts/{SITE}", {
        "deputy": assigned[0].deputy_ref, "kind": "visit", "date": today.isoformat(),
        "issues": "乡村道路养护资金不足", "follow_up": "已转市交通运输局"},
        content_type="application/json", **auth)  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["deputy_name"] == "张伟"
    assert response.json()["source"] == "member"
    # last year's contact does not count this year
    Contact.objects.create(assignment=assigned[1], kind="phone",
                           date=datetime.date(today.year - 1, 6, 1))  # fmt: skip

    body = client.get(f"/api/v1/liaison/committee/deputies/{SITE}", **auth).json()
    counts = {r["deputy"]["name"]: r["contacts_this_year"] for r in body["results"]}
    assert counts == {"张伟": 1, "李芳": 0, "王强": 0}
    assert {r["minimum"] for r in body["results"]} == {2}
    log = client.get(f"/api/v1/liaison/committee/contacts/{SITE}", **auth).json()
    assert log["count"] == 2
    assert ModelLogEntry.objects.filter(action="liaison.contact_logged").count() == 1


def test_member_cannot_log_an_unassigned_deputy_or_a_future_date(client, member, assigned,
                                                                  deputies):  # fmt: skip
    _record, auth = member
    url = f"/api/v1/liaison/committee/contacts/{SITE}"
    response = client.post(url, {"deputy": deputies["赵敏"].ref, "kind": "visit",
                                 "date": timezone.localdate().isoformat()},
                           content_type="application/json", **auth)  # fmt: skip
    assert response.status_code == 400
    assert error_fields(response) == {"deputy"}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"deputy": assigned[0].deputy_ref, "kind": "visit",
                                 "date": tomorrow.isoformat()},
                           content_type="application/json", **auth)  # fmt: skip
    assert response.status_code == 400
    assert error_fields(response) == {"date"}
    response = client.post(url, {"deputy": assigned[0].deputy_ref, "kind": "dinner",
                                 "date": "2025-01-01"}, content_type="application/json", **auth)  # fmt: skip
    assert response.status_code == 400
    assert Contact.objects.count() == 0


def test_not_a_member_is_refused(client, deputies, hefei):
    auth = deputies["张伟"].auth
    assert client.get(f"/api/v1/liaison/committee/deputies/{SITE}", **auth).status_code == 403
    assert client.get(f"/api/v1/liaison/committee/deputies/{SITE}").status_code in (401, 403)


def test_a_member_of_another_site_is_refused(client, member, assigned):
    _record, auth = member
    response = client.get("/api/v1/liaison/committee/deputies/?site=340123", **auth)
    assert response.status_code == 403


def test_deputy_sees_their_contacts(client, member, assigned, deputies, office):
    Contact.objects.create(assignment=assigned[0], kind="group", date=timezone.localdate(),
                           issues="学校周边交通", recorded_by=office)  # fmt: skip
    Contact.objects.create(assignment=assigned[1], kind="phone", date=timezone.localdate())
    body = client.get(f"/api/v1/liaison/deputy/contacts/{SITE}", **deputies["张伟"].auth).json()
    assert body["count"] == 1
    assert body["results"][0]["member"] == "陈明"
    assert body["results"][0]["issues"] == "学校周边交通"
    # Not a deputy of Changfeng's congress: refused there
    response = client.get("/api/v1/liaison/deputy/contacts/?site=340121", **deputies["张伟"].auth)
    assert response.status_code == 403


def test_assignment_limit_and_only_current_deputies(member, deputies, office, monkeypatch):
    from django.apps import apps
    from django.core.exceptions import ValidationError

    record, _ = member
    monkeypatch.setitem(apps.get_app_config("liaison").plugin_settings,
                        "MAX_DEPUTIES_PER_MEMBER", 2)  # fmt: skip

    with pytest.raises(ValidationError):
        committee_logic.assign(record, [deputies["曾国华"].ref], user=office)
    committee_logic.assign(record, [deputies["张伟"].ref, deputies["李芳"].ref], user=office)
    with pytest.raises(ValidationError):
        committee_logic.assign(record, [deputies["王强"].ref], user=office)


def test_a_deputy_whose_seat_ended_cannot_be_assigned(member, deputies, office):
    from django.core.exceptions import ValidationError

    record, _ = member
    seat = deputies["王强"].person.memberships.get()
    seat.end_date = timezone.localdate() - datetime.timedelta(days=1)
    seat.end_reason = "resigned"
    seat.save()
    with pytest.raises(ValidationError):
        committee_logic.assign(record, [deputies["王强"].ref], user=office)
    assert committee_logic.assign(record, [deputies["李芳"].ref], user=office)
