"""A citizen's message through the API, state by state: citizens, deputies, handling units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.notifications.models import Notification
from cms.services import deadlines
from plugins.liaison import messages as flow
from plugins.liaison.models import Message, MessageTransition

from .conftest import api, citizen_auth, post

pytestmark = pytest.mark.django_db

LETTER = {"title": "上派镇文化路路灯不亮", "text": "文化路中段路灯已经坏了一个月,夜里出行不便。"}


def write(client, auth, **data):
    response = post(client, auth, "messages/", {**LETTER, **data})
    assert response.status_code == 201, response.content
    return response.json()


def states(pk) -> list[str]:
    return list(
        MessageTransition.objects.filter(message_id=pk).order_by("at", "pk")
        .values_list("to_state", flat=True)
    )  # fmt: skip


def notified(user, kind) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def test_to_a_deputy_delivered_answered_rated_and_solved(client, people, citizen):
    zhang = people["张伟"]
    sent = write(client, citizen, addressed_to="deputy", deputy=zhang.ref, consent_publish=True)
    assert sent["status"] == "delivered"
    assert sent["deputies"] == ["张伟"]
    assert sent["clock"]["state"] == "on_time"
    received = timezone.localdate()
    assert sent["clock"]["due_on"] == deadlines.due_date("message.reply", received).isoformat()
    assert states(sent["id"]) == ["received", "screened", "delivered"]
    assert notified(zhang.user, "liaison.delivered") == 1

    inbox = client.get(api("inbox/"), **zhang.auth).json()
    assert [row["id"] for row in inbox["results"]] == [sent["id"]]
    assert "author" not in inbox["results"][0]
    # Another deputy does not see it.
    assert client.get(api("inbox/"), **people["李芳"].auth).json()["count"] == 0

    reply = post(client, zhang.auth, f"inbox/{sent['id']}/reply/", {"text": "已联系镇政府维修。"})
    assert reply.status_code == 200, reply.content
    assert reply.json()["state"] == "answered" and reply.json()["clock"]["state"] == "met"

    mine = client.get(api(f"messages/{sent['id']}/"), **citizen).json()
    assert (mine["status"], mine["answered_by"], mine["can_reopen"]) == ("answered", "张伟", True)
    assert mine["answer"] == "已联系镇政府维修。"
    rated = post(client, citizen, f"messages/{sent['id']}/rate/",
                 {"result": "satisfied", "comment": "很快"})  # fmt: skip
    assert rated.status_code == 200 and rated.json()["rating"] == "satisfied"
    again = post(client, citizen, f"messages/{sent['id']}/rate/", {"result": "unsatisfied"})
    assert again.status_code == 409

    # "Was it solved?" is asked two weeks after the answer, once, then answered.
    too_soon = post(client, citizen, f"messages/{sent['id']}/solved/", {"solved": True})
    assert too_soon.status_code == 409
    Message.objects.filter(pk=sent["id"]).update(answered_at=timezone.now() - dt.timedelta(days=15))
    citizen_user = Message.objects.get(pk=sent["id"]).author
    assert flow.ask_solved() == 1 and flow.ask_solved() == 0
    assert notified(citizen_user, "liaison.solved") == 1
    assert client.get(api(f"messages/{sent['id']}/"), **citizen).json()["ask_solved"] is True
    done = post(client, citizen, f"messages/{sent['id']}/solved/", {"solved": False})
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["solved"]) == ("closed", False)
    assert states(sent["id"])[-1] == "closed"


def test_to_a_station_and_near_a_point_reach_its_deputies(client, people, station, citizen):
    sent = write(client, citizen, addressed_to="station", station=str(station.pk))
    assert sorted(sent["deputies"]) == ["张伟", "李芳"]
    assert sent["station_name"] == "上派镇人大代表联络站"
    near = write(client, citizen_auth("13700000002"), addressed_to="place",
                 latitude=31.7061, longitude=117.1581)  # fmt: skip
    assert near["addressed_to"] == "station" and near["station_name"] == "上派镇人大代表联络站"
    far = post(client, citizen, "messages/", {**LETTER, "title": "远处", "addressed_to": "place",
                                               "latitude": 30.0, "longitude": 115.0})  # fmt: skip
    assert far.status_code == 400 and far.json()["errors"][0]["field"] == "latitude"


def test_to_no_one_the_office_triages_and_a_unit_answers(client, people, citizen, unit, office):
    sent = write(client, citizen)
    assert sent["status"] == "screened" and sent["clock"] is None
    assert notified(office, "liaison.triage") == 1
    message = Message.objects.get(pk=sent["id"])
    flow.forward(message, unit["unit"], office)
    client.force_login(unit["staff"])
    listed = client.get(api("unit-messages/")).json()
    assert [row["id"] for row in listed["results"]] == [sent["id"]]
    assert listed["results"][0]["clock"]["state"] == "on_time"
    answered = client.post(api(f"unit-messages/{sent['id']}/answer/"), {"text": "已安排维修。"},
                           content_type="application/json")  # fmt: skip
    assert answered.status_code == 200, answered.content
    client.logout()
    mine = client.get(api(f"messages/{sent['id']}/"), **citizen).json()
    assert (mine["status"], mine["answered_by"]) == ("answered", "肥西县住房和城乡建设局")
    assert states(sent["id"]) == ["received", "screened", "forwarded", "answered"]


def test_a_deputy_hands_it_to_the_office(client, people, citizen, office):
    zhang = people["张伟"]
    sent = write(client, citizen, addressed_to="deputy", deputy=zhang.ref)
    moved = post(client, zhang.auth, f"inbox/{sent['id']}/forward/", {"note": "涉及县住建局"})
    assert moved.status_code == 200 and moved.json()["state"] == "screened"
    assert moved.json()["clock"]["state"] == "on_time"  # the clock runs on
    assert notified(office, "liaison.triage") == 1
    assert post(client, zhang.auth, f"inbox/{sent['id']}/reply/", {"text": "x"}).status_code == 409


def test_duplicates_are_rejected_with_a_reason_and_withdraw_and_reopen(client, people, citizen):
    zhang = people["张伟"]
    first = write(client, citizen, addressed_to="deputy", deputy=zhang.ref)
    duplicate = write(client, citizen, addressed_to="deputy", deputy=zhang.ref,
                      text=LETTER["text"] + " ")  # fmt: skip
    assert duplicate["status"] == "rejected" and "重复" in duplicate["reason"]
    other = write(client, citizen, addressed_to="deputy", deputy=zhang.ref, text="另一件事。")
    withdrawn = post(client, citizen, f"messages/{other['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert post(client, citizen, f"messages/{other['id']}/withdraw/").status_code == 409

    post(client, zhang.auth, f"inbox/{first['id']}/reply/", {"text": "已转告。"})
    reopened = post(client, citizen, f"messages/{first['id']}/reopen/", {"note": "还是不亮"})
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    assert reopened.json()["clock"]["state"] == "on_time"  # a new clock
    again = post(client, zhang.auth, f"inbox/{first['id']}/reply/", {"text": "已再次督促。"})
    assert again.status_code == 200
    Message.objects.filter(pk=first["id"]).update(
        answered_at=timezone.now() - dt.timedelta(days=31)
    )
    late = post(client, citizen, f"messages/{first['id']}/reopen/", {"note": "又坏了"})
    assert late.status_code == 409 and "30日" in late.json()["detail"]


def test_a_held_message_waits_for_moderation_and_a_rejection_rejects_it(
    client, people, citizen, feixi, office, django_capture_on_commit_callbacks
):
    from cms.moderation.models import ModerationItem
    from cms.review.models import SensitiveWord
    from cms.services import moderation

    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    zhang = people["张伟"]
    held = write(client, citizen, addressed_to="deputy", deputy=zhang.ref, text="演示违禁词。")
    assert held["status"] == "pending"
    assert client.get(api("inbox/"), **zhang.auth).json()["count"] == 0
    with_word = write(client, citizen, addressed_to="deputy", deputy=zhang.ref, text="演示违禁词2")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.reject(
            ModerationItem.objects.get(object_id=str(held["id"])), office, "含不当言论"
        )
        moderation.approve(ModerationItem.objects.get(object_id=str(with_word["id"])), office)
    assert client.get(api(f"messages/{held['id']}/"), **citizen).json()["status"] == "rejected"
    assert (
        client.get(api(f"messages/{with_word['id']}/"), **citizen).json()["status"] == "delivered"
    )
    original = Message.objects.get(pk=held["id"])
    assert original.original_text == "演示违禁词。"


def test_the_original_text_stays_when_moderation_edits(
    client, people, citizen, feixi, office, django_capture_on_commit_callbacks
):
    from cms.moderation.models import ModerationItem
    from cms.review.models import SensitiveWord
    from cms.services import moderation

    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    held = write(client, citizen, text="演示违禁词,路灯坏了。")
    item = ModerationItem.objects.get(object_id=str(held["id"]))
    with django_capture_on_commit_callbacks(execute=True):
        moderation.edit_and_approve(item, office, {"text": "路灯坏了。"})
    message = Message.objects.get(pk=held["id"])
    assert (message.text, message.original_text) == ("路灯坏了。", "演示违禁词,路灯坏了。")
    assert message.state == "screened"


def test_who_may_write_and_bad_input(client, people, citizen, make_user):
    assert post(client, {}, "messages/", LETTER).status_code == 401
    # A deputy's account without a verified mobile number is no citizen's.
    bad = post(client, citizen, "messages/", {**LETTER, "addressed_to": "deputy",
                                               "deputy": people["曾国华"].ref})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "deputy"
    assert post(client, citizen, "messages/", {"title": ""}).status_code == 400
    assert Message.objects.count() == 0
    key = {"HTTP_IDEMPOTENCY_KEY": "liaison-test-0001"}
    first = post(client, citizen, "messages/", LETTER, **key)
    second = post(client, citizen, "messages/", LETTER, **key)
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert Message.objects.count() == 1


def test_reminders_at_30_60_80_days_to_the_deputy_and_the_office(client, people, citizen, office):
    zhang = people["张伟"]
    sent = write(client, citizen, addressed_to="deputy", deputy=zhang.ref)
    clock = deadlines.running_clock(Message.objects.get(pk=sent["id"]), "message.reply")
    assert (clock.amount, clock.unit) == (3, "months")
    assert list(clock.reminders) == ["30d", "60d", "80d", "overdue"]
    start = timezone.localdate() - dt.timedelta(days=31)
    clock.started_on, clock.next_reminder_on = start, start
    clock.due_on = deadlines.due_date("message.reply", start)
    clock.save()
    assert deadlines.send_reminders() == 1
    assert notified(zhang.user, "deadline.message.reply") == 1
    assert notified(office, "deadline.message.reply") == 1
    assert deadlines.send_reminders() == 0


def test_the_history_is_append_only(client, people, citizen):
    from django.core.exceptions import ValidationError

    sent = write(client, citizen)
    row = MessageTransition.objects.filter(message_id=sent["id"]).first()
    row.note = "改写"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
