"""``manage.py run_scheduler``: enqueue the periodic sweeps that are due.

A loop (every ``LIANXI_SCHEDULER_INTERVAL`` seconds) or, with ``--once``, a
single pass for cron and tests. Each pass also makes the tasks of dead
workers ready again (``cms.services.tasks.reclaim_abandoned``). Running two
schedulers is harmless: a sweep's period is enqueued once.
"""

from __future__ import annotations

import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from cms.services import schedule, tasks


class Command(BaseCommand):
    help = "按周期将到期的定时任务加入后台队列(--once 只运行一次)。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=None)

    def handle(self, *args, **options):
        interval = options["interval"] or settings.LIANXI_SCHEDULER_INTERVAL
        running = True

        def stop(signum, frame):
            nonlocal running
            running = False

        if not options["once"]:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            self.stdout.write(f"定时任务调度已启动,每 {interval:g} 秒检查一次。")
        while True:
            reclaimed = tasks.reclaim_abandoned()
            names = schedule.run_due_sweeps()
            if reclaimed:
                self.stdout.write(f"重新排队 {reclaimed} 个中断的任务。")
            for name in names:
                self.stdout.write(f"已加入队列:{name}")
            if options["once"]:
                if not names:
                    self.stdout.write("没有到期的定时任务。")
                return
            deadline = time.monotonic() + interval
            while running and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
            if not running:
                return
            close_old_connections()  # a long-running loop: drop a dead connection
