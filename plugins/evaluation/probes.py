"""Availability probes of the sites' public frontends (站点可访问性监测).

A sweep wakes every ``PROBE_SWEEP_MINUTES`` and probes each site whose own
interval (``SiteMonitor.interval_minutes``, at most 72 minutes: 20 probes a day at
least) has passed since its last probe, through the core fetcher
(``cms.services.fetch.probe``, the site's timeout, 15 seconds by default). An answer
below 400 is up; an error answer, a timeout, a refused or unreachable address is
down. A sweep run twice probes nothing twice: a site just probed is not due.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from django.apps import apps
from django.db.models import Max
from django.utils import timezone

from cms.plugins import enabled_site_ids
from cms.services import fetch

from .models import Probe, SiteMonitor

WORKERS = 8


def _probe(monitor: SiteMonitor) -> Probe:
    at = timezone.now()
    try:
        answer = fetch.probe(monitor.frontend_url, timeout=monitor.timeout_seconds)
    except fetch.FetchRefused:
        error = "指向内网或本机地址"
        return Probe(site_id=monitor.site_id, at=at, url=monitor.frontend_url, ok=False,
                     error=error)  # fmt: skip
    except fetch.FetchError as exc:
        error = "超时" if "超时" in str(exc) else "无法连接"
        return Probe(site_id=monitor.site_id, at=at, url=monitor.frontend_url, ok=False,
                     error=error)  # fmt: skip
    ok = answer.status < 400
    return Probe(site_id=monitor.site_id, at=at, url=monitor.frontend_url, ok=ok,
                 status=answer.status, elapsed_ms=int(answer.elapsed * 1000),
                 error="" if ok else f"HTTP {answer.status}")  # fmt: skip


def due(now: dt.datetime | None = None) -> list[SiteMonitor]:
    """The monitors whose interval has passed since their site's last probe."""
    now = now or timezone.now()
    config = apps.get_app_config("evaluation").plugin_settings
    slack = dt.timedelta(minutes=float(config["PROBE_SWEEP_MINUTES"]) / 2)
    monitors = list(
        SiteMonitor.objects.filter(enabled=True, site_id__in=enabled_site_ids("evaluation"))
        .exclude(frontend_url="")
        .order_by("site_id")
    )
    last = dict(
        Probe.objects.filter(site_id__in=[m.site_id for m in monitors])
        .values("site_id")
        .annotate(last=Max("at"))
        .values_list("site_id", "last")
    )
    return [
        m
        for m in monitors
        if last.get(m.site_id) is None
        or now - last[m.site_id] >= dt.timedelta(minutes=m.interval_minutes) - slack
    ]


def probe_due(now: dt.datetime | None = None) -> int:
    """Probe every site that is due; returns how many were probed."""
    monitors = due(now)
    if not monitors:
        return 0
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(monitors))) as pool:
        probes = list(pool.map(_probe, monitors))
    Probe.objects.bulk_create(probes)
    return len(probes)


def prune(now: dt.datetime | None = None) -> int:
    """Forget probes older than ``PROBE_KEEP_DAYS``."""
    now = now or timezone.now()
    keep = int(apps.get_app_config("evaluation").plugin_settings["PROBE_KEEP_DAYS"])
    return Probe.objects.filter(at__lt=now - dt.timedelta(days=keep)).delete()[0]
