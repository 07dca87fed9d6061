"""The suggestions plugin backs the inspection's "suggestion clock" (``inspection_sources``):
an item under handling past its reply limit is overdue until the unit replies; a site with
the plugin off is not applicable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.plugins import set_enabled
from cms.services import deadlines, inspection_sources
from plugins.suggestions.models import Suggestion

from .test_flow import assign, submitted, unit_post

pytestmark = pytest.mark.django_db


def test_overdue_until_replied_and_not_applicable_when_off(client, feixi, people, units, office):
    late = submitted(client, people)["id"]
    on_time = submitted(client, people, title="关于增设公交站点的建议")["id"]
    for pk in (late, on_time):
        assign(client, office, units, pk)
    clock = deadlines.running_clock(Suggestion.objects.get(pk=late), "suggestion.reply")
    clock.started_on = timezone.localdate() - dt.timedelta(days=120)
    clock.due_on = deadlines.due_date("suggestion.reply", clock.started_on)
    clock.save()
    answer = inspection_sources.overdue(inspection_sources.SUGGESTIONS, feixi)
    assert answer.applicable and answer.denominator == 2 and answer.counted == "办理中的议案建议"
    assert [o.ref for o in answer.overdue] == [str(late)]
    assert answer.overdue[0].url == f"/admin/suggestions/office/{late}/"
    assert answer.overdue[0].due_on == clock.due_on

    client.force_login(units["lead_staff"])
    lead = Suggestion.objects.get(pk=late).assignments.get(role="lead")
    response = unit_post(client, lead.pk, step="reply", reply_class="A", text="已修缮。",
                         signed_by="王局长")  # fmt: skip
    assert response.status_code == 302
    answer = inspection_sources.overdue(inspection_sources.SUGGESTIONS, feixi)
    assert answer.overdue == () and answer.denominator == 1

    set_enabled("suggestions", feixi, False)
    answer = inspection_sources.overdue(inspection_sources.SUGGESTIONS, feixi)
    assert not answer.applicable and answer.reason == "本站未启用议案建议功能"
