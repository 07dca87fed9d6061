"""Reception days announced 3 days ahead to the station's deputies and its writers, once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.notifications.models import Notification
from plugins.deputies import models as m
from plugins.liaison import receptions
from plugins.liaison.models import Message

from .conftest import post

pytestmark = pytest.mark.django_db


def test_a_reception_day_is_announced_three_days_ahead_once(client, people, station, citizen):
    sent = post(client, citizen, "messages/", {"title": "路灯", "text": "路灯坏了。",
                                                "addressed_to": "station", "station": str(station.pk)})  # fmt: skip
    assert sent.status_code == 201
    today = timezone.localdate()
    soon = m.Reception.objects.create(station=station, date=today + dt.timedelta(days=3),
                                      topic="听取群众对道路建设的意见")  # fmt: skip
    soon.deputies.add(people["张伟"].person)
    later = m.Reception.objects.create(station=station, date=today + dt.timedelta(days=10))
    assert receptions.announce(today) == 1
    assert receptions.announce(today) == 0  # once each
    rows = Notification.objects.filter(kind="liaison.reception")
    writer = Message.objects.get(pk=sent.json()["id"]).author
    assert {n.user_id for n in rows} == {people["张伟"].user.pk, writer.pk}
    zhang = rows.get(user=people["张伟"].user)
    assert "上派镇人大代表联络站" in zhang.body and "接待代表:张伟" in zhang.body
    assert "听取群众对道路建设的意见" in zhang.body
    # 李芳 is stationed there but does not receive that day: not told of it.
    assert not rows.filter(user=people["李芳"].user).exists()
    assert receptions.announce(later.date - dt.timedelta(days=3)) == 1
    assert rows.filter(user=people["李芳"].user).count() == 1  # the station's deputies, then


def test_citizens_who_wrote_about_the_stations_township_this_year_hear_of_it(
    client, people, station
):
    from .conftest import citizen_auth

    def write(mobile, place):
        auth = citizen_auth(mobile)
        sent = post(client, auth, "messages/", {"title": "路灯", "text": f"{mobile}:路灯坏了。",
                                                "addressed_to": "place", "place_code": place})  # fmt: skip
        assert sent.status_code == 201, sent.content
        return Message.objects.get(pk=sent.json()["id"])

    nearby = write("13700000011", "340123100")  # about the station's township
    county = write("13700000012", "340123")  # about the county only: not near this station
    long_ago = write("13700000013", "340123100")
    Message.objects.filter(pk=long_ago.pk).update(
        received_at=timezone.now() - dt.timedelta(days=400)
    )
    today = timezone.localdate()
    m.Reception.objects.create(station=station, date=today + dt.timedelta(days=3))
    assert receptions.announce(today) == 1
    told = set(
        Notification.objects.filter(kind="liaison.reception").values_list("user_id", flat=True)
    )
    assert nearby.author_id in told
    assert county.author_id not in told and long_ago.author_id not in told
