"""The liaison plugin backs the inspection's "unanswered messages" (``inspection_sources``):
a valid message past its reply limit is overdue until it is answered; a site with the
plugin off is not applicable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.plugins import set_enabled
from cms.services import deadlines, inspection_sources
from plugins.liaison.models import Message

from .conftest import post

pytestmark = pytest.mark.django_db
LETTER = {"title": "上派镇文化路路灯不亮", "text": "文化路中段路灯已经坏了一个月,夜里出行不便。"}


def backdate(pk: int, days: int) -> None:
    """The message arrived ``days`` ago (its clock with it)."""
    message = Message.objects.get(pk=pk)
    received = timezone.now() - dt.timedelta(days=days)
    clock = deadlines.running_clock(message, "message.reply")
    clock.started_on = timezone.localtime(received).date()
    clock.due_on = deadlines.due_date("message.reply", clock.started_on)
    clock.save()
    Message.objects.filter(pk=pk).update(received_at=received, due_on=clock.due_on)


def test_overdue_until_answered_and_not_applicable_when_off(client, feixi, people, citizen):
    zhang = people["张伟"]
    old = post(client, citizen, "messages/", {**LETTER, "addressed_to": "deputy",
                                               "deputy": zhang.ref}).json()  # fmt: skip
    recent = post(client, citizen, "messages/", {"title": "路口积水", "text": "雨后路口积水严重。",
                                                  "addressed_to": "deputy", "deputy": zhang.ref}).json()  # fmt: skip
    backdate(old["id"], 100)
    answer = inspection_sources.overdue(inspection_sources.MESSAGES, feixi)
    assert answer.applicable and answer.denominator == 2
    assert [o.ref for o in answer.overdue] == [str(old["id"])]
    item = answer.overdue[0]
    assert (
        item.label == f"群众留言第{old['id']}号"
        and item.url == f"/admin/liaison/office/{old['id']}/"
    )
    assert (
        timezone.localdate() - item.started_on
    ).days == 100 and item.due_on < timezone.localdate()
    assert recent["id"]  # on time: not listed

    reply = post(client, zhang.auth, f"inbox/{old['id']}/reply/", {"text": "已联系镇政府维修。"})
    assert reply.status_code == 200, reply.content
    assert inspection_sources.overdue(inspection_sources.MESSAGES, feixi).overdue == ()

    set_enabled("liaison", feixi, False)
    answer = inspection_sources.overdue(inspection_sources.MESSAGES, feixi)
    assert not answer.applicable and answer.reason == "本站未启用联系群众功能"
