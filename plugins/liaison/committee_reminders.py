"""联系代表提醒: a committee member who has not contacted an assigned deputy for
``CONTACT_INTERVAL_MONTHS`` (6: the yearly minimum of 2 contacts spread over the year) is
reminded, once per period; the office sees who is behind (admin 未按期联系).

*Behind*: an active assignment of an active member whose last contact (or, never
contacted, the assignment's start) is ``CONTACT_INTERVAL_MONTHS`` or more months ago
(calendar months, ``cms.services.deadlines.add_months``). Its period's ``due_on`` is the
last of "last contact + k × interval" (k ≥ 1) that has come: still not contacted one
interval later, the member is reminded again, once.

A daily sweep (``liaison.contact_reminders``, 08:30) records a
:class:`~plugins.liaison.committee.ContactReminder` per assignment and period (a unique
constraint: a sweep run twice, or again after a worker died, sends nothing new) and
notifies each member once with the deputies newly behind, through
``cms.services.notifications`` (kind ``liaison.contact_reminder``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from cms.plugins import enabled_site_ids
from cms.services import notifications
from cms.services.deadlines import add_months
from cms.services.tasks import task

from .committee import Assignment, ContactReminder
from .committee_conf import REMINDER_KIND
from .committee_logic import LABEL, setting


@dataclass
class Behind:
    assignment: Assignment
    last_contact: dt.date | None
    due_on: dt.date
    reminded_at: dt.datetime | None = None


def due_on(anchor: dt.date, interval: int, today: dt.date) -> dt.date | None:
    """The current period's due date (``anchor`` + k × ``interval`` months, the last that
    has come, k ≥ 1), or ``None`` while the first has not come."""
    k, due = 1, add_months(anchor, interval)
    if due > today:
        return None
    while (following := add_months(anchor, (k + 1) * interval)) <= today:
        k, due = k + 1, following
    return due


def behind(site_ids, today: dt.date | None = None) -> list[Behind]:
    """The active assignments on ``site_ids`` whose contact is due, with the reminder
    already sent for the current period (if any); by site, member and deputy."""
    today = today or timezone.localdate()
    interval = setting("CONTACT_INTERVAL_MONTHS")
    rows = (
        Assignment.objects.filter(site_id__in=site_ids, member__is_active=True,
                                  assigned_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .annotate(last=Max("contacts__date", filter=Q(contacts__date__lte=today)))
        .select_related("member__user", "member__site", "site__profile")
        .order_by("site__profile__division_code", "member__name", "deputy_name", "pk")
    )  # fmt: skip
    out = []
    for row in rows:
        anchor = max(d for d in (row.last, row.assigned_on) if d is not None)
        due = due_on(anchor, interval, today)
        if due is not None:
            out.append(Behind(row, row.last, due))
    sent = {
        (r.assignment_id, r.due_on): r.sent_at
        for r in ContactReminder.objects.filter(
            assignment_id__in=[b.assignment.pk for b in out], due_on__in={b.due_on for b in out}
        )
    }
    for item in out:
        item.reminded_at = sent.get((item.assignment.pk, item.due_on))
    return out


def _text(items: list[Behind]) -> tuple[str, str]:
    interval = setting("CONTACT_INTERVAL_MONTHS")
    names = "、".join(
        f"{b.assignment.deputy_name}(上次联系:{b.last_contact:%Y-%m-%d})"
        if b.last_contact else f"{b.assignment.deputy_name}(尚未联系)"
        for b in items
    )  # fmt: skip
    body = (f"您联系的代表中，{names}已超过 {interval} 个月未联系。按要求每年至少联系每名代表 "
            f"{setting('YEARLY_MIN_CONTACTS')} 次，请及时联系并记录联系情况。")  # fmt: skip
    return "联系代表提醒", body


def remind(today: dt.date | None = None) -> int:
    """Remind each member of the deputies newly behind (a reminder per assignment and
    period, once); returns how many reminders were recorded."""
    today = today or timezone.localdate()
    by_member: dict[int, list[Behind]] = {}
    for item in behind(enabled_site_ids(LABEL), today):
        if item.reminded_at is None:
            by_member.setdefault(item.assignment.member_id, []).append(item)
    recorded = 0
    for items in by_member.values():
        member = items[0].assignment.member
        with transaction.atomic():
            new, first = [], None
            for item in items:
                try:
                    with transaction.atomic():
                        row = ContactReminder.objects.create(
                            assignment=item.assignment, due_on=item.due_on,
                            last_contact_on=item.last_contact,
                        )  # fmt: skip
                except IntegrityError:
                    continue  # another run recorded this period's reminder
                first = first or row.pk
                new.append(item)
            if new and member.user.is_active:
                subject, body = _text(new)
                notifications.notify(
                    [member.user], subject, body, kind=REMINDER_KIND, site=member.site,
                    dedupe_key=f"liaison:contact-reminder:{first}",
                )  # fmt: skip
            recorded += len(new)
    return recorded


@task()
def contact_reminders_sweep() -> int:
    """The ``liaison.contact_reminders`` sweep (daily): :func:`remind`."""
    return remind()
