"""Logging in as a mini-program would: SMS code, tokens per device, refresh, logout, /me."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.utils import timezone

from cms.accounts.models import Account, Device, LoginCode
from cms.services import notifications
from tests.accounts.miniprogram import MOBILE, MiniProgram

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def test_a_new_mobile_number_logs_in_as_a_citizen_and_sees_itself(app, gateway):
    response = app.login()
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 7200 and tokens["refresh_expires_in"] == 30 * 86400
    assert response["Cache-Control"] == "private, no-store"

    me = app.get("/api/v1/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["roles"] == ["citizen"]
    assert body["mobile"] == "138****5678"
    assert body["sites"] == [] and body["seats"] == [] and body["handling_units"] == []
    assert body["is_staff"] is False and body["unread_notifications"] == 0
    # The number is encrypted at rest and found by its digest; the code only as a hash.
    account = Account.objects.get()
    assert MOBILE not in account.mobile_encrypted and account.mobile == MOBILE
    code = app.last_code()
    assert all(code not in row.code_hash for row in LoginCode.objects.all())
    # The SMS went through the gateway with the approved template.
    assert gateway.calls("/sms/send")[-1].json["template"] == "login_code"


def test_logging_in_again_finds_the_same_account(app):
    assert app.login().status_code == 200
    first = app.get("/api/v1/me/").json()["username"]
    app.device_id = "phone-2"
    LoginCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    app.client.post("/api/v1/auth/sms-code/", {"mobile": "+86 138-1234-5678"}, format="json")
    response = app.login(code=app.last_code())
    assert response.status_code == 200
    assert app.get("/api/v1/me/").json()["username"] == first
    assert Account.objects.count() == 1
    assert Device.objects.filter(revoked_at__isnull=True).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"mobile": "12345"}, "mobile"), ({}, "mobile"), ({"mobile": "23800000000"}, "mobile")],
)
def test_a_bad_mobile_number_is_a_400_naming_the_field(app, payload, field):
    response = app.client.post("/api/v1/auth/sms-code/", payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_a_wrong_code_is_refused_and_five_wrong_tries_spend_the_code(app):
    assert app.request_code().status_code == 202
    code = app.last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = app.login(code=wrong)
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "code"
    assert app.login(code=code).status_code == 400  # spent: the right code no longer works
    assert not Account.objects.exists()


def test_malformed_login_input_names_each_field(app):
    response = app.client.post(
        "/api/v1/auth/sms-login/",
        {"mobile": MOBILE, "code": "12ab", "device_id": "bad id!"},
        format="json",
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"code", "device_id"}


def test_an_expired_code_is_refused(app):
    assert app.request_code().status_code == 202
    code = app.last_code()
    LoginCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert app.login(code=code).status_code == 400


def test_codes_are_limited_per_number(app, settings):
    assert app.request_code().status_code == 202
    again = app.request_code()
    assert again.status_code == 429
    assert int(again["Retry-After"]) > 0
    assert again.json()["type"] == "urn:lianxi:problem:code-too-soon"
    settings.LIANXI_LOGIN_CODE_RESEND = 0
    settings.LIANXI_LOGIN_CODE_DAILY = 3
    assert app.request_code().status_code == 202
    assert app.request_code().status_code == 202
    capped = app.request_code()
    assert capped.status_code == 429 and capped.json()["type"].endswith("code-daily-limit")
    assert app.request_code("13900000001").status_code == 202  # another number is not affected


def test_logins_are_throttled_per_address(app, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/min",
        },
    }
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        statuses = [
            app.client.post(
                "/api/v1/auth/refresh/", {"refresh_token": "lxr_x"}, format="json"
            ).status_code
            for _ in range(4)
        ]
        # A forged X-Forwarded-For is no new allowance.
        forged = app.client.post("/api/v1/auth/refresh/", {"refresh_token": "lxr_x"}, format="json",
                                 HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    finally:
        api_settings.reload()
    assert statuses == [401, 401, 401, 429]
    assert forged.status_code == 429


def test_refresh_rotates_both_tokens_and_a_reused_refresh_token_is_refused(app):
    app.login()
    old = app.tokens
    response = app.client.post(
        "/api/v1/auth/refresh/", {"refresh_token": old["refresh_token"]}, format="json"
    )
    assert response.status_code == 200
    new = response.json()
    assert (
        new["access_token"] != old["access_token"] and new["refresh_token"] != old["refresh_token"]
    )
    app.use(old["access_token"])
    assert app.get("/api/v1/me/").status_code == 401
    app.use(new["access_token"])
    assert app.get("/api/v1/me/").status_code == 200
    app.use(None)
    reused = app.client.post(
        "/api/v1/auth/refresh/", {"refresh_token": old["refresh_token"]}, format="json"
    )
    assert reused.status_code == 401 and reused["Content-Type"].startswith(PROBLEM)


def test_an_access_token_expires_and_the_refresh_token_renews_it(app):
    app.login()
    Device.objects.update(access_expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert app.get("/api/v1/me/").status_code == 401
    app.use(None)
    response = app.client.post("/api/v1/auth/refresh/", {"refresh_token": app.tokens["refresh_token"]},
                               format="json")  # fmt: skip
    assert response.status_code == 200
    app.use(response.json()["access_token"])
    assert app.get("/api/v1/me/").status_code == 200
    Device.objects.update(refresh_expires_at=timezone.now() - dt.timedelta(seconds=1))
    app.use(None)
    late = app.client.post("/api/v1/auth/refresh/", {"refresh_token": response.json()["refresh_token"]},
                           format="json")  # fmt: skip
    assert late.status_code == 401


def test_devices_are_listed_and_logged_out_one_by_one(app, gateway):
    app.login()
    tablet = MiniProgram(gateway, device_id="tablet-1")
    LoginCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert tablet.request_code().status_code == 202
    assert tablet.login(code=tablet.last_code()).status_code == 200

    devices = app.get("/api/v1/me/devices/").json()
    assert sorted(d["device_id"] for d in devices) == ["phone-1", "tablet-1"]
    assert [d["current"] for d in devices if d["device_id"] == "phone-1"] == [True]
    tablet_id = next(d["id"] for d in devices if d["device_id"] == "tablet-1")
    assert app.client.delete(f"/api/v1/me/devices/{tablet_id}/").status_code == 204
    assert tablet.get("/api/v1/me/").status_code == 401
    assert app.get("/api/v1/me/").status_code == 200
    assert app.client.delete(f"/api/v1/me/devices/{tablet_id}/").status_code == 404

    assert app.client.post("/api/v1/auth/logout/").status_code == 204
    assert app.get("/api/v1/me/").status_code == 401
    app.use(None)
    refused = app.client.post("/api/v1/auth/refresh/", {"refresh_token": app.tokens["refresh_token"]},
                              format="json")  # fmt: skip
    assert refused.status_code == 401


def test_another_accounts_device_cannot_be_logged_out(app, gateway):
    app.login()
    other = MiniProgram(gateway, device_id="other")
    assert other.login("13900000002").status_code == 200
    theirs = Device.objects.get(device_id="other")
    assert app.client.delete(f"/api/v1/me/devices/{theirs.pk}/").status_code == 404
    assert other.get("/api/v1/me/").status_code == 200


def test_the_inbox_lists_and_marks_read(app, site_group):
    app.login()
    user = Account.objects.get().user
    notifications.notify([user], "建议已交办", "您的建议已交由承办单位办理。", kind="test.one",
                         site=site_group["340123"])  # fmt: skip
    notifications.notify([user], "接待日提醒", "明天上午九点。", kind="test.two")
    assert app.get("/api/v1/me/").json()["unread_notifications"] == 2
    inbox = app.get("/api/v1/me/notifications/").json()
    assert inbox["count"] == 2 and inbox["unread"] == 2
    assert [n["subject"] for n in inbox["results"]] == ["接待日提醒", "建议已交办"]
    assert inbox["results"][1]["site"] == "340123"
    page = app.get("/api/v1/me/notifications/?limit=1").json()
    assert len(page["results"]) == 1 and page["next"]
    first = inbox["results"][0]["id"]
    marked = app.client.post(
        "/api/v1/me/notifications/read/", {"ids": [first]}, format="json"
    ).json()
    assert marked == {"marked": 1, "unread": 1}
    assert app.get("/api/v1/me/notifications/?unread=true").json()["count"] == 1
    bad = app.client.post("/api/v1/me/notifications/read/", {}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "ids"
    assert (
        app.client.post("/api/v1/me/notifications/read/", {"all": True}, format="json").json()[
            "unread"
        ]
        == 0
    )
    assert app.get("/api/v1/me/notifications/?limit=0").status_code == 400


def test_another_accounts_notifications_stay_theirs(app, gateway):
    app.login()
    other = MiniProgram(gateway, device_id="other")
    other.login("13900000002")
    notifications.notify([Account.objects.get(mobile_digest__isnull=False, user__devices__device_id="other").user],
                         "私信", "只给对方。", kind="test.private")  # fmt: skip
    assert app.get("/api/v1/me/notifications/").json()["count"] == 0
    theirs = other.get("/api/v1/me/notifications/").json()["results"][0]["id"]
    assert (
        app.client.post("/api/v1/me/notifications/read/", {"ids": [theirs]}, format="json").json()[
            "marked"
        ]
        == 0
    )


def test_the_citizen_erases_their_personal_data(app):
    app.login()
    assert app.client.delete("/api/v1/me/").status_code == 204
    account = Account.objects.get()
    assert account.erased_at and account.mobile_encrypted == "" and account.mobile_digest is None
    assert not account.user.is_active
    assert app.get("/api/v1/me/").status_code == 401
    # The number can sign up again: a new, empty account.
    app.use(None)
    LoginCode.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert app.login().status_code == 200
    assert Account.objects.count() == 2


def test_the_mobile_number_and_code_never_reach_the_logs(app, caplog):
    caplog.set_level(logging.DEBUG)
    app.login()
    code = app.last_code()
    assert (
        MOBILE not in caplog.text
        and f"code={code}" not in caplog.text
        and f'"{code}"' not in caplog.text
    )


def test_me_needs_a_token(client):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response["Content-Type"].startswith(PROBLEM)
    assert client.get("/api/v1/me/notifications/").status_code == 401
    assert client.get("/api/v1/me/devices/").status_code == 401


def test_a_stale_token_does_not_stop_a_new_login(app):
    app.use("wagtail_notarealtoken")
    assert app.login().status_code == 200
