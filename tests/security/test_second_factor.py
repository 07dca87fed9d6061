"""Two factors (password + TOTP) for reviewers, the admin roles and superusers."""

import re
import time

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import ModelLogEntry


def code(device, offset=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def password_login(client, username, password="pw-lianxi-test"):
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_a_reviewer_enrols_an_authenticator_then_gives_a_code_at_each_login(site_group, make_user):
    reviewer = make_user("fx-first", site_group["340123"].first_reviewers_group)
    client = Client(REMOTE_ADDR="203.0.113.20")
    password_login(client, "fx-first")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/security/second-factor/enrol/")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "绑定动态口令" in html and "<svg" in html
    secret = re.search(r"<code>([A-Z2-7]+)</code>", html).group(1)
    device = TOTPDevice.objects.get(user=reviewer, confirmed=False)
    assert secret == page.context["secret"]

    wrong = client.post(response["Location"], {"code": "000000"})
    assert "动态口令不正确" in wrong.content.decode()
    # Past the wrong code's delay (django-otp slows down repeated failures).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    done = client.post(response["Location"], {"code": code(device), "next": "/admin/"})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    (entry,) = ModelLogEntry.objects.filter(action="lianxi.second_factor_enrolled")
    assert entry.data["ip"] == "203.0.113.20"

    # The next login: password, then the code of the bound device.
    client = Client()
    password_login(client, "fx-first")
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/security/second-factor/verify/")
    device.refresh_from_db()
    assert device.confirmed
    time.sleep(0)  # the same 30 s step may already be used: give the next one
    ok = client.post(response["Location"], {"code": code(device, 1)})
    if ok.status_code != 302:  # the previous code's step had not passed: try this step's
        TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
        ok = client.post(response["Location"], {"code": code(device)})
    assert ok.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_editor_needs_no_second_factor(site_group, make_user):
    make_user("fx-editor-only", site_group["340123"].editors_group)
    client = Client()
    password_login(client, "fx-editor-only")
    assert client.get("/admin/").status_code == 200


def test_superusers_and_final_reviewers_need_it_too(site_group, make_user):
    make_user("root-2fa", superuser=True)
    make_user("fx-final", site_group["340123"].final_reviewers_group)
    for username in ("root-2fa", "fx-final"):
        client = Client()
        password_login(client, username)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/security/second-factor/enrol/" in response["Location"]


def test_without_the_code_the_session_is_anonymous_on_the_api(site_group, make_user):
    make_user("fx-api-reviewer", site_group["340123"].first_reviewers_group)
    client = Client()
    password_login(client, "fx-api-reviewer")
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_the_security_admin_resets_an_authenticator(site_group, make_user, role_users):
    reviewer = make_user("fx-lost-phone", site_group["340123"].first_reviewers_group)
    TOTPDevice.objects.create(user=reviewer, name="手机", confirmed=True)
    client = Client()
    client.force_login(role_users["security"])
    page = client.get("/admin/security/second-factor/")
    assert page.status_code == 200 and "fx-lost-phone" in page.content.decode()
    response = client.post(f"/admin/security/second-factor/{reviewer.pk}/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert ModelLogEntry.objects.filter(action="lianxi.second_factor_reset").exists()
    # Nobody else may (the admin sends them home with "no permission").
    device = TOTPDevice.objects.create(user=reviewer, name="新手机", confirmed=True)
    other = Client()
    other.force_login(role_users["system"])
    assert other.get("/admin/security/second-factor/").status_code in (302, 403)
    other.post(f"/admin/security/second-factor/{reviewer.pk}/reset/")
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
