"""开通账号: deputies' accounts opened from the register, their login, seats and closing."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.accounts.models import Account, Device
from plugins.deputies import models as m
from tests.accounts.miniprogram import MiniProgram
from tests.fake_services import FakeService

pytestmark = pytest.mark.django_db

MOBILES = {"张伟": "13900000001", "李芳": "13900000002", "王秀英": "13900000003",
           "曾国华": "13900000004", "陈静": "13900000005"}  # fmt: skip


@pytest.fixture
def people(register):
    for person in m.Person.objects.all():
        person.mobile = MOBILES[person.name]
        person.save()
    return {p.name: p for p in m.Person.objects.all()}


@pytest.fixture
def gateway(settings):
    with FakeService() as service:
        service.route("POST", "/sms/send", json={"id": "sms-1"})
        settings.LIANXI_SMS_URL = service.url("/sms/send")
        yield service


def test_staff_open_their_sitting_deputies_accounts_in_the_admin(
    client, people, site_group, make_user
):
    editor = make_user("feixi-editor", site_group["340123"].editors_group)
    client.force_login(editor)
    page = client.get("/admin/deputies/accounts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "肥西县人大常委会" in html and "长丰县人大常委会" not in html

    response = client.post("/admin/deputies/accounts/", {"site": site_group["340123"].site_id})
    assert response.status_code == 200
    refs = set(Account.objects.values_list("directory_ref", flat=True))
    assert refs == {str(people[n].pk) for n in ("张伟", "李芳", "王秀英")}
    assert "新开通 3 个账号" in response.content.decode()
    # Opening again creates nothing; another county's site is refused.
    client.post("/admin/deputies/accounts/", {"site": site_group["340123"].site_id})
    assert Account.objects.count() == 3
    other = client.post("/admin/deputies/accounts/", {"site": site_group["340121"].site_id})
    assert (
        other.status_code in (302, 403) and Account.objects.count() == 3
    )  # Wagtail: back to the dashboard


def test_a_deputy_logs_in_with_the_registered_mobile_and_sees_every_seat(people, gateway):
    call_command("open_deputy_accounts", "--site", "340123")
    app = MiniProgram(gateway)
    assert app.login(MOBILES["张伟"]).status_code == 200
    me = app.get("/api/v1/me/").json()
    assert me["roles"] == ["deputy", "citizen"]
    assert me["name"] == "张伟"
    assert sorted(s["site"] for s in me["seats"]) == [
        "340100",
        "340123",
    ]  # one identity, two congresses
    assert all(s["current"] for s in me["seats"])
    assert me["sites"] == []  # a deputy manages no site
    assert app.client.delete("/api/v1/me/").status_code == 409  # the office closes it


def test_a_citizen_who_becomes_a_deputy_keeps_one_account(people, gateway):
    app = MiniProgram(gateway)
    app.login(MOBILES["李芳"])
    assert Account.objects.get().directory_ref is None
    call_command("open_deputy_accounts", "--site", "340123")
    account = Account.objects.get(mobile_digest__isnull=False, directory_ref=str(people["李芳"].pk))
    assert Account.objects.filter(user=account.user).count() == 1
    assert "deputy" in app.get("/api/v1/me/").json()["roles"]


def test_the_account_closes_when_the_last_seat_ends(people, gateway):
    call_command("open_deputy_accounts", "--site", "340123")
    app = MiniProgram(gateway)
    app.login(MOBILES["张伟"])
    zhang = people["张伟"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    seats = list(zhang.memberships.order_by("pk"))
    seats[0].end_date, seats[0].end_reason = yesterday, m.EndReason.TERM_ENDED
    seats[0].save()
    assert app.get("/api/v1/me/").status_code == 200  # still a city deputy
    seats[1].end_date, seats[1].end_reason = yesterday, m.EndReason.TERM_ENDED
    seats[1].save()
    account = Account.objects.get(directory_ref=str(zhang.pk))
    assert account.closed_at and not account.user.is_active
    assert not Device.objects.filter(user=account.user, revoked_at__isnull=True).exists()
    assert app.get("/api/v1/me/").status_code == 401
    LoginCodeWait = timezone.now() - datetime.timedelta(minutes=2)
    from cms.accounts.models import LoginCode

    LoginCode.objects.update(created_at=LoginCodeWait)
    refused = app.login(MOBILES["张伟"])
    assert refused.status_code == 403 and refused.json()["type"].endswith("account-closed")


def test_the_daily_sweep_closes_accounts_whose_term_has_passed(people):
    from plugins.deputies.accounts import close_ended_accounts

    call_command("open_deputy_accounts", "--site", "340121")
    m.Term.objects.filter(congress__division_code="340121").update(
        end_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert close_ended_accounts.call() == 1
    assert Account.objects.get(directory_ref=str(people["曾国华"].pk)).closed_at is not None


def test_deputies_without_a_usable_mobile_are_named(register, capsys):
    # Every person of the plain register shares one mobile number: the first gets it.
    call_command("open_deputy_accounts", "--site", "340123")
    out = capsys.readouterr()
    assert "新开通 1 个账号" in out.out
    assert out.err.count("未开通") == 2 and "手机号码已用于代表" in out.err
    with pytest.raises(Exception, match="999999"):
        call_command("open_deputy_accounts", "--site", "999999")
