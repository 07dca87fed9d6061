"""Reception days (接待日) announced ahead: the station's deputies, the citizens who wrote
to the station, and the citizens nearby hear of it ``reception.notice`` days before (the
core rule, 3 by default).

*Nearby* is what the platform knows of where citizens live without asking more of them:
a citizen who, within ``RECEPTION_NEARBY_DAYS`` (365), wrote a message about the
station's place (its township; for a station placed at a county, the county or any of
its townships), to whoever it was addressed. A citizen who does not want these notices
turns the kind off in their notification preferences, as any kind.

A daily sweep (``liaison.reception_notices``, 08:00) looks at the reception days of
public stations (``cms.services.directory.receptions``, kept in the deputies register)
whose announcement day has come and tells each recipient once (the notification's
``dedupe_key``), with who will receive.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Site

from cms.services import accounts, deadlines, directory, notifications
from cms.services.tasks import task

from .models import Message

RULE = "reception.notice"
KIND = "liaison.reception"


def connect() -> None:
    from cms.services.schedule import register_sweep

    notifications.register_kind(KIND, "联络站接待日预告")
    register_sweep("liaison.reception_notices", reception_notices_sweep, every="daily at 08:00")


def _text(reception: directory.Reception) -> tuple[str, str]:
    names = "、".join(name for _ref, name in reception.deputies) or "进站代表"
    when = (f"{reception.date.month}月{reception.date.day}日 "
            f"{reception.start_time:%H:%M}-{reception.end_time:%H:%M}")  # fmt: skip
    body = f"{reception.station_name}({reception.address})将于{when}接待群众,接待代表:{names}。"
    if reception.topic:
        body += f"主题:{reception.topic}。"
    return f"{reception.station_name}接待日预告", body


def nearby_writers(station_ref: str, today: dt.date) -> Q:
    """Messages whose writers are the station's own (written to it) or nearby (about its
    place, within ``RECEPTION_NEARBY_DAYS``)."""
    from .messages import setting

    written_to = Q(station_ref=station_ref)
    station = directory.station(station_ref)
    code = station.division_code if station is not None else ""
    if not code:
        return written_to
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=setting("RECEPTION_NEARBY_DAYS")), dt.time())
    )
    place = Q(place_code=code) if len(code) == 9 else Q(place_code__startswith=code)
    return written_to | (place & Q(received_at__gte=since))


def announce(today: dt.date | None = None) -> int:
    """Announce each reception day whose notice day has come; returns how many were announced
    to somebody for the first time."""
    today = today or timezone.localdate()
    longest = max(deadlines.limits(RULE).amount, 1)
    announced = 0
    upcoming = directory.receptions(today, today + dt.timedelta(days=longest + 31))
    sites = Site.objects.in_bulk({r.site_id for r in upcoming})
    for reception in upcoming:
        site = sites.get(reception.site_id)
        if site is None or deadlines.due_date(RULE, reception.date, site) > today:
            continue
        deputies = list(accounts.deputy_users([ref for ref, _name in reception.deputies]).values())
        writers = Message.objects.filter(nearby_writers(reception.station_ref, today),
                                         author__isnull=False, author__is_active=True)  # fmt: skip
        citizens = list(get_user_model().objects.filter(pk__in=writers.values("author_id")))
        users = list({u.pk: u for u in deputies + citizens}.values())
        if not users:
            continue
        subject, body = _text(reception)
        rows = notifications.notify(users, subject, body, kind=KIND, site=site,
                                    dedupe_key=f"reception:{reception.ref}")  # fmt: skip
        announced += 1 if rows else 0
    return announced


@task()
def reception_notices_sweep() -> int:
    """The ``liaison.reception_notices`` sweep (daily): :func:`announce`."""
    return announce()
