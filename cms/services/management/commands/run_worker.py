"""``manage.py run_worker``: run background tasks with the configured backend.

Database backend (the default): django-tasks-db's worker, plus a heartbeat
thread and, at start, the reclaim of tasks whose worker died. RQ backend: an
RQ worker on the configured queues (the same as ``manage.py rqworker default
--job-class django_tasks_rq.backend.Job --with-scheduler``). Stop it with Ctrl-C or SIGTERM: it finishes the task in hand first.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string

from cms.services import tasks


class Command(BaseCommand):
    help = "运行后台任务(数据库后端或 RQ,由 LIANXI_TASK_BACKEND 决定)。"

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="queues, comma-separated")
        parser.add_argument("--interval", type=float, default=1.0, help="idle poll (seconds)")
        parser.add_argument("--batch", action="store_true", help="run what is ready, then exit")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument("--worker-id", default="")

    def handle(self, *args, **options):
        kind = tasks.backend_kind()
        if kind == "rq":
            queues = options["queue_name"].split(",")
            tasks.reclaim_abandoned()
            call_command(
                "rqworker", *queues, job_class="django_tasks_rq.backend.Job",
                with_scheduler=True, burst=options["batch"],
            )  # fmt: skip
            return
        if kind != "database":
            raise CommandError("LIANXI_TASK_BACKEND=immediate runs tasks in place: no worker.")
        self.run_database_worker(options)

    def run_database_worker(self, options):
        from django_tasks_db.management.commands.db_worker import Worker

        worker_id = options["worker_id"] or get_random_string(32)
        tasks.beat(worker_id)
        reclaimed = tasks.reclaim_abandoned()
        if reclaimed:
            self.stdout.write(f"重新排队 {reclaimed} 个中断的任务。")
        stop = threading.Event()
        thread = threading.Thread(
            target=self.heartbeat, args=(worker_id, stop), daemon=True, name="heartbeat"
        )
        thread.start()
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=tasks.QUEUE,
            startup_delay=False,
            max_tasks=options["max_tasks"],
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        worker.configure_signals()
        self.stdout.write(f"后台任务进程 {worker_id} 已启动(数据库后端)。")
        try:
            worker.run()
        finally:
            stop.set()
            thread.join(timeout=5)
            tasks.forget_worker(worker_id)

    @staticmethod
    def heartbeat(worker_id: str, stop: threading.Event) -> None:
        while not stop.wait(settings.LIANXI_WORKER_HEARTBEAT):
            try:
                close_old_connections()
                tasks.beat(worker_id)
            except Exception:  # noqa: BLE001 - a missed beat must not kill the worker
                pass
        connection.close()
