"""Periodic sweeps: idempotent tasks that one scheduler enqueues once per period.

Register a sweep in your app's ``ready()``::

    from datetime import timedelta
    from cms.services.schedule import register_sweep
    from .tasks import expire_old_keys, check_stale_columns   # @task() functions

    register_sweep("writes.expire_keys", expire_old_keys, every=timedelta(hours=1))
    register_sweep("inspection.stale_columns", check_stale_columns, every="daily at 02:00")

``manage.py run_scheduler`` (a loop; ``--once`` for cron and tests) enqueues
each sweep whose period has come, recording a ``SweepRun(name, period_key)``
row with a unique constraint first: running the scheduler twice, or two
schedulers at once, enqueues a period's sweep once. The sweep task takes no
arguments and must itself be idempotent (it may run again after a worker
died): record what it did with unique keys, as the deadline reminders do.

Periods: ``every=timedelta(...)`` counts fixed periods from the Unix epoch
(``every=timedelta(minutes=1)`` runs in each minute); ``"daily at HH:MM"`` runs
once a day at or after that Beijing time (a scheduler started later the same
day still runs it that day).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .tasks import Task

__all__ = ["Sweep", "get_sweeps", "register_sweep", "run_due_sweeps", "unregister_sweep"]

logger = logging.getLogger(__name__)
DAILY = re.compile(r"^daily at (\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class Sweep:
    """A periodic task: ``task`` is enqueued once per period of ``every``."""

    name: str
    task: Task
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None

    def period_key(self, now: dt.datetime) -> str | None:
        """The current period's key, or ``None`` when the sweep is not due yet today."""
        if self.every is not None:
            seconds = int(self.every.total_seconds())
            start = int(now.timestamp()) // seconds * seconds
            return dt.datetime.fromtimestamp(start, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        local = timezone.localtime(now)
        assert self.daily_at is not None
        if local.time() < self.daily_at:
            return None
        return local.date().isoformat()


_sweeps: dict[str, Sweep] = {}


def register_sweep(name: str, task: Task, *, every: dt.timedelta | str) -> Sweep:
    """Register (or replace) the sweep ``name`` running ``task`` ``every`` period.

    ``every`` is a ``timedelta`` of at least a minute, or ``"daily at HH:MM"``
    (Beijing time). ``task`` is a django-tasks task taking no arguments.
    """
    if isinstance(every, dt.timedelta):
        if every < dt.timedelta(minutes=1):
            raise ValueError("A sweep runs at most once a minute.")
        sweep = Sweep(name, task, every=every)
    else:
        match = DAILY.match(every.strip())
        if not match:
            raise ValueError(f"every={every!r}: use a timedelta or 'daily at HH:MM'.")
        sweep = Sweep(name, task, daily_at=dt.time(int(match[1]), int(match[2])))
    if len(name) > 100:
        raise ValueError("Sweep names are at most 100 characters.")
    _sweeps[name] = sweep
    return sweep


def unregister_sweep(name: str) -> None:
    _sweeps.pop(name, None)


def get_sweeps() -> list[Sweep]:
    return sorted(_sweeps.values(), key=lambda s: s.name)


def run_due_sweeps(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every sweep whose period has come and was not enqueued yet.

    Returns the names enqueued. Each is recorded and enqueued in one
    transaction (with the database backend the task row commits with the
    record); a sweep whose record exists already is skipped.
    """
    from .models import SweepRun

    now = now or timezone.now()
    enqueued = []
    for sweep in get_sweeps():
        key = sweep.period_key(now)
        if key is None:
            continue
        if SweepRun.objects.filter(name=sweep.name, period_key=key).exists():
            continue
        try:
            with transaction.atomic():
                run = SweepRun.objects.create(name=sweep.name, period_key=key, enqueued_at=now)
                result = sweep.task.enqueue()
                run.task_id = str(result.id)[:64]
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler got there first
        except Exception:
            logger.exception("Sweep %s could not be enqueued", sweep.name)
            continue
        enqueued.append(sweep.name)
    return enqueued


# --- The core's own sweep -----------------------------------------------------------

from .tasks import task  # noqa: E402


@task()
def prune_history() -> dict[str, int]:
    """Delete finished task results and sweep records older than the retention period."""
    from django.conf import settings

    from .models import SweepRun
    from .tasks import backend_kind

    cutoff = timezone.now() - dt.timedelta(days=settings.LIANXI_TASK_RESULTS_KEEP_DAYS)
    pruned = {"sweep_runs": SweepRun.objects.filter(enqueued_at__lt=cutoff).delete()[0]}
    if backend_kind() == "database":
        from django_tasks_db.models import DBTaskResult

        old = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff)
        pruned["task_results"] = old.delete()[0]
    return pruned
