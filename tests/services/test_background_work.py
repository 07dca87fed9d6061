"""Background work: on-commit enqueueing, the worker, and killing it mid-task.

The kill tests start real worker processes (``manage.py run_worker``) on a
copy of the test database (SQLite) or the test database itself (PostgreSQL),
kill one with SIGKILL in the middle of a task, and check that a second worker
finishes the task with its effect exactly once.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus

from cms.notifications.models import Notification
from cms.services import tasks
from cms.services.models import WorkerHeartbeat
from tests.redis_db import redis_test_url
from tests.services import worker_tasks

REPO = Path(__file__).resolve().parents[2]
IMMEDIATE = {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
DATABASE_BACKEND = {
    "default": IMMEDIATE,
    tasks.QUEUE: {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}


def test_enqueue_waits_for_the_commit(settings, tmp_path, django_capture_on_commit_callbacks, db):
    log = tmp_path / "log"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue(worker_tasks.record, "x", str(log))
    assert not log.exists() and len(callbacks) == 1  # rolled back: never runs
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue(worker_tasks.record, "y", str(log))
    assert log.read_text() == "y\n"


def test_database_backend_writes_the_task_with_the_callers_rows(settings, tmp_path, db):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    assert tasks.backend_kind() == "database"
    tasks.enqueue(worker_tasks.record, "z", str(tmp_path / "log"))
    row = DBTaskResult.objects.get()  # in this (test) transaction, before any commit
    assert row.status == TaskResultStatus.READY and row.args_kwargs["args"][0] == "z"


def test_reclaim_makes_a_dead_workers_task_ready_again(settings, tmp_path, db):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    settings.LIANXI_WORKER_STALE_AFTER = 60
    result = worker_tasks.record.enqueue("w", str(tmp_path / "log"))
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="dead", seen_at=now - dt.timedelta(minutes=5))
    WorkerHeartbeat.objects.create(worker_id="alive", seen_at=now)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead"], started_at=now
    )
    other = worker_tasks.record.enqueue("v", str(tmp_path / "log"))
    DBTaskResult.objects.filter(pk=other.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["alive"], started_at=now
    )
    call_command("run_scheduler", "--once", stdout=open(os.devnull, "w"))
    statuses = {str(k): v for k, v in DBTaskResult.objects.values_list("pk", "status")}
    assert statuses[result.id] == TaskResultStatus.READY  # its worker stopped beating
    assert statuses[other.id] == TaskResultStatus.RUNNING  # a live worker still runs it
    # A task that killed its worker again and again is not run a sixth time.
    settings.LIANXI_TASK_MAX_RECLAIMS = 2
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, worker_ids=["dead", "dead"]
    )
    assert tasks.reclaim_abandoned() == 1
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED


# --- A real worker, killed --------------------------------------------------------------


@contextmanager
def shared_database(tmp_path):
    """A database URL a subprocess can use, holding this test's committed rows.

    SQLite's test database lives in memory: copy it to a file, and copy it
    back afterwards so the test reads what the workers did.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        path = tmp_path / "worker.sqlite3"
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        yield f"sqlite:///{path}"
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
    else:
        user = settings_dict["USER"] or "postgres"
        host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        yield f"postgresql://{user}@{host}:{port}/{settings_dict['NAME']}"
        # Let the killed workers' sessions end before the test database is dropped.
        with connection.cursor() as cursor:
            for _ in range(100):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)


def start_worker(database_url: str, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LIANXI_TASK_BACKEND": "database",
        "LIANXI_WORKER_HEARTBEAT": "1",
        "LIANXI_WORKER_STALE_AFTER": "2",
        "DEBUG": "0",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", *extra],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_for(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_killing_the_database_worker_mid_task_loses_nothing(settings, tmp_path, make_user):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_BACKEND
    user = make_user("worker_test_user")
    log = tmp_path / "task.log"
    result = worker_tasks.notify_then_linger.enqueue(user.pk, str(log), 60.0)

    with shared_database(tmp_path) as url:
        first = start_worker(url)
        try:
            wait_for(lambda: "notified" in (log.read_text() if log.exists() else ""), 60,
                     "the first worker to be inside the task")  # fmt: skip
        finally:
            os.killpg(first.pid, signal.SIGKILL)  # no goodbye, no cleanup
            first.wait(10)
        time.sleep(2.5)  # its heartbeat goes stale (LIANXI_WORKER_STALE_AFTER=2)
        second = start_worker(url, "--batch")
        output, _ = second.communicate(timeout=120)
        assert second.returncode == 0, output.decode()

    lines = log.read_text().split()
    assert lines.count("start") == 2  # the task ran again ...
    assert lines.count("done") == 1  # ... and finished once
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    assert len(row.worker_ids) == 2 and row.worker_ids[0] != row.worker_ids[1]
    # Its effect happened exactly once although it was begun twice.
    assert Notification.objects.filter(dedupe_key="worker-kill-test").count() == 1
    assert "重新排队 1 个中断的任务" in output.decode()


# --- RQ (Redis) ---------------------------------------------------------------------------


def redis_url() -> str:
    return redis_test_url()


@pytest.fixture
def rq_backend(settings):
    """RQ on this branch's own Redis database (RQ's keys have no prefix of their own)."""
    try:
        import redis

        redis.Redis.from_url(redis_url(), socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "no Redis here"
        pytest.skip(f"Redis not reachable at {redis_url()}: {exc}")
    settings.RQ_QUEUES = {"default": {"URL": redis_url(), "DEFAULT_TIMEOUT": 60}}
    settings.TASKS = {
        "default": IMMEDIATE,
        tasks.QUEUE: {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    }
    import django_rq

    def clean():
        conn = django_rq.get_connection("default")
        for key in conn.scan_iter("rq:*"):
            conn.delete(key)

    clean()
    yield "default"
    clean()


@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_killing_the_rq_worker_mid_task_loses_nothing(settings, rq_backend, tmp_path, make_user):
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    assert tasks.backend_kind() == "rq"
    user = make_user("rq_worker_user")
    log = tmp_path / "task.log"
    result = worker_tasks.notify_then_linger.enqueue(user.pk, str(log), 60.0)
    with shared_database(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url, "LIANXI_TASK_BACKEND": "rq",
               "LIANXI_RQ_URL": redis_url(), "DEBUG": "0"}  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker"], cwd=REPO, env=env,
            start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_for(lambda: "notified" in (log.read_text() if log.exists() else ""), 60,
                     "the RQ worker to be inside the task")  # fmt: skip
        except AssertionError:
            os.killpg(worker.pid, signal.SIGKILL)
            raise AssertionError(worker.communicate(timeout=10)[0].decode()) from None
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and its work horse
        worker.wait(10)
        # RQ notices a dead worker when its job's heartbeat expires; look ahead in time.
        later = timezone.now() + dt.timedelta(minutes=30)
        assert tasks.reclaim_abandoned(now=later) == 1
        queue = django_rq.get_queue(rq_backend, job_class=Job)
        assert result.id in queue.job_ids  # back on its queue
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    lines = log.read_text().split()
    assert lines.count("start") == 2 and lines.count("done") == 1
    assert worker_tasks.notify_then_linger.get_result(result.id).status == (
        TaskResultStatus.SUCCESSFUL
    )
    assert Notification.objects.filter(dedupe_key="worker-kill-test").count() == 1


def test_worker_command_refuses_the_immediate_backend(db):
    from django.core.management.base import CommandError

    assert django_settings.TASKS[tasks.QUEUE]["BACKEND"].endswith("ImmediateBackend")
    with pytest.raises(CommandError):
        call_command("run_worker")
