"""The working-day calendar: Chinese public holidays and make-up working days.

Deadlines in the congress's work (a suggestion answered within so many working
days) are counted in working days. A day is a working day when it is a Monday
to Friday that is not a public holiday, or a weekend day that the State
Council made a make-up working day (调休上班).

The years already announced ship in ``data/holidays_cn.json``; administrators
add later years, or correct a day, in the admin (``CalendarDay``), and those
rows win over the file. A calendar query reads the (small) table once per call,
so an edit is seen at once by every process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from functools import lru_cache
from pathlib import Path

from django.utils import timezone

DATA_FILE = Path(__file__).resolve().parent / "data" / "holidays_cn.json"
HOLIDAY, WORKDAY = "holiday", "workday"
MAX_SCAN_DAYS = 3660  # no deadline runs ten years

logger = logging.getLogger(__name__)


def _days(spec: str):
    start, _, end = spec.partition("/")
    first = dt.date.fromisoformat(start)
    last = dt.date.fromisoformat(end) if end else first
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


@lru_cache(maxsize=1)
def file_calendar() -> tuple[dict[dt.date, tuple[str, str]], frozenset[int]]:
    """(``{date: (kind, name)}``, years covered) from the shipped data file."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    days: dict[dt.date, tuple[str, str]] = {}
    years = set()
    for year, spec in data.items():
        if not year.isdigit():
            continue
        years.add(int(year))
        for kind, key in ((HOLIDAY, "holidays"), (WORKDAY, "workdays")):
            for span, name in spec.get(key, []):
                for day in _days(span):
                    days[day] = (kind, name)
    return days, frozenset(years)


class Calendar:
    """A snapshot of the calendar (file plus admin rows); cheap to query many times."""

    def __init__(self):
        from .models import CalendarDay

        base, years = file_calendar()
        self.days = dict(base)
        self.years = set(years)
        for date, kind, name in CalendarDay.objects.values_list("date", "kind", "name"):
            self.days[date] = (kind, name)
            self.years.add(date.year)
        self._warned: set[int] = set()

    def kind(self, day: dt.date) -> str | None:
        if day.year not in self.years and day.year not in self._warned:
            self._warned.add(day.year)
            logger.warning("Working-day calendar has no data for %s; weekends only.", day.year)
        entry = self.days.get(day)
        return entry[0] if entry else None

    def is_working_day(self, day: dt.date) -> bool:
        kind = self.kind(day)
        if kind == HOLIDAY:
            return False
        if kind == WORKDAY:
            return True
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        if days < 0:
            raise ValueError("days must not be negative")
        current, remaining = start, days
        for _ in range(MAX_SCAN_DAYS):
            if remaining == 0:
                return current
            current += dt.timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        raise ValueError("deadline too far away")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        if end <= start:
            return 0
        count, current = 0, start
        while current < end:
            current += dt.timedelta(days=1)
            count += self.is_working_day(current)
        return count


def _date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def is_working_day(day: dt.date | dt.datetime) -> bool:
    """Whether ``day`` is a working day (weekday not on holiday, or a make-up day)."""
    return Calendar().is_working_day(_date(day))


def add_working_days(start: dt.date | dt.datetime, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted).

    A deadline "within 10 working days of receipt on 2025-09-26" is
    ``add_working_days(date(2025, 9, 26), 10)``.
    """
    return Calendar().add_working_days(_date(start), days)


def working_days_between(start: dt.date | dt.datetime, end: dt.date | dt.datetime) -> int:
    """Working days after ``start`` up to and including ``end``."""
    return Calendar().working_days_between(_date(start), _date(end))


def day_name(day: dt.date) -> str:
    """The holiday or make-up day's name (``"春节"``), or ``""`` for an ordinary day."""
    entry = Calendar().days.get(day)
    return entry[1] if entry else ""
