"""The demo: messages to a county's deputies at every state, some near the 3-month line."""

from __future__ import annotations

from collections import Counter

import pytest

from cms.services import deadlines
from plugins.liaison import demo
from plugins.liaison import messages as flow
from plugins.liaison.models import Message, MessageState

from .conftest import api

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_and_loads_once(client, people, feixi, unit, office):
    assert demo.load_demo(feixi)["340123"] == len(demo.LETTERS)  # (and the committee part's)
    states = Counter(Message.objects.values_list("state", flat=True))
    assert set(states) == set(MessageState.values) - {MessageState.RECEIVED}, states
    near = Message.objects.get(title="自来水水压不足")
    clock = flow.clock_of(near)
    assert deadlines.state(clock) == deadlines.DeadlineState.DUE_SOON
    late = Message.objects.get(title="路灯长期不亮")
    assert deadlines.state(flow.clock_of(late)) in (
        deadlines.DeadlineState.OVERDUE, deadlines.DeadlineState.LONG_OVERDUE
    )  # fmt: skip
    solved = Message.objects.filter(state=MessageState.CLOSED).values_list("solved", flat=True)
    assert sorted(solved) == [False, True]
    published = client.get(api("published/")).json()
    assert published["count"] == 4
    for name, mobile in demo.CITIZENS:
        assert name not in str(published) and mobile not in str(published)
    assert demo.load_demo(feixi) == {}
    assert Message.objects.count() == len(demo.LETTERS)
