"""Periodic sweeps: `run_scheduler --once` enqueues each due sweep once per period."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from cms.services import schedule
from cms.services.models import SweepRun
from tests.services import worker_tasks

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def only_test_sweeps():
    """The registry holding only this test's sweeps (restored afterwards)."""
    saved = dict(schedule._sweeps)
    schedule._sweeps.clear()
    yield
    schedule._sweeps.clear()
    schedule._sweeps.update(saved)


def test_scheduler_enqueues_a_period_once(only_test_sweeps):
    calls = []

    class Recording:
        """A stand-in task: records each enqueue."""

        def __init__(self, name):
            self.name = name

        def enqueue(self):
            calls.append(self.name)

            class Result:
                id = f"id-{len(calls)}"

            return Result()

    schedule.register_sweep("test.minutely", Recording("minutely"), every=dt.timedelta(minutes=1))
    schedule.register_sweep("test.daily", Recording("daily"), every="daily at 02:00")
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    call_command("run_scheduler", "--once", stdout=out)  # the same period: nothing new
    runs = SweepRun.objects.filter(name__startswith="test.")
    assert calls.count("minutely") == 1
    assert runs.filter(name="test.minutely").count() == 1
    assert "已加入队列:test.minutely" in out.getvalue()

    # Periods by clock: before 02:00 Beijing the daily sweep is not due; after, once a day.
    early = dt.datetime(2026, 3, 2, 1, 59, tzinfo=BEIJING)
    late = dt.datetime(2026, 3, 2, 23, 0, tzinfo=BEIJING)
    assert "test.daily" not in schedule.run_due_sweeps(early)
    assert "test.daily" in schedule.run_due_sweeps(late)
    assert "test.daily" not in schedule.run_due_sweeps(late + dt.timedelta(minutes=30))
    assert "test.daily" in schedule.run_due_sweeps(late + dt.timedelta(hours=4))  # next day
    assert SweepRun.objects.filter(name="test.daily", period_key__startswith="2026-03").count() == 2
    minute = dt.datetime(2026, 3, 2, 10, 0, 30, tzinfo=BEIJING)
    assert schedule.run_due_sweeps(minute) == ["test.minutely"]
    assert schedule.run_due_sweeps(minute + dt.timedelta(seconds=20)) == []
    assert schedule.run_due_sweeps(minute + dt.timedelta(seconds=40)) == ["test.minutely"]


def test_a_second_scheduler_that_lost_the_race_enqueues_nothing(only_test_sweeps):
    calls = []

    class Recording:
        def enqueue(self):
            calls.append(1)

            class Result:
                id = "x"

            return Result()

    sweep = schedule.register_sweep("test.race", Recording(), every=dt.timedelta(hours=1))
    now = dt.datetime(2026, 3, 2, 10, 0, tzinfo=BEIJING)
    # Another scheduler recorded this period between our check and our insert.
    SweepRun.objects.create(name="test.race", period_key=sweep.period_key(now))
    assert schedule.run_due_sweeps(now) == []
    assert calls == []


def test_register_sweep_refuses_bad_periods(only_test_sweeps):
    with pytest.raises(ValueError):
        schedule.register_sweep("x", worker_tasks.record, every=dt.timedelta(seconds=10))
    with pytest.raises(ValueError):
        schedule.register_sweep("x", worker_tasks.record, every="weekly")


def test_core_sweeps_are_registered():
    names = {s.name for s in schedule.get_sweeps()}
    assert {"notifications.retry", "notifications.digest", "deadlines.reminders",
            "services.prune_history"} <= names  # fmt: skip


def test_sweeps_run_by_the_scheduler_really_run(settings, django_capture_on_commit_callbacks):
    """With the immediate backend, `--once` runs the core sweeps (nothing to do: no error)."""
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "notifications.retry" in out.getvalue()
    assert SweepRun.objects.filter(name="notifications.retry").count() == 1
