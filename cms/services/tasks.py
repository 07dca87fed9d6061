"""Background work: define a task once, enqueue it after the caller's transaction.

Tasks are django-tasks tasks (the library Wagtail 8 uses for its own
background work). Which backend runs them is a setting, never a code change:

* ``LIANXI_TASK_BACKEND=database`` (the embedded default): tasks are rows of
  ``django_tasks_db``; ``manage.py run_worker`` runs them;
* ``LIANXI_TASK_BACKEND=rq`` (production): Redis queues through RQ
  (``REDIS_URL``); ``manage.py run_worker`` runs an RQ worker;
* ``LIANXI_TASK_BACKEND=immediate``: the task runs in the calling process (the
  test suite's default).

The idiom for core and plugins::

    from cms.services.tasks import enqueue, task

    @task()
    def reindex_station(station_id: int) -> None:   # arguments: JSON values only
        ...                                         # idempotent: may run twice

    enqueue(reindex_station, station.pk)            # after the transaction commits

**Killing a worker loses nothing.** A worker writes a heartbeat; a task left
``RUNNING`` by a worker that stopped beating is made ready again by
:func:`reclaim_abandoned` (run by every worker at start and by the scheduler
on every tick), and runs again on a live worker. On RQ, jobs that RQ marks as
abandoned are put back on their queue. So a task may run more than once; write
it so that a second run changes nothing (look before you write, or use a
unique key, as ``cms.services.notifications`` does with its delivery log).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from typing import Any

import django_tasks
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.base import Task

__all__ = [
    "QUEUE",
    "Task",
    "backend_kind",
    "enqueue",
    "reclaim_abandoned",
    "task",
    "urgent",
]

logger = logging.getLogger(__name__)

#: The task backend alias of the project's own tasks (``settings.TASKS``). Wagtail's
#: own tasks keep the ``default`` alias, which runs them in place.
QUEUE = "lianxi"


def task(function=None, **options):
    """django-tasks' ``@task`` on the project's queue (``@task`` or ``@task(priority=...)``)."""
    options.setdefault("backend", QUEUE)
    return django_tasks.task(function, **options) if function else django_tasks.task(**options)


def backend_kind() -> str:
    """``"database"``, ``"rq"`` or ``"immediate"`` (``LIANXI_TASK_BACKEND``)."""
    path = type(task_backends[QUEUE]).__module__
    if path.startswith("django_tasks_db"):
        return "database"
    if path.startswith("django_tasks_rq"):
        return "rq"
    return "immediate"


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task(*args, **kwargs)`` if and only if the current transaction commits.

    With the database backend the task row is written inside the caller's
    transaction (it commits or rolls back with the caller's rows); with the
    other backends the task is sent right after the commit. Outside a
    transaction the task is enqueued at once. Arguments must be JSON values
    (ids, not model instances). Returns nothing: the task may not exist yet.

    In tests (immediate backend) wrap the code in
    ``django_capture_on_commit_callbacks(execute=True)`` to run the task.
    """
    if backend_kind() == "database":
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


#: The priority of :func:`urgent` tasks (bulk work such as a re-index after an import
#: keeps the default, 0).
URGENT_PRIORITY = 50


def urgent(task: Task) -> Task:
    """``task`` ahead of bulk work where the backend orders by priority (database).

    ``enqueue(urgent(deliver), delivery.pk)``: a notification is not kept waiting
    behind thousands of re-indexing tasks after an import.
    """
    if task_backends[task.backend].supports_priority:
        return task.using(priority=URGENT_PRIORITY)
    return task


# --- Workers and their heartbeats --------------------------------------------------


def worker_identity() -> dict[str, Any]:
    return {"hostname": socket.gethostname()[:128], "pid": os.getpid()}


def beat(worker_id: str) -> None:
    """Record that ``worker_id`` is alive (called by ``run_worker`` every few seconds)."""
    from .models import WorkerHeartbeat

    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={"seen_at": now, **worker_identity()},
            create_defaults={"started_at": now, "seen_at": now, **worker_identity()},
        )


def forget_worker(worker_id: str) -> None:
    from .models import WorkerHeartbeat

    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def reclaim_abandoned(now: dt.datetime | None = None) -> int:
    """Make the tasks of dead workers ready to run again; returns how many.

    Database backend: a ``RUNNING`` task whose worker's heartbeat is older than
    ``LIANXI_WORKER_STALE_AFTER`` seconds (or, for a worker that never wrote
    one, a task started longer ago than that and an hour more) becomes
    ``READY``. RQ: jobs whose worker died (RQ's abandoned jobs) go back on
    their queue. A task reclaimed ``LIANXI_TASK_MAX_RECLAIMS`` times is
    marked failed: it is probably what kills its workers.
    """
    now = now or timezone.now()
    kind = backend_kind()
    if kind == "database":
        return _reclaim_database(now)
    if kind == "rq":
        return _reclaim_rq(now)
    return 0


def _reclaim_database(now: dt.datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    from .models import WorkerHeartbeat

    stale_after = dt.timedelta(seconds=settings.LIANXI_WORKER_STALE_AFTER)
    live = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - stale_after).values_list(
            "worker_id", flat=True
        )
    )
    known = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    reclaimed = 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for row in running.only("id", "worker_ids", "started_at"):
        worker = row.worker_ids[-1] if row.worker_ids else ""
        if worker in live:
            continue
        unknown_limit = stale_after + dt.timedelta(hours=1)
        if worker not in known and row.started_at and now - row.started_at < unknown_limit:
            continue  # a worker without heartbeats (plain db_worker): give it time
        with transaction.atomic():
            fields: dict[str, Any]
            if len(row.worker_ids) >= settings.LIANXI_TASK_MAX_RECLAIMS:
                fields = {
                    "status": TaskResultStatus.FAILED,
                    "finished_at": now,
                    "exception_class_path": "cms.services.tasks.WorkerDied",
                    "traceback": f"The task's worker died {len(row.worker_ids)} times; not run again.",
                }
            else:
                fields = {"status": TaskResultStatus.READY}
            reclaimed += DBTaskResult.objects.filter(
                pk=row.pk, status=TaskResultStatus.RUNNING
            ).update(**fields)
            logger.warning("Reclaimed task %s of dead worker %s", row.pk, worker or "?")
    WorkerHeartbeat.objects.filter(seen_at__lt=now - stale_after * 10).delete()
    return reclaimed


ABANDONED = "rq.exceptions.AbandonedJobError"


def _reclaim_rq(now: dt.datetime) -> int:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    reclaimed = 0
    for name in task_backends[QUEUE].queues:
        queue = django_rq.get_queue(name, job_class=Job)
        # Moves jobs whose worker stopped beating to the failed registry ...
        StartedJobRegistry(queue=queue, job_class=Job).cleanup(timestamp=now.timestamp())
        failed = FailedJobRegistry(queue=queue, job_class=Job)
        for job_id in failed.get_job_ids():
            job = queue.fetch_job(job_id)
            if job is None:
                continue
            causes = job.meta.get("_django_tasks_rq_exceptions", [])
            result = job.latest_result()
            abandoned = (causes and causes[-1] == ABANDONED) or (
                result is not None and "AbandonedJobError" in (result.exc_string or "")
            )
            if not abandoned:
                continue
            reclaims = job.meta.get("lianxi_reclaims", 0)
            if reclaims + 1 >= settings.LIANXI_TASK_MAX_RECLAIMS:
                continue  # stays failed
            # ... and this puts them back on their queue.
            job.meta["lianxi_reclaims"] = reclaims + 1
            job.meta["_django_tasks_rq_exceptions"] = causes[:-1] if causes else []
            job.save_meta()
            failed.requeue(job)
            reclaimed += 1
            logger.warning("Re-enqueued abandoned RQ job %s", job_id)
    return reclaimed
