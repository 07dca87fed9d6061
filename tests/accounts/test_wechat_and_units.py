"""WeChat mini-program login (against a fake WeChat API), and handling units' staff."""

from __future__ import annotations

import pytest

from cms.accounts.models import Account, HandlingUnit
from cms.services import accounts
from tests.accounts.miniprogram import MiniProgram

pytestmark = pytest.mark.django_db


def wechat_sessions(api, codes: dict[str, str]):
    def answer(request):
        if request.query.get("appid") != "wx-test" or request.query.get("secret") != "wx-secret":
            return 200, {"errcode": 40125, "errmsg": "invalid appsecret"}
        openid = codes.get(request.query.get("js_code", ""))
        if openid is None:
            return 200, {"errcode": 40029, "errmsg": "invalid code"}
        return 200, {"openid": openid, "session_key": "k"}

    api.route("GET", "/sns/jscode2session", handler=answer)


def wechat_login(app, code):
    return app.client.post("/api/v1/auth/wechat-login/",
                           {"code": code, "device_id": app.device_id}, format="json")  # fmt: skip


def test_wechat_login_after_binding_with_a_verified_mobile(app, wechat_api):
    wechat_sessions(wechat_api, {"code-1": "openid-A", "code-2": "openid-A", "code-3": "openid-B"})
    refused = wechat_login(app, "code-1")
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:lianxi:problem:wechat-not-bound"
    assert not Account.objects.exists()  # no account without a verified mobile number

    app.login()
    assert (
        app.client.post("/api/v1/me/wechat/", {"code": "code-1"}, format="json").status_code == 204
    )
    assert app.get("/api/v1/me/").json()["wechat_bound"] is True
    account = Account.objects.get()
    assert "openid-A" not in account.wechat_openid_encrypted and account.wechat_openid == "openid-A"

    other = MiniProgram(app.gateway, device_id="wx-phone")
    response = wechat_login(other, "code-2")
    assert response.status_code == 200
    other.use(response.json()["access_token"])
    assert other.get("/api/v1/me/").json()["username"] == account.user.username
    # The secret went to the fake WeChat API only; the openid is now the login's key.
    assert wechat_api.calls("/sns/jscode2session")[0].query["js_code"] == "code-1"


def test_a_bad_or_reused_wechat_code_is_a_400(app, wechat_api):
    wechat_sessions(wechat_api, {})
    response = wechat_login(app, "used-code")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "code"


def test_wechat_down_is_a_503(app, wechat_api):
    wechat_api.route("GET", "/sns/jscode2session", status=502, json={})
    response = wechat_login(app, "code-1")
    assert response.status_code == 503 and response["Content-Type"].startswith(
        "application/problem+json"
    )


def test_one_wechat_binds_one_account(app, wechat_api):
    wechat_sessions(wechat_api, {"c1": "openid-A", "c2": "openid-A"})
    app.login()
    app.client.post("/api/v1/me/wechat/", {"code": "c1"}, format="json")
    other = MiniProgram(app.gateway, device_id="other")
    other.login("13900000002")
    taken = other.client.post("/api/v1/me/wechat/", {"code": "c2"}, format="json")
    assert taken.status_code == 409


def test_handling_unit_staff_see_their_units(app, site_group):
    app.login()
    user = Account.objects.get().user
    unit = HandlingUnit.objects.create(site=site_group["340123"].site, name="肥西县交通运输局")
    HandlingUnit.objects.create(site=site_group["340123"].site, name="肥西县教育局")
    unit.members.add(user)
    me = app.get("/api/v1/me/").json()
    assert "handling_unit" in me["roles"]
    assert me["handling_units"] == [{"id": unit.pk, "name": "肥西县交通运输局", "site": "340123"}]
    user = type(user).objects.get(pk=user.pk)
    assert accounts.units_of(user) == [unit.pk]
    unit.active = False
    unit.save()
    assert accounts.units_of(type(user).objects.get(pk=user.pk)) == []
    # Unit staff cannot erase their account themselves: the office closes it.
    unit.active = True
    unit.save()
    assert app.client.delete("/api/v1/me/").status_code == 409


def test_handling_units_admin_is_site_scoped(client, site_group, make_user):
    from django.contrib.auth.models import Group

    from cms.accounts.models import HandlingUnit as Unit

    editor = make_user("feixi", site_group["340123"].editors_group)
    staff = make_user("unit-staff", Group.objects.get(name="承办单位工作人员"))
    make_user("not-unit-staff")
    HandlingUnit.objects.create(site=site_group["340121"].site, name="长丰县民政局")
    client.force_login(editor)
    listing = client.get("/admin/accounts/handlingunit/")
    assert listing.status_code == 200
    assert "长丰县民政局" not in listing.content.decode()
    form = client.get("/admin/accounts/handlingunit/create/").content.decode()
    assert "unit-staff" in form and "not-unit-staff" not in form
    assert staff.has_perm("wagtailadmin.access_admin")
    feixi = site_group["340123"].site
    response = client.post("/admin/accounts/handlingunit/create/", {
        "site": feixi.pk, "name": "肥西县住建局", "kind": "government", "members": [staff.pk], "active": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(Unit.objects.get(name="肥西县住建局").members.all()) == [staff]
    refused = client.post("/admin/accounts/handlingunit/create/", {
        "site": site_group["340121"].site.pk, "name": "越权", "kind": "government", "active": "on",
    })  # fmt: skip
    assert refused.status_code in (200, 403) and not Unit.objects.filter(name="越权").exists()
