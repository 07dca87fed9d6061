"""Tasks the worker tests enqueue (imported by the worker subprocess by module path)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.contrib.auth import get_user_model

from cms.services.notifications import notify
from cms.services.tasks import task


@task()
def notify_then_linger(user_id: int, log_path: str, linger: float) -> str:
    """Notify (idempotently, with a dedupe key), then linger: the first run is killed here.

    Each run appends ``start <pid>`` to the log; the run that finishes appends
    ``done <pid>``. Only the first run lingers.
    """
    log = Path(log_path)
    first_run = not log.exists()
    with log.open("a") as f:
        f.write(f"start {os.getpid()}\n")
    user = get_user_model().objects.get(pk=user_id)
    notify([user], "后台任务测试", "只应收到一次。", channels=[], dedupe_key="worker-kill-test")
    with log.open("a") as f:
        f.write(f"notified {os.getpid()}\n")
    if first_run:
        time.sleep(linger)
    with log.open("a") as f:
        f.write(f"done {os.getpid()}\n")
    return "done"


@task()
def record(value: str, log_path: str) -> None:
    with Path(log_path).open("a") as f:
        f.write(value + "\n")
