#!/usr/bin/env python
"""Benchmark of 委员联系代表's coverage figures (the liaison plugin) at province scope.

    .venv/bin/python benchmarks/liaison_committee.py [--members 60] [--deputies-per-member 10]
        [--contacts 3] [--database-url postgresql://postgres@127.0.0.1:5432/lianxi_bench_committee]
        [--requests 20]

1. **Build**: a fresh throwaway database (``/tmp/lianxi_bench_committee.sqlite3`` or
   ``--database-url``: PostgreSQL databases named ``lianxi_bench…`` only, dropped and
   created again), ``migrate``, the demo group's sites (province, 16 cities, Hefei's
   counties); on every site ``--members`` committee members, each assigned
   ``--deputies-per-member`` deputies, and up to ``--contacts`` contacts per assignment
   over the year (a quarter of the assignments none), bulk-inserted.
2. **Measure** ``committee_coverage.coverage`` at province scope over every site
   (``--requests`` times after one warm-up): the figures the admin screen and the API
   give, counted in SQL. ``--reuse`` measures again on the last run's database.
3. Prints the figures and PASS/FAIL: p95 < 200 ms. Benchmark only: never run by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/lianxi_bench_committee.sqlite3"
MEDIA_ROOT = "/tmp/lianxi_bench_committee_media"
STATIC_ROOT = "/tmp/lianxi_bench_static"
TARGET_P95_MS = 200
PROVINCE = "340000"


def build(args) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from plugins.liaison.committee import Assignment, CommitteeMember, Contact

    call_command("migrate", verbosity=0)
    profiles = list(common.provision_demo_sites().values())
    User = get_user_model()
    rng = random.Random(7)
    today = dt.date.today()
    start = dt.date(today.year, 1, 1)
    span = max((today - start).days, 1)
    users = User.objects.bulk_create(
        [User(username=f"member{p.division_code}_{i}", password="!")
         for p in profiles for i in range(args.members)], batch_size=2000,
    )  # fmt: skip
    members = CommitteeMember.objects.bulk_create(
        [CommitteeMember(site_id=p.site_id, user=users[k * args.members + i], name=f"委员{i:03d}",
                         term="本届") for k, p in enumerate(profiles) for i in range(args.members)],
        batch_size=2000,
    )  # fmt: skip
    assignments = Assignment.objects.bulk_create(
        [Assignment(site_id=m.site_id, member=m, deputy_ref=str(m.pk * 100 + j),
                    deputy_name=f"代表{j}", assigned_on=start)
         for m in members for j in range(args.deputies_per_member)], batch_size=5000,
    )  # fmt: skip
    contacts = []
    for a in assignments:
        n = 0 if rng.random() < 0.25 else rng.randint(1, args.contacts)
        contacts += [Contact(site_id=a.site_id, assignment=a, kind="visit",
                             date=start + dt.timedelta(days=rng.randrange(span)))
                     for _ in range(n)]  # fmt: skip
    Contact.objects.bulk_create(contacts, batch_size=5000)
    return {"sites": len(profiles), "members": len(members), "assignments": len(assignments),
            "contacts": len(contacts)}  # fmt: skip


def measure(args) -> list[float]:
    from cms.sitegroup.models import SiteProfile
    from cms.wsgi import settle
    from plugins.liaison import committee_coverage

    settle()  # as each server process does after start-up
    scope = SiteProfile.objects.get(division_code=PROVINCE)
    allowed = set(SiteProfile.objects.values_list("site_id", flat=True))
    committee_coverage.coverage(scope, allowed=allowed)  # warm-up
    times = []
    for _ in range(args.requests):
        began = time.perf_counter()
        committee_coverage.coverage(scope, allowed=allowed)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--members", type=int, default=60, help="committee members per site")
    parser.add_argument("--deputies-per-member", type=int, default=10)
    parser.add_argument("--contacts", type=int, default=3, help="most contacts per assignment")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--reuse", action="store_true", help="measure the last run's database again"
    )
    args = parser.parse_args()
    if not args.reuse:
        common.reset_database(args.database_url)
    os.environ.update(common.base_env(args.database_url, MEDIA_ROOT, STATIC_ROOT,
                                      LIANXI_API_CACHE_ENABLED="0",
                                      LIANXI_TASK_BACKEND="immediate"))  # fmt: skip
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()
    from django.db import connection

    if not args.reuse:
        began = time.perf_counter()
        sizes = build(args)
        print(f"built in {time.perf_counter() - began:.0f} s: {sizes}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics after the bulk insert
    times = measure(args)
    p50, p95 = common.pct(times, 50), common.pct(times, 95)
    verdict = "PASS" if p95 < TARGET_P95_MS else "FAIL"
    print(f"coverage at province scope ({connection.vendor}): p50 {p50:.1f} ms, "
          f"p95 {p95:.1f} ms (target < {TARGET_P95_MS} ms) {verdict}")  # fmt: skip
    print(f"machine: {common.machine()} load {common.loadavg()}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
