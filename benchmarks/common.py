"""What the benchmarks share: a scratch database, the production-style environment,
percentiles, the database's size, and the machine the figures were taken on."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Every benchmark's processes share one secret: the deputies' private-data key derives from it.
SECRET_KEY = "lianxi-benchmark-secret-key-not-for-production-0123456789"


def base_env(database_url: str, media_root: str, static_root: str, **extra: str) -> dict[str, str]:
    """Environment of a benchmark and of the servers or commands it starts (production-style)."""
    return {
        "DJANGO_SETTINGS_MODULE": "cms.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": media_root,
        "STATIC_ROOT": static_root,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "LIANXI_ALLOW_DEV_SECRET": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,.localhost,testserver",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra,
    }


def reset_database(url: str) -> None:
    """An empty database: delete the SQLite file, or drop and create a PostgreSQL
    database — only one named ``lianxi_bench…``."""
    if url.startswith("sqlite:"):
        path = url.split("sqlite:///", 1)[1]
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
    elif url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, name = url.rpartition("/")
        name = name.split("?", 1)[0]
        if not re.fullmatch(r"lianxi_bench\w*", name):
            raise SystemExit(f"refusing to drop database {name!r}: not a lianxi_bench database")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        raise SystemExit(f"unsupported database URL for the benchmark: {url}")


def database_exists(url: str) -> bool:
    """Is there a database at ``url`` (a SQLite file, or a PostgreSQL database)?"""
    if url.startswith("sqlite:"):
        return Path(url.split("sqlite:///", 1)[1]).exists()
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def database_size(pg_relation: str | None = None) -> int:
    """Bytes of the SQLite file, or of the PostgreSQL database (or one relation with its indexes)."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("PRAGMA page_count")
            pages = cur.fetchone()[0]
            cur.execute("PRAGMA page_size")
            return pages * cur.fetchone()[0]
        if pg_relation:
            cur.execute("SELECT pg_total_relation_size(%s)", [pg_relation])
        else:
            cur.execute("SELECT pg_database_size(current_database())")
        return cur.fetchone()[0]


def pct(values, p: float) -> float:
    """The ``p``-th percentile (nearest rank)."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup_django(database_url: str, media_root: str, static_root: str, **extra: str) -> None:
    """The in-process benchmarks' environment (``base_env``; the API cache off and tasks run
    at once unless ``extra`` says otherwise), then ``django.setup()``."""
    os.environ.update(base_env(database_url, media_root, static_root, **{
        "LIANXI_API_CACHE_ENABLED": "0", "LIANXI_TASK_BACKEND": "immediate", **extra}))  # fmt: skip
    Path(static_root).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    import django

    django.setup()


def provision_demo_sites() -> dict:
    """The demo group's sites without content (the province, its cities, Hefei's counties):
    ``{division code: SiteProfile}`` with ``site`` and ``parent`` loaded."""
    from cms.sitegroup.models import SiteProfile
    from cms.sitegroup.provisioning import SiteSpec, provision_site
    from fixtures import anhui

    for region in anhui.all_regions():
        provision_site(SiteSpec(
            division_code=region.code, name=region.site_name, region_name=region.region_name,
            short_name=region.short_name, english_name=region.english_name,
            parent_code=region.parent_code, is_default_site=region.parent_code is None,
        ))  # fmt: skip
    return {p.division_code: p for p in SiteProfile.objects.select_related("site", "parent")}


def measure_urls(client, urls: dict[str, str], requests: int, width: int = 44,
                 cpu: bool = False) -> dict:  # fmt: skip
    """GET each of ``urls`` (``{label: url}``) once to warm up, then ``requests`` times,
    through ``client`` (a logged-in Django test client, or an anonymous one); prints and
    returns status, size, p50, p95 and mean per label. First the heap is settled as
    ``cms.wsgi`` settles each server process, so the figures are the server's.

    ``cpu``: also the process's CPU time per request (p50, ``cpu_p50_ms``; the database
    server's time is not in it). On a shared machine the wall time grows with the load
    average; the CPU time much less, so it tells what a request costs by itself."""
    import statistics
    import time

    from cms.wsgi import settle

    settle()
    out = {}
    for label, url in urls.items():
        response = client.get(url)
        times, cpu_times = [], []
        for _ in range(requests):
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            cpu_times.append((time.process_time() - c0) * 1000)
        out[label] = r = {
            "url": url, "status": response.status_code, "bytes": len(response.content),
            "p50_ms": round(pct(times, 50), 1), "p95_ms": round(pct(times, 95), 1),
            "mean_ms": round(statistics.mean(times), 1),
        }  # fmt: skip
        extra = ""
        if cpu:
            r["cpu_p50_ms"] = round(pct(cpu_times, 50), 1)
            extra = f"  (CPU p50 {r['cpu_p50_ms']:5.1f} ms)"
        print(f"  {label:<{width}} HTTP {r['status']}  p50 {r['p50_ms']:7.1f} ms  "
              f"p95 {r['p95_ms']:7.1f} ms  {r['bytes']:>8} bytes{extra}", flush=True)  # fmt: skip
    return out


def machine(**extra) -> dict:
    """CPU, core count and the versions that matter, for the report."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import wagtail

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        **extra,
    }


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


class JsonPoster:
    """POSTs JSON to the server on 127.0.0.1, one plain keep-alive connection per client
    thread: the load generator shares the server's cores, and ``http.client`` costs a
    third of what ``requests`` does per request. ``post`` answers ``(status, headers)``;
    a failed connection is dropped (the next post opens another) and the error raised."""

    def __init__(self, port: int):
        import threading

        self.port, self.local = port, threading.local()

    def post(self, path: str, body: bytes, headers: dict):
        import http.client

        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = self.local.connection = http.client.HTTPConnection(
                "127.0.0.1", self.port, timeout=60
            )
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            self.local.connection = None
            raise
        return response.status, response.headers
