"""Background work of the evaluation plugin: the nightly inspection, the probes, the
office's on-demand inspection (a job with a progress page)."""

from __future__ import annotations

from django.utils import timezone

from cms.services import jobs
from cms.services.tasks import task

from . import inspect, probes
from .models import Trigger


@task()
def inspect_all() -> dict:
    """The nightly sweep: every site with the plugin on, as the day's scheduled run (a
    retried sweep resumes the same run with the sites not done yet)."""
    row = inspect.run(
        trigger=Trigger.SCHEDULED, key=f"scheduled:{timezone.localdate().isoformat()}"
    )
    pruned = probes.prune()
    return {"run": row.pk, "sites": row.site_count, "probes_pruned": pruned}


@task()
def probe_sites() -> int:
    """The probe sweep: the sites whose probe interval has passed."""
    return probes.probe_due()


@task()
def inspect_job(job_id: int, site_ids: list[int]) -> None:
    """An inspection the office started from the admin (``jobs``: a progress page)."""

    def work(job, progress) -> dict:
        from wagtail.models import Site

        profiles = [
            s.profile for s in Site.objects.filter(pk__in=site_ids).select_related("profile")
        ]
        row = inspect.run(profiles, trigger=Trigger.MANUAL, user=job.user, progress=progress)
        return {"run": row.pk, "sites": row.results.count()}

    jobs.run(job_id, work)
