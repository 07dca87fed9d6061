"""The liaison plugin backs ``cms.services.inspection_sources.MESSAGES``: citizens' messages
still unanswered after their reply limit, for the site-group inspection (留言办理).

A message counts once it passed screening (held for moderation, rejected or withdrawn
ones are not valid messages); it is overdue while it waits for an answer and its
reply clock (``message.reply``, 3 months from the day received, the site's numbers)
has run out. A message the office has not delivered yet has no clock: its due date
is counted from the day received all the same, as the 2019 indicators count.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cms.plugins import is_enabled
from cms.services import deadlines, inspection_sources

from .messages import REPLY_RULE
from .models import OPEN_STATES, Message
from .models import MessageState as State

#: Not (yet) a valid message: held for moderation, refused, withdrawn by the citizen.
NOT_VALID = (State.RECEIVED, State.REJECTED, State.WITHDRAWN)


class MessagesSource:
    def overdue(self, site, *, today: dt.date, since: dt.date) -> inspection_sources.Answer:
        if not is_enabled("liaison", site):
            return inspection_sources.Answer(applicable=False, reason="本站未启用联系群众功能")
        messages = Message.objects.filter(site=site)
        start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        valid = (
            messages.exclude(state__in=NOT_VALID)
            .filter(Q(received_at__gte=start) | Q(state__in=OPEN_STATES))
            .count()
        )
        waiting = messages.filter(state__in=OPEN_STATES).order_by("received_at", "pk")
        found = []
        for pk, received_at, due_on in waiting.values_list("pk", "received_at", "due_on"):
            received = timezone.localtime(received_at).date()
            due = due_on or deadlines.due_date(REPLY_RULE, received, site)
            if due < today:
                found.append(
                    inspection_sources.Overdue(
                        ref=str(pk), label=f"群众留言第{pk}号", started_on=received, due_on=due,
                        url=reverse("liaison_office", args=[pk]),
                    )
                )  # fmt: skip
        return inspection_sources.Answer(
            applicable=True, denominator=valid, overdue=tuple(found),
            counted="近一年收到及仍在办理的有效留言",
        )  # fmt: skip


def install() -> None:
    inspection_sources.register_backend(inspection_sources.MESSAGES, MessagesSource())
