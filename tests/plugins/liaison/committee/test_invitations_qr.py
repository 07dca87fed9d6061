"""Invitations through the deputies' API, attendance into the performance record; QR codes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cms.notifications.models import Notification
from cms.services import performance
from plugins.liaison import committee_logic
from plugins.liaison.committee import Invitation

pytestmark = pytest.mark.django_db
SITE = "?site=340100"


def make_invitation(hefei, office, deputies, names, *, days=7, capacity=2, kind="inspection"):
    invitation = Invitation.objects.create(
        site=hefei.site, kind=kind, title="《合肥市物业管理条例》执法检查",
        date=timezone.localdate() + datetime.timedelta(days=days), place="合肥市包河区",
        capacity=capacity, created_by=office,
    )  # fmt: skip
    committee_logic.invite(invitation, [deputies[n].ref for n in names], user=office)
    return invitation


def test_invited_deputies_are_notified_once_and_register_within_capacity(client, hefei, office,
                                                                        deputies):  # fmt: skip
    invitation = make_invitation(hefei, office, deputies, ["张伟", "李芳", "王强"])
    committee_logic.invite(invitation, [deputies["张伟"].ref], user=office)  # again: no duplicate
    assert Notification.objects.filter(kind="liaison.invitation").count() == 3
    assert invitation.invitees.count() == 3

    url = f"/api/v1/liaison/deputy/invitations/{invitation.pk}"
    body = client.get(f"/api/v1/liaison/deputy/invitations/{SITE}", **deputies["张伟"].auth).json()
    assert body["count"] == 1 and body["results"][0]["response"] == "invited"
    for name in ("张伟", "李芳"):
        response = client.post(f"{url}/register/{SITE}", **deputies[name].auth)
        assert response.status_code == 200, response.content
    assert response.json()["registered"] == 2
    full = client.post(f"{url}/register/{SITE}", **deputies["王强"].auth)
    assert full.status_code == 409
    declined = client.post(f"{url}/decline/{SITE}", {"reason": "外出学习"},
                           content_type="application/json", **deputies["王强"].auth)  # fmt: skip
    assert declined.status_code == 200
    assert declined.json()["response"] == "declined"
    assert declined.json()["decline_reason"] == "外出学习"
    # A deputy who declines frees a place
    client.post(f"{url}/decline/{SITE}", **deputies["李芳"].auth)
    assert client.post(f"{url}/register/{SITE}", **deputies["王强"].auth).status_code == 200


def test_others_cannot_see_or_answer_an_invitation(client, hefei, office, deputies):
    invitation = make_invitation(hefei, office, deputies, ["张伟"])
    url = f"/api/v1/liaison/deputy/invitations/{invitation.pk}"
    assert client.get(f"{url}/{SITE}", **deputies["李芳"].auth).status_code == 404
    assert client.post(f"{url}/register/{SITE}", **deputies["李芳"].auth).status_code == 404
    assert client.post(f"{url}/register/{SITE}").status_code in (401, 403)


def test_a_past_invitation_cannot_be_answered(client, hefei, office, deputies):
    invitation = make_invitation(hefei, office, deputies, ["张伟"], days=-1)
    url = f"/api/v1/liaison/deputy/invitations/{invitation.pk}/register/{SITE}"
    assert client.post(url, **deputies["张伟"].auth).status_code == 409


def test_attendance_becomes_a_performance_entry_and_absence_removes_it(hefei, office, deputies):
    invitation = make_invitation(hefei, office, deputies, ["张伟"], days=-2, kind="session")
    invitee = invitation.invitees.get()
    committee_logic.record_attendance(invitee, True, user=office)
    entry_id = invitee.performance_entry_id
    assert entry_id
    summary = performance.summary(int(deputies["张伟"].ref), "340100")
    assert summary[0]["counts"]["sit_in"] == 1
    committee_logic.record_attendance(invitee, True, user=office)  # again: the same entry
    assert invitee.performance_entry_id == entry_id
    committee_logic.record_attendance(invitee, False, user=office)
    summary = performance.summary(int(deputies["张伟"].ref), "340100")
    assert summary[0]["counts"]["sit_in"] == 0


def test_qr_codes_for_current_deputies_of_a_public_site_only(client, hefei, deputies):
    ref = deputies["张伟"].ref
    png = client.get(f"/api/v1/liaison/deputies/{ref}/qr.png{SITE}")
    assert png.status_code == 200
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    svg = client.get(f"/api/v1/liaison/deputies/{ref}/qr.svg{SITE}")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert b"<svg" in svg.content
    # Changfeng's deputy is no deputy of Hefei's congress; unknown refs and sites 404
    other = deputies["曾国华"].ref
    assert client.get(f"/api/v1/liaison/deputies/{other}/qr.png{SITE}").status_code == 404
    assert client.get(f"/api/v1/liaison/deputies/999999/qr.svg{SITE}").status_code == 404
    assert client.get(f"/api/v1/liaison/deputies/{ref}/qr.png?site=349999").status_code == 404


def test_qr_code_opens_the_write_url_of_the_setting(client, hefei, deputies, monkeypatch):
    from django.apps import apps

    from plugins.liaison import committee_qr

    ref = deputies["张伟"].ref
    assert committee_qr.write_url(ref, "340100").endswith(f"/mp/write?deputy={ref}&site=340100")
    monkeypatch.setitem(apps.get_app_config("liaison").plugin_settings, "WRITE_URL",
                        "https://mp.example.cn/pages/write?deputy={ref}&site={code}")  # fmt: skip
    url = committee_qr.write_url(ref, "340100")
    assert url == f"https://mp.example.cn/pages/write?deputy={ref}&site=340100"
    # the route's image is the code of exactly that address
    import io

    import segno

    expected = io.BytesIO()
    segno.make(url, error="m").save(expected, kind="png", scale=8, border=2)
    served = client.get(f"/api/v1/liaison/deputies/{ref}/qr.png{SITE}").content
    assert served == expected.getvalue()
