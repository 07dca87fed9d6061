#!/usr/bin/env python
"""Benchmark of the deputies plugin on a province-wide register at real scale.

    .venv/bin/python benchmarks/deputies.py [--scale 1.0] [--database-url URL] [--requests 30]
    .venv/bin/python benchmarks/deputies.py --api-only --database-url URL   # the API again

1. **Build**: a fresh throwaway database (``/tmp/lianxi_bench_deputies.sqlite3``
   or ``--database-url``, PostgreSQL databases named ``lianxi_bench*`` only,
   dropped and created again), ``migrate``, the sites of the demo group
   without content (province, 16 cities, Hefei's nine counties, the township
   columns of 肥西县 and 长丰县) provisioned with ``provision_site``, the
   register's congresses, terms and delegations (``ensure_congresses``: a
   county without a site of its own is hosted on its city's site, townships on
   their county's or city's) and one liaison station per county and township.
2. **Generate** the register workbook (``fixtures.deputies_register``: about
   120,000 seats over five levels at ``--scale 1``, fictional people).
3. **Import** it with ``manage.py import_deputies FILE --no-progress`` in a
   child process: wall time, rows per second, the child's peak RSS; then
   import the same file again (nothing may change: row counts and the latest
   ``updated_at`` are compared).
4. **API** (in-process, Django test client, the API's server-side cache
   off, statements counted with ``connection.execute_wrapper``): p50/p95 over ``--requests`` requests of the deputy list (province,
   cities, a county, a township; limit 20 and 100), name search (张伟,
   zhangwei, zw, 王), a deputy's detail, a congress's statistics, stations near a
   point; and queries per request at limit 10/50/100, which must not grow.
5. Prints one table with PASS/FAIL against the targets (on PostgreSQL also the
   largest site's list, 安庆市's 10,412 deputies at scale 1: p50 under 40 ms at
   limit 20) and writes every figure to ``/tmp/lianxi_bench_deputies_results-<engine>.json``.

``--api-only`` keeps the database an earlier run built and imported (no reset,
no build, no import) and measures step 4 only: a few minutes less, for
measuring a change to the API.

``--profile`` runs the first import under cProfile and prints where its time
goes. Benchmark only: never run by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project first, and not this folder: its search.py would shadow the search app
# (PYTHONPATH may already hold the project, after this folder).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/lianxi_bench_deputies.sqlite3"
MEDIA_ROOT = "/tmp/lianxi_bench_deputies_media"
STATIC_ROOT = "/tmp/lianxi_bench_static"
RESULTS_FILE = "/tmp/lianxi_bench_deputies_results-{engine}.json"  # sqlite / postgresql
IMPORT_LOG = "/tmp/lianxi_bench_deputies_import-{n}.log"
PROFILE_FILE = "/tmp/lianxi_bench_deputies_import.prof"

TARGETS = {"import_seconds": 300, "largest_list_p50_ms": 40}  # the latter on PostgreSQL
#: The big sites: 安庆市 hosts its congress, its 10 counties' and their townships'.
BIG_CITY, HEFEI, COUNTY, TOWNSHIP = "340800", "340100", "340123", "340123100"
LARGEST_LIST = "list Anqing (city+10 counties+townships), 20"


# --- environment -------------------------------------------------------------------------
def base_env(args) -> dict[str, str]:
    """Environment of this process and of the import commands (production-style)."""
    # Every API request runs its view: the figures are the uncached ones.
    return common.base_env(args.database_url, MEDIA_ROOT, STATIC_ROOT, LIANXI_API_CACHE_ENABLED="0")


def setup_django(args) -> None:
    os.environ.update(base_env(args))
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    import django

    django.setup()


# --- build -------------------------------------------------------------------------------
def provision_sites() -> dict[str, int]:
    """The demo group's sites, no content: division code → wagtail Site id."""
    from cms.sitegroup.models import SiteProfile
    from cms.sitegroup.provisioning import SiteSpec, provision_site, provision_township
    from fixtures import anhui

    profiles = {}
    for region in anhui.all_regions():
        profiles[region.code], _created = provision_site(
            SiteSpec(
                division_code=region.code, name=region.site_name, region_name=region.region_name,
                short_name=region.short_name, english_name=region.english_name,
                parent_code=region.parent_code, is_default_site=region.parent_code is None,
            )
        )  # fmt: skip
    for county, towns in anhui.TOWNSHIPS.items():
        for code, name in towns:
            provision_township(profiles[county], code, anhui.township_title(name))
    return dict(SiteProfile.objects.values_list("division_code", "site_id"))


def ensure_stations(specs, congresses, seed: int) -> int:
    """One public liaison station per county and township congress, somewhere in Anhui."""
    import random
    from decimal import Decimal

    from plugins.deputies.models import LiaisonStation

    rng = random.Random(f"stations:{seed}")
    stations = []
    for spec in specs:
        if spec.level not in ("county", "township"):
            continue
        congress = congresses[spec.code]
        lat = Decimal(f"{rng.uniform(29.5, 34.5):.6f}")
        lng = Decimal(f"{rng.uniform(115.0, 119.5):.6f}")
        stations.append(
            LiaisonStation(
                site_id=congress.site_id, congress=congress, division_code=spec.code,
                name=f"{spec.region_name}人大代表联络站", address=f"{spec.region_name}人民路 1 号",
                latitude=lat, longitude=lng, reception_weekdays=[3],
                opening_hours="工作日 9:00-11:30",
            )
        )  # fmt: skip
    LiaisonStation.objects.bulk_create(stations, batch_size=500)
    return len(stations)


def build(args) -> dict:
    from django.core.management import call_command

    from fixtures import deputies_register as register

    timings = {}
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    site_ids = provision_sites()
    timings["sites_s"] = time.perf_counter() - t0
    timings["sites"] = len(site_ids)
    t0 = time.perf_counter()
    specs = register.congress_specs(args.seed, args.scale)
    congresses = register.ensure_congresses(site_ids, specs)
    timings["congresses_s"] = time.perf_counter() - t0
    timings["congresses"] = len(congresses)
    timings["stations"] = ensure_stations(specs, congresses, args.seed)
    return timings


# --- import --------------------------------------------------------------------------------
def run_import(args, path: str, n: int, profile: bool = False) -> dict:
    """``manage.py import_deputies`` in a child process: wall time, exit code, peak RSS."""
    from django.db import connections

    connections.close_all()  # the child writes; this process holds no transaction
    cmd = [sys.executable]
    if profile:
        cmd += ["-m", "cProfile", "-o", PROFILE_FILE]
    cmd += [str(ROOT / "manage.py"), "import_deputies", path, "--no-progress"]
    log_path = IMPORT_LOG.format(n=n)
    env = {**os.environ, **base_env(args)}
    with open(log_path, "wb") as log:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    output = Path(log_path).read_text(errors="replace")
    return {
        "seconds": seconds,
        "exit_code": proc.returncode,
        "peak_rss_mb": usage.ru_maxrss / 1024,  # kilobytes on Linux
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "log": log_path,
        "output_tail": output.strip().splitlines()[-12:],
    }


def fingerprint() -> dict:
    """Row counts and the latest change: equal before and after a no-op re-import."""
    from django.db.models import Max

    from plugins.deputies import models as m

    counts = {
        model.__name__: model.objects.count()
        for model in (m.Person, m.Membership, m.PostHolding, m.Post, m.Delegation,
                      m.DeputyGroup, m.Constituency)
    }  # fmt: skip
    latest = m.Person.objects.aggregate(latest=Max("updated_at"))["latest"]
    return {"counts": counts, "person_latest_update": str(latest)}


def print_profile(limit: int = 30) -> list[str]:
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(PROFILE_FILE, stream=out)
    stats.sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)
    text = out.getvalue()
    print(text)
    return text.splitlines()


# --- API -------------------------------------------------------------------------------------
def api_urls() -> dict[str, str]:
    """The requests measured, on data picked from the imported register."""
    from django.db.models import Count

    from cms.sitegroup.models import SiteProfile
    from plugins.deputies.models import Congress, Membership, Person

    base = "/api/v1/deputies/"
    site_id = SiteProfile.objects.get(division_code=BIG_CITY).site_id
    # Someone with the most seats (county and township deputy): the detail lists them all.
    seated = Membership.objects.filter(congress__site_id=site_id).values("person_id")
    person = (
        Person.objects.filter(pk__in=seated)
        .annotate(seats=Count("memberships"))
        .order_by("-seats", "pk")
        .first()
    )
    seats = Membership.objects.filter(person=person).count()
    city = Congress.objects.get(division_code=BIG_CITY)
    province = Congress.objects.get(division_code="340000")
    county = Congress.objects.get(division_code=COUNTY)
    return {
        "list province, limit 20": f"{base}?site=340000&limit=20",
        "list province, limit 100": f"{base}?site=340000&limit=100",
        "list Hefei (city only), limit 20": f"{base}?site={HEFEI}&limit=20",
        LARGEST_LIST: f"{base}?site={BIG_CITY}&limit=20",
        "list Anqing, limit 100": f"{base}?site={BIG_CITY}&limit=100",
        "list Anqing, offset 5000": f"{base}?site={BIG_CITY}&limit=20&offset=5000",
        "list Feixi (county+townships), 20": f"{base}?site={COUNTY}&limit=20",
        "list township 340123100, 20": f"{base}?site={TOWNSHIP}&limit=20",
        "q=张伟 (Anqing)": f"{base}?site={BIG_CITY}&q=张伟",
        "q=zhangwei (Anqing)": f"{base}?site={BIG_CITY}&q=zhangwei",
        "q=zw (Anqing)": f"{base}?site={BIG_CITY}&q=zw",
        "q=王 (province)": f"{base}?site=340000&q=王",
        f"detail ({seats} seats)": f"{base}{person.pk}/?site={BIG_CITY}",
        "congresses of Anqing": f"{base}congresses/?site={BIG_CITY}",
        "statistics Anqing congress": f"{base}congresses/{city.pk}/statistics/?site={BIG_CITY}",
        "statistics provincial congress": f"{base}congresses/{province.pk}/statistics/?site=340000",
        "statistics Feixi congress": f"{base}congresses/{county.pk}/statistics/?site={COUNTY}",
        "stations near (Anqing)": f"{base}stations/?site={BIG_CITY}&near=30.53,117.05&radius=50",
    }


class QueryCounter:
    """Counts the statements a block runs (``execute_wrapper``: independent of DEBUG and
    of the 9,000-entry query log ``CaptureQueriesContext`` reads)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self):
        from django.db import connection

        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def measure_api(urls: dict[str, str], requests: int) -> dict[str, dict]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    results = {}
    for label, url in urls.items():
        client.get(url)  # warm: first-request imports, cold caches
        with QueryCounter() as queries:
            response = client.get(url)
        times = []
        for _ in range(requests):
            t0 = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        body = response.json() if response.status_code == 200 else {}
        results[label] = {
            "url": url,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(queries),
            "count": body.get("count") if isinstance(body, dict) else None,
            "p50_ms": common.pct(times, 50),
            "p95_ms": common.pct(times, 95),
            "mean_ms": statistics.mean(times),
        }
        r = results[label]
        print(
            f"  {label:<46} HTTP {r['status']}  p50 {r['p50_ms']:7.1f} ms  p95 "
            f"{r['p95_ms']:7.1f} ms  {r['queries']:>3} queries  count {r['count']}",
            flush=True,
        )
    return results


def queries_by_page_size(bases: dict[str, str]) -> dict[str, dict[int, int]]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    out = {}
    for label, url in bases.items():
        out[label] = {}
        for limit in (10, 50, 100):
            with QueryCounter() as queries:
                response = client.get(f"{url}&limit={limit}")
            assert response.status_code == 200, (url, response.status_code)
            out[label][limit] = len(queries)
    return out


# --- report ---------------------------------------------------------------------------------
def verdict(ok: bool | str) -> str:
    """PASS, FAIL, or a string: why the target is not judged here (another engine's)."""
    if isinstance(ok, str):
        return ok
    return "PASS" if ok else "FAIL"


def markdown(results: dict) -> str:
    lines = markdown_import(results) if "import" in results else []
    lines += [
        "| request | count | p50 ms | p95 ms | queries | bytes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, r in results["api"].items():
        count = "-" if r["count"] is None else f"{r['count']:,}"
        lines.append(
            f"| {label} | {count} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['queries']} "
            f"| {r['bytes']:,} |"
        )
    lines += ["", "| queries per list request | limit 10 | limit 50 | limit 100 |",
              "|---|---:|---:|---:|"]  # fmt: skip
    for label, by_limit in results["queries_by_page_size"].items():
        lines.append(f"| {label} | {by_limit[10]} | {by_limit[50]} | {by_limit[100]} |")
    lines.append("")
    lines += [f"- **{ok}** {label}" for label, ok in results["checks"]]
    return "\n".join(lines)


def markdown_import(results: dict) -> list[str]:
    g, first, again = results["generate"], results["import"], results["reimport"]
    return [
        "| step | figure |",
        "|---|---|",
        f"| register | {g['rows']:,} seats, {g['people']:,} people, {g['congresses']:,} "
        f"congresses ({', '.join(f'{k} {v:,}' for k, v in g['by_level'].items())}); "
        f"{g['posts']:,} posts, {g['ended']:,} ended seats |",
        f"| generate XLSX | {g['seconds']:.1f} s, {g['bytes'] / 1e6:.1f} MB |",
        f"| import | {first['seconds']:.1f} s ({first['cpu_s']:.1f} s CPU), "
        f"{first['rows_per_s']:,.0f} rows/s, peak RSS {first['peak_rss_mb']:,.0f} MB, "
        f"exit {first['exit_code']} |",
        f"| re-import (no change) | {again['seconds']:.1f} s ({again['cpu_s']:.1f} s CPU), "
        f"{again['rows_per_s']:,.0f} rows/s, peak RSS {again['peak_rss_mb']:,.0f} MB, "
        f"exit {again['exit_code']} |",
        f"| database after import | {results['database_bytes'] / 1e6:,.0f} MB |",
        "",
    ]


# --- main -------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: ~120,000 seats")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per URL")
    parser.add_argument("--xlsx", default="", help="where to write the register workbook")
    parser.add_argument("--profile", action="store_true", help="cProfile the first import")
    parser.add_argument(
        "--api-only", action="store_true",
        help="keep the database an earlier run imported; measure the API only",
    )  # fmt: skip
    args = parser.parse_args(argv)

    results = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "seed": args.seed,
        "load_before": common.loadavg(),
    }
    if not args.api_only:
        common.reset_database(args.database_url)
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
    setup_django(args)
    from django.db import connection

    engine = connection.vendor
    results["machine"] = common.machine()
    results["database"] = engine
    if args.api_only:
        print(f"API only, on the register already in {args.database_url}", flush=True)
        checks = []
    else:
        checks = build_and_import(args, results, engine)
        if checks is None:
            return 1

    print(f"API, in-process, {args.requests} timed requests each (cache off):", flush=True)
    results["api"] = measure_api(api_urls(), args.requests)
    base = "/api/v1/deputies/"
    results["queries_by_page_size"] = queries_by_page_size(
        {
            "list province": f"{base}?site=340000",
            "list Anqing": f"{base}?site={BIG_CITY}",
            "list Anqing q=zw": f"{base}?site={BIG_CITY}&q=zw",
            "list Feixi": f"{base}?site={COUNTY}",
        }
    )
    results["load_after"] = common.loadavg()

    constant = all(len(set(v.values())) == 1 for v in results["queries_by_page_size"].values())
    largest = results["api"][LARGEST_LIST]
    checks += [
        ("queries per list request constant in page size: "
         + "; ".join(f"{k} {sorted(set(v.values()))}"
                     for k, v in results["queries_by_page_size"].items()),
         constant),
        ("every API request answered 200",
         all(r["status"] == 200 for r in results["api"].values())),
        (f"largest site's list (安庆市, {largest['count'] or 0:,} deputies) p50 under "
         f"{TARGETS['largest_list_p50_ms']} ms at limit 20 ({engine}): "
         f"{largest['p50_ms']:.1f} ms",
         largest["p50_ms"] < TARGETS["largest_list_p50_ms"]
         if engine == "postgresql" else "n/a (target is for PostgreSQL)"),
    ]  # fmt: skip
    results["checks"] = [(label, verdict(ok)) for label, ok in checks]
    text = markdown(results)
    results["markdown"] = text
    print()
    print(text)
    print(
        "\nmachine: {nproc} cores, {cpu}; Python {python}, Django {django}, Wagtail {wagtail}".format(
            **results["machine"]
        )
        + f"; load average before/after: {results['load_before']} / {results['load_after']}"
    )
    path = RESULTS_FILE.format(engine=engine)
    Path(path).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))
    print(f"results: {path}")
    return 0 if all(ok is True or isinstance(ok, str) for _label, ok in checks) else 1


def build_and_import(args, results: dict, engine: str) -> list | None:
    """Steps 1-3; the checks of the import (``None`` when it failed)."""
    from fixtures import deputies_register as register

    xlsx = args.xlsx or f"/tmp/lianxi_bench_deputies-{args.seed}-{args.scale:g}.xlsx"
    print(f"building on {engine} ({args.database_url}) ...", flush=True)
    results["build"] = build(args)
    b = results["build"]
    print(
        f"built: migrate {b['migrate_s']:.1f} s, {b['sites']} sites {b['sites_s']:.1f} s, "
        f"{b['congresses']:,} congresses with terms and delegations {b['congresses_s']:.1f} s, "
        f"{b['stations']:,} stations",
        flush=True,
    )

    stats = register.write_register(xlsx, seed=args.seed, scale=args.scale)
    g = results["generate"] = {
        "rows": stats.rows, "people": stats.people, "congresses": stats.congresses,
        "by_level": stats.by_level, "posts": stats.posts, "ended": stats.ended,
        "seconds": stats.seconds, "bytes": stats.bytes, "path": stats.path,
    }  # fmt: skip
    print(
        f"generated {xlsx}: {g['rows']:,} seats of {g['people']:,} people in "
        f"{g['congresses']:,} congresses ({', '.join(f'{k} {v:,}' for k, v in g['by_level'].items())}), "
        f"{g['posts']:,} posts, {g['ended']:,} ended seats; {g['seconds']:.1f} s, "
        f"{g['bytes'] / 1e6:.1f} MB",
        flush=True,
    )

    print("importing (manage.py import_deputies) ...", flush=True)
    first = run_import(args, xlsx, 1, profile=args.profile)
    first["rows_per_s"] = g["rows"] / first["seconds"]
    results["import"] = first
    print(
        f"import: {first['seconds']:.1f} s ({first['cpu_s']:.1f} s CPU), "
        f"{first['rows_per_s']:,.0f} rows/s, peak RSS "
        f"{first['peak_rss_mb']:,.0f} MB, exit {first['exit_code']}",
        flush=True,
    )
    print("  " + "\n  ".join(first["output_tail"]), flush=True)
    if args.profile:
        results["profile"] = print_profile()
    if first["exit_code"] != 0:
        print(f"the import failed; see {first['log']}")
        return None
    before = fingerprint()
    results["after_import"] = before
    results["database_bytes"] = common.database_size()
    print(f"  rows: {before['counts']}; database {results['database_bytes'] / 1e6:,.0f} MB")

    print("importing the same file again ...", flush=True)
    again = run_import(args, xlsx, 2)
    again["rows_per_s"] = g["rows"] / again["seconds"]
    results["reimport"] = again
    after = fingerprint()
    print(
        f"re-import: {again['seconds']:.1f} s ({again['cpu_s']:.1f} s CPU), "
        f"{again['rows_per_s']:,.0f} rows/s, peak RSS "
        f"{again['peak_rss_mb']:,.0f} MB, exit {again['exit_code']}",
        flush=True,
    )
    print("  " + "\n  ".join(again["output_tail"]), flush=True)

    counts = before["counts"]
    return [
        (f"import of the whole register in under {TARGETS['import_seconds'] // 60} min "
         f"({engine}): {first['seconds']:.1f} s for {g['rows']:,} rows",
         first["seconds"] < TARGETS["import_seconds"]
         if engine == "sqlite" else "n/a (target is for SQLite)"),
        (f"every row imported: {counts['Membership']:,} seats of {counts['Person']:,} people "
         f"(generated {g['rows']:,} / {g['people']:,})",
         counts["Membership"] == g["rows"] and counts["Person"] == g["people"]),
        (f"re-import changes nothing (exit {again['exit_code']}, counts and latest update equal)",
         again["exit_code"] == 0 and after == before),
    ]  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
