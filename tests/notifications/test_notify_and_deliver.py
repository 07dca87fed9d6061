"""Notifications: the inbox, preferences, channels (fake gateways on 127.0.0.1), retries, digests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cms.notifications.models import Delivery, DeliveryStatus, Notification
from cms.services import notifications, sms
from tests.fake_services import FakeService

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    a = make_user("deputy_a")
    a.email = "a@example.org"
    a.save()
    b = make_user("deputy_b")  # no e-mail address
    return a, b


@pytest.fixture
def contacts():
    """A resolver standing in for the accounts app: mobiles and openids by username."""
    book = {
        ("deputy_a", "sms"): "13800000001",
        ("deputy_a", "wechat"): "openid-aaaa",
        ("deputy_b", "sms"): "13800000002",
    }

    def resolver(user, channel):
        return book.get((user.username, channel))

    notifications.register_contact_resolver(resolver)
    yield book
    notifications._resolvers.remove(resolver)


def run(callbacks):
    """Run what notify() enqueued on commit (the immediate backend sends at once)."""
    for callback in callbacks:
        callback()


def test_inbox_rows_and_email_then_read(people, site_group, django_capture_on_commit_callbacks):
    a, b = people
    with django_capture_on_commit_callbacks(execute=True):
        created = notifications.notify(
            [a, b], "建议已交办", "您的建议已交由省交通运输厅办理。", kind="suggestions.assigned",
            site=site_group["340123"], url="/pages/s/1", channels=["email"],
        )  # fmt: skip
    assert len(created) == 2
    assert {n.user for n in created} == {a, b}
    assert created[0].site == site_group["340123"].site
    # a has an e-mail address: sent; b has none: logged as such.
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert "/pages/s/1" in mail.outbox[0].body
    statuses = dict(Delivery.objects.values_list("user__username", "status"))
    assert statuses == {"deputy_a": DeliveryStatus.SENT, "deputy_b": DeliveryStatus.NO_ADDRESS}

    assert notifications.unread_count(a) == 1
    assert list(notifications.inbox(a)) == [created[0] if created[0].user == a else created[1]]
    other = Notification.objects.get(user=b)
    assert notifications.mark_read(a, [other.pk]) == 0  # not a's
    assert notifications.mark_read(a, "all") == 1
    assert notifications.unread_count(a) == 0 and notifications.unread_count(b) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(
    people, django_capture_on_commit_callbacks
):
    a, _b = people
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notifications.notify([a], "主题", "正文", channels=["email"])
    assert len(callbacks) == 1  # the send waits for the commit ...
    assert mail.outbox == []  # ... and a rollback drops it with the rows


def test_dedupe_key_notifies_once(people, django_capture_on_commit_callbacks):
    a, b = people
    with django_capture_on_commit_callbacks(execute=True):
        first = notifications.notify([a], "提醒", "正文", dedupe_key="deadline:1:30d")
        again = notifications.notify([a, b], "提醒", "正文", dedupe_key="deadline:1:30d")
    assert len(first) == 1 and [n.user for n in again] == [b]
    assert Notification.objects.filter(dedupe_key="deadline:1:30d").count() == 2
    assert len([m for m in mail.outbox if m.to == ["a@example.org"]]) == 1


def test_plain_addresses_still_get_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = notifications.notify(["office@example.org"], "主题", "正文")
    assert created == []
    assert mail.outbox[0].to == ["office@example.org"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_unknown_channel_is_refused_before_anything_is_written(people):
    with pytest.raises(LookupError):
        notifications.notify([people[0]], "主题", "正文", channels=["pigeon"])
    assert not Notification.objects.exists()


def test_preferences_choose_channels(
    people, contacts, settings, django_capture_on_commit_callbacks
):
    a, b = people
    calls = []

    class Recorder:
        def __init__(self, name):
            self.name = name

        def send(self, message):
            calls.append((self.name, message.recipient))
            return "ok"

    saved = dict(notifications._channels)
    for name in ("sms", "wechat"):
        notifications.register_channel(Recorder(name))
    try:
        # Defaults: e-mail and WeChat immediate, SMS off.
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify([a], "一", "正文", kind="liaison.message")
        assert sorted(calls) == [("wechat", "openid-aaaa")] and len(mail.outbox) == 1

        # a wants SMS for this kind, nothing by e-mail at all, WeChat in the digest.
        notifications.set_preference(a, "liaison.message", "sms", "immediate")
        notifications.set_preference(a, "*", "email", "off")
        notifications.set_preference(a, "*", "wechat", "digest")
        calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify([a], "二", "正文", kind="liaison.message")
        assert calls == [("sms", "13800000001")] and len(mail.outbox) == 1
        assert Delivery.objects.get(notification__subject="二", channel="wechat").status == (
            DeliveryStatus.PENDING_DIGEST
        )
        # A kind registered with SMS on by default reaches b by SMS too.
        notifications.register_kind("urgent.test", "紧急", {"sms": "immediate"})
        calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify([b], "三", "正文", kind="urgent.test")
        assert ("sms", "13800000002") in calls
        assert notifications.effective_mode(a, "liaison.message", "email") == "off"
        assert {"kind": "*", "channel": "email", "mode": "off"} in notifications.preferences(a)
        with pytest.raises(ValueError):
            notifications.set_preference(a, "*", "email", "sometimes")
    finally:
        notifications._channels.clear()
        notifications._channels.update(saved)


def sms_settings(settings, gateway: FakeService):
    settings.LIANXI_SMS_URL = gateway.url("/sms/send")
    settings.LIANXI_SMS_KEY = "secret-key"
    settings.LIANXI_SMS_SIGN = "安徽人大"


def test_sms_gateway_send_retry_and_final_outcome(
    people, contacts, settings, django_capture_on_commit_callbacks
):
    a, b = people
    notifications.set_preference(a, "*", "sms", "immediate")
    notifications.set_preference(b, "*", "sms", "immediate")
    settings.LIANXI_NOTIFICATION_MAX_ATTEMPTS = 3
    settings.LIANXI_NOTIFICATION_BACKOFF = [60, 300]

    def answer(request):
        if request.json["mobile"] == "13800000002":
            return 400, {"error": "unknown template"}
        return (500, {"error": "busy"}) if len(gateway.calls("/sms/send")) <= 2 else (
            200, {"id": "sms-42"})  # fmt: skip

    with FakeService() as gateway:
        gateway.route("POST", "/sms/send", handler=answer)
        sms_settings(settings, gateway)
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify([a, b], "代表接待日", "正文", channels=["sms"])
        by_user = {d.user.username: d for d in Delivery.objects.select_related("user")}
        # b: refused by the gateway, no retry can help.
        assert by_user["deputy_b"].status == DeliveryStatus.GAVE_UP
        assert "400" in by_user["deputy_b"].last_error
        # a: the gateway was busy; retried after the backoff by the retry sweep.
        first = by_user["deputy_a"]
        assert first.status == DeliveryStatus.FAILED and first.attempts == 1
        assert first.next_attempt_at > timezone.now() + dt.timedelta(seconds=50)
        assert notifications.retry_deliveries.call() == 0  # not due yet
        Delivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
        assert notifications.retry_deliveries.call() == 1
        first.refresh_from_db()
        assert first.status == DeliveryStatus.SENT
        assert first.external_id == "sms-42" and first.attempts == 2

        sent = [r for r in gateway.calls("/sms/send") if r.json["mobile"] == "13800000001"]
        assert sent[-1].headers["Authorization"] == "Bearer secret-key"
        assert sent[-1].json == {"mobile": "13800000001", "template": "notification",
                                 "params": {"subject": "代表接待日"}, "sign": "安徽人大",
                                 "reference": f"delivery-{first.pk}"}  # fmt: skip
        # Running the task again for a sent delivery sends nothing.
        before = len(gateway.requests)
        assert notifications.deliver.call(first.pk) == "not due"
        assert len(gateway.requests) == before


def test_sms_gives_up_after_the_last_attempt(people, contacts, settings):
    a, _b = people
    settings.LIANXI_NOTIFICATION_MAX_ATTEMPTS = 2
    notifications.set_preference(a, "*", "sms", "immediate")
    with FakeService() as gateway:
        gateway.route("POST", "/sms/send", status=503, json={"error": "down"})
        sms_settings(settings, gateway)
        notifications.notify([a], "主题", "正文", channels=["sms"])
        delivery = Delivery.objects.get()
        for _ in range(2):
            Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
            notifications.deliver.call(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.GAVE_UP and delivery.attempts == 2
        assert "503" in delivery.last_error and delivery.next_attempt_at is None
        assert len(gateway.requests) == 2


def test_send_sms_is_the_one_owner_of_sms(settings, capsys):
    with pytest.raises(sms.SmsError) as refused:
        sms.send_sms("12345", "login_code", {"code": "1"})
    assert refused.value.permanent
    assert sms.normalize_mobile("+86 138-0000-0003") == "13800000003"
    # The demo's console gateway masks the number.
    assert sms.send_sms("13800000003", "login_code", {"code": "246810"}, reference="r1")
    out = capsys.readouterr().out
    assert "138****0003" in out and "246810" in out and "13800000003" not in out
    with FakeService() as gateway:
        gateway.route("POST", "/send", json={"message_id": "m-7"})
        settings.LIANXI_SMS_URL = gateway.url("/send")
        assert sms.send_sms("13800000003", "login_code", {"code": 123456}) == "m-7"
        assert gateway.requests[0].json["params"] == {"code": "123456"}
    with FakeService() as gateway:  # a gateway that hangs is a retryable failure
        gateway.route("POST", "/send", json={}, delay=1.0)
        settings.LIANXI_SMS_URL = gateway.url("/send")
        settings.LIANXI_SMS_TIMEOUT = 0.2
        with pytest.raises(sms.SmsError) as slow:
            sms.send_sms("13800000003", "login_code", {"code": "1"})
        assert not slow.value.permanent


def test_wechat_subscription_messages(
    people, contacts, settings, django_capture_on_commit_callbacks
):
    a, _b = people
    tokens = iter(["token-1", "token-2"])

    def token(request):
        return 200, {"access_token": next(tokens), "expires_in": 7200}

    def send(request):
        if request.query["access_token"] == "token-1":
            return 200, {"errcode": 42001, "errmsg": "access_token expired"}
        if request.json["touser"] == "openid-refused":
            return 200, {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
        return 200, {"errcode": 0, "errmsg": "ok"}

    with FakeService() as api:
        api.route("GET", "/cgi-bin/token", handler=token)
        api.route("POST", "/cgi-bin/message/subscribe/send", handler=send)
        settings.LIANXI_WECHAT_APP_ID = "wx-test"
        settings.LIANXI_WECHAT_APP_SECRET = "app-secret"
        settings.LIANXI_WECHAT_API_BASE = api.url()
        settings.LIANXI_WECHAT_TEMPLATE_ID = "tpl-1"
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify([a], "您有一条新留言", "群众留言:道路维修", channels=["wechat"],
                                 url="pages/inbox/index")  # fmt: skip
        delivery = Delivery.objects.get()
        assert delivery.status == DeliveryStatus.SENT
        assert [r.path for r in api.requests] == [
            "/cgi-bin/token", "/cgi-bin/message/subscribe/send",
            "/cgi-bin/token", "/cgi-bin/message/subscribe/send",
        ]  # fmt: skip
        assert api.requests[0].query == {"grant_type": "client_credential", "appid": "wx-test",
                                         "secret": "app-secret"}  # fmt: skip
        sent = api.requests[-1].json
        assert sent["touser"] == "openid-aaaa" and sent["template_id"] == "tpl-1"
        assert sent["page"] == "pages/inbox/index"
        assert sent["data"]["thing1"] == {"value": "您有一条新留言"}

        contacts[("deputy_a", "wechat")] = "openid-refused"
        with django_capture_on_commit_callbacks(execute=True):
            notifications.notify([a], "第二条", "正文", channels=["wechat"])
        refused = Delivery.objects.get(subject="第二条")
        assert refused.status == DeliveryStatus.GAVE_UP and "43101" in refused.last_error
        assert refused.masked_recipient == "…used"


def test_daily_digest_sends_one_message_per_user_and_channel(
    people, site_group, django_capture_on_commit_callbacks
):
    a, _b = people
    notifications.set_preference(a, "*", "email", "digest")
    for n in range(3):
        notifications.notify([a], f"第{n}条", "正文", site=site_group["340123"], channels=["email"])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_digests.call() == 1
        assert notifications.send_digests.call() == 0  # once a day
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "每日通知汇总:3条"
    assert "第0条(肥西)" in digest.body and "第2条" in digest.body
    assert Delivery.objects.filter(status=DeliveryStatus.DIGESTED).count() == 3
    digest_row = Delivery.objects.get(digest_date__isnull=False)
    assert digest_row.status == DeliveryStatus.SENT and digest_row.items.count() == 3
