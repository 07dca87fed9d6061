"""Long admin work in the background, with progress the admin can watch.

A screen that would otherwise work for minutes inside the request (a large
import) starts a job instead and sends the user to a status page::

    from cms.services import jobs
    from cms.services.tasks import task

    @task()
    def import_register(job_id: int, dry_run: bool) -> None:
        jobs.run(job_id, lambda job, progress: do_the_work(job.file, progress=progress))

    job = jobs.start("deputies.import", request.user, import_register, upload=f, dry_run=False)
    return redirect("my_status_view", job.pk)

``run`` marks the job running, gives the work a ``progress(stage, done,
total)`` callback (written at most every ``PROGRESS_SECONDS``), stores what
the work returns as ``job.result`` (JSON) and removes the uploaded file. The
status page renders ``services/job_status.html`` while the job is unfinished:
it reloads itself (a meta refresh, no JavaScript) and shows the stage and
rows done of total. A job whose worker died is run again by the task
machinery (``cms.services.tasks``): the work must be idempotent, as the
importers are (they check everything, then write in one transaction).
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.template.response import TemplateResponse
from django.utils import timezone

from .models import BackgroundJob, JobStatus
from .tasks import Task, enqueue

__all__ = ["BackgroundJob", "JobStatus", "run", "start", "status_response"]

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 1.0
#: Seconds between reloads of the status page.
REFRESH_SECONDS = 2


def start(kind: str, user, task: Task, *, upload=None, **params: Any) -> BackgroundJob:
    """Record a job (with its uploaded file) and enqueue ``task(job.pk, **params)``."""
    job = BackgroundJob.objects.create(
        kind=kind, user=user if getattr(user, "is_authenticated", False) else None
    )
    if upload is not None:
        extension = os.path.splitext(upload.name)[1].lower()[:10]
        upload.seek(0)
        job.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=True)
    enqueue(task, job.pk, **params)
    return job


def _progress(job_id: int) -> Callable[[str, int, int], None]:
    last = {"at": 0.0, "stage": None}

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == last["stage"] and now - last["at"] < PROGRESS_SECONDS and done < total:
            return
        last.update(at=now, stage=stage)
        BackgroundJob.objects.filter(pk=job_id).update(stage=stage, done=done, total=total)

    return progress


def run(job_id: int, work: Callable[[BackgroundJob, Callable], dict]) -> BackgroundJob | None:
    """Run ``work(job, progress)`` for the job; its return value (a dict) is ``job.result``."""
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return job  # gone, or already run by a worker before this one died
    BackgroundJob.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    try:
        result = work(job, _progress(job_id))
    except Exception:
        logger.exception("Background job %s (%s) failed", job_id, job.kind)
        BackgroundJob.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED,
            error="处理时发生内部错误,未写入任何数据。请联系系统管理员查看日志。",
            finished_at=timezone.now(),
        )
    else:
        BackgroundJob.objects.filter(pk=job_id).update(
            status=JobStatus.DONE, result=result or {}, finished_at=timezone.now()
        )
    finally:
        if job.file:
            name = job.file.name
            transaction.on_commit(lambda: job.file.storage.delete(name))
            BackgroundJob.objects.filter(pk=job_id).update(file="")
    job.refresh_from_db()
    return job


def status_response(request, job: BackgroundJob, *, title: str, back_url: str, stages=None):
    """The status page of an unfinished (or failed) job: reloads itself every few seconds."""
    return TemplateResponse(
        request,
        "services/job_status.html",
        {
            "job": job,
            "title": title,
            "back_url": back_url,
            "stage_label": (stages or {}).get(job.stage, job.stage),
            "refresh": REFRESH_SECONDS if not job.finished else None,
        },
    )
