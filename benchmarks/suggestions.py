#!/usr/bin/env python
"""Benchmark of the suggestions plugin: a provincial session and the year that follows.

    .venv/bin/python benchmarks/suggestions.py [--suggestions 8000] [--deputies 1000]
        [--database-url postgresql://postgres@127.0.0.1:5432/lianxi_bench_suggestions]
        [--requests 30] [--workflow-sample 200] [--reuse]

1. **Build**: a fresh throwaway database (``/tmp/lianxi_bench_suggestions.sqlite3`` or
   ``--database-url``: PostgreSQL databases named ``lianxi_bench…`` or ``lianxi_stats…``
   only, dropped and created again), ``migrate``, the demo group's sites without content
   (province, 16 cities, Hefei's nine counties), 60 provincial handling units and 20 per
   city, ``--deputies`` deputies' accounts.
2. **The session**: ``--suggestions`` suggestions submitted to the province within three
   days, a year ago (plus ``--local`` per city and county site, for the roll-up), then the
   year, bulk-inserted as the workflow would leave them: intake (accepted, a few returned
   or withdrawn), assignment ten working days after the session (a lead unit, a third with
   a co-handling unit; reply clocks from ``cms.services.deadlines``), replies over the
   following months (most on time, some late, a few never: overdue now), the deputies'
   ratings, re-handling after a 不满意 and its second reply, closing. Every state change
   is a ``Transition`` row, as the workflow writes it.
3. **The real path**: ``--workflow-sample`` further suggestions taken through
   ``plugins.suggestions.workflow`` (submit, accept, assign, reply, rate, re-handle, reply,
   rate, close); any exception is an error.
4. **Measure** (in-process, Django test client, the API cache off; ``--requests`` times
   each after one warm-up): the office board (议案建议 list) and its state filter, the
   statistics page at province scope, the public statistics API at province and county
   scope (the figures are kept in the cache until the data change: these are the answers
   between two changes), the figures computed without any cache (what the first request
   after a change costs), and the duplicate check of one provincial item against the
   whole group.
   ``--reuse`` measures again on the last run's database (after a change of the code).
5. Prints the figures and PASS/FAIL: board and province statistics p95 < 200 ms (on
   PostgreSQL), no error in the year. Writes them to
   ``/tmp/lianxi_bench_suggestions_results-<engine>.json``. Benchmark only: never run by
   the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/lianxi_bench_suggestions.sqlite3"
MEDIA_ROOT = "/tmp/lianxi_bench_suggestions_media"
STATIC_ROOT = "/tmp/lianxi_bench_static"
RESULTS_FILE = "/tmp/lianxi_bench_suggestions_results-{engine}.json"
TARGET_P95_MS = 200
PROVINCE = "340000"
COUNTY = "340123"
SESSION = "安徽省第十四届人民代表大会第三次会议"

TOPICS = ("乡村道路", "农村公交", "乡村教师", "校外培训", "河道保洁", "养老服务", "农贸市场",
          "加装电梯", "停车设施", "饮水安全", "秸秆利用", "乡村医生", "小型水库", "充电设施",
          "食品安全", "职业教育", "中小企业融资", "营商环境", "文物保护", "社区治理")  # fmt: skip
VERBS = ("加快", "完善", "加强", "规范", "推进", "支持", "保障", "优化")
PLACES = ("皖北地区", "大别山区", "沿江城市", "皖南山区", "江淮丘陵", "城乡结合部", "老旧小区")
CATEGORIES = ("economy", "agriculture", "transport", "education", "health", "environment",
              "social", "governance", "other")  # fmt: skip


# --- environment -------------------------------------------------------------------------
def setup_django(args) -> None:
    common.setup_django(args.database_url, MEDIA_ROOT, STATIC_ROOT)


def reset_database(url: str) -> None:
    """``common.reset_database``, also for this helper's own ``lianxi_stats…`` databases."""
    name = url.rpartition("/")[2].split("?", 1)[0]
    if url.startswith(("postgres://", "postgresql://")) and re.fullmatch(r"lianxi_stats\w*", name):
        import psycopg

        with psycopg.connect(f"{url.rpartition('/')[0]}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return
    common.reset_database(url)


# --- build -------------------------------------------------------------------------------
def provision_sites() -> dict:
    from cms.sitegroup.provisioning import grant_tree_root_access

    profiles = common.provision_demo_sites()
    grant_tree_root_access(profiles[PROVINCE])
    return profiles


def build_people(profiles: dict, deputies: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from cms.accounts.models import HandlingUnit

    User = get_user_model()
    password = make_password("bench-pw-lianxi")
    User.objects.bulk_create(
        [User(username=f"deputy{i:04d}", first_name=f"代表{i:04d}", password=password)
         for i in range(deputies)], batch_size=1000,
    )  # fmt: skip
    units = []
    for code, profile in profiles.items():
        n = 60 if code == PROVINCE else 20 if profile.level == "city" else 12
        units += [HandlingUnit(site=profile.site, name=f"{profile.region_name}第{k + 1:02d}承办单位")
                  for k in range(n)]  # fmt: skip
    HandlingUnit.objects.bulk_create(units, batch_size=1000)
    office = User.objects.create_user("province_office", password="bench-pw-lianxi")
    office.groups.add(profiles[PROVINCE].editors_group)
    return {"office": office, "deputies": list(User.objects.filter(username__startswith="deputy"))}


def _text(rng) -> tuple[str, str, str]:
    topic, verb, place = rng.choice(TOPICS), rng.choice(VERBS), rng.choice(PLACES)
    title = f"关于{verb}{place}{topic}工作的建议"
    text = (f"{place}{topic}方面仍有不少困难,群众反映较多。建议{verb}相关政策,"
            f"明确责任单位和完成时限,加大资金投入,定期向代表通报进展。") * 3  # fmt: skip
    return title, text, rng.choice(CATEGORIES)


def simulate_year(profiles: dict, people: dict, args) -> dict:
    """The session and its year, bulk-inserted; returns the counts of each outcome."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from cms.accounts.models import HandlingUnit
    from cms.services import deadlines
    from plugins.suggestions import similarity
    from plugins.suggestions.models import Assignment, Rating, State, Suggestion, Transition

    rng = random.Random(20260301)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    opened = today - dt.timedelta(days=365)  # the session opened a year ago
    ct = ContentType.objects.get_for_model(Suggestion)
    deputies, office = people["deputies"], people["office"]

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=tz)

    # Where the suggestions go: the province's session, and some local ones for the roll-up.
    targets = [(profiles[PROVINCE], args.suggestions)]
    targets += [(p, args.local) for code, p in profiles.items() if code != PROVINCE]
    counts = dict.fromkeys(("suggestions", "returned", "withdrawn", "assigned", "on_time", "late",
                            "open", "rehandled", "closed", "ratings", "transitions"), 0)  # fmt: skip
    started = time.perf_counter()
    for profile, n in targets:
        if n <= 0:
            continue
        site = profile.site
        units = list(HandlingUnit.objects.filter(site=site).order_by("pk"))
        assign_on = deadlines.due_date("suggestion.assign", opened + dt.timedelta(days=4), site)
        reply_due = deadlines.due_date("suggestion.reply", assign_on, site)
        plan = []
        with transaction.atomic():
            rows = []
            for _ in range(n):
                title, text, category = _text(rng)
                author = deputies[rng.randrange(len(deputies))]
                submitted = at(opened + dt.timedelta(days=rng.randrange(3)), 9 + rng.randrange(9))
                rows.append(Suggestion(
                    site=site, title=title, text=text, category=category, session=SESSION,
                    period="session", author=author, deputy_ref="", deputy_name=author.first_name,
                    submitted_at=submitted, state=State.SUBMITTED,
                    fingerprint=similarity.fingerprint(title, text),  # save() is not called
                ))  # fmt: skip
            made = Suggestion.objects.bulk_create(rows, batch_size=2000)
            counts["suggestions"] += len(made)
            transitions, assignments, clocks, ratings = [], [], [], []

            def move(s, frm, to, when, note, actor=None, transitions=transitions):
                transitions.append(Transition(suggestion=s, at=when, actor=actor,
                                              actor_name=(actor.first_name if actor else "系统"),
                                              from_state=frm, to_state=to, note=note))  # fmt: skip

            for s in made:
                move(s, "", State.DRAFT, s.submitted_at, "代表起草", s.author)
                move(s, State.DRAFT, State.SUBMITTED, s.submitted_at, "", s.author)
                roll = rng.random()
                if roll < 0.02:
                    s.state = State.WITHDRAWN
                    move(s, State.SUBMITTED, State.WITHDRAWN, at(opened + dt.timedelta(days=5)),
                         "领衔代表撤回", s.author)  # fmt: skip
                    counts["withdrawn"] += 1
                    continue
                if roll < 0.05:
                    s.state, s.return_reason = State.RETURNED, "不属于代表建议的范围"
                    move(s, State.SUBMITTED, State.RETURNED, at(opened + dt.timedelta(days=8)),
                         s.return_reason, office)  # fmt: skip
                    counts["returned"] += 1
                    continue
                move(s, State.SUBMITTED, State.ACCEPTED, at(opened + dt.timedelta(days=8)),
                     "审查通过,予以立案", office)  # fmt: skip
                s.assigned_on = assign_on
                move(s, State.ACCEPTED, State.ASSIGNED, at(assign_on), "交办", office)
                counts["assigned"] += 1
                lead = units[rng.randrange(len(units))]
                assignments.append(Assignment(suggestion=s, unit=lead, role="lead",
                                              due_on=reply_due, assigned_at=at(assign_on)))  # fmt: skip
                if rng.random() < 0.33:
                    co = units[rng.randrange(len(units))]
                    if co.pk != lead.pk:
                        assignments.append(Assignment(
                            suggestion=s, unit=co, role="co", assigned_at=at(assign_on),
                            due_on=assign_on + dt.timedelta(days=30),
                        ))  # fmt: skip
                outcome = rng.random()
                clock = deadlines.Deadline(
                    content_type=ct, object_id=str(s.pk), site=site, rule="suggestion.reply",
                    started_on=assign_on, started_at=at(assign_on), amount=3, unit="months",
                    max_amount=6, reminders=["due_soon", "overdue"], due_on=reply_due,
                )  # fmt: skip
                clocks.append(clock)
                if outcome < 0.03:  # never replied: overdue today
                    s.state = State.ASSIGNED
                    counts["open"] += 1
                    continue
                late = outcome < 0.10
                replied_on = reply_due + dt.timedelta(days=rng.randrange(1, 40)) if late else \
                    assign_on + dt.timedelta(days=rng.randrange(20, (reply_due - assign_on).days))  # fmt: skip
                counts["late" if late else "on_time"] += 1
                clock.stopped_at = at(replied_on, 16)
                s.round, s.replied_at = 1, at(replied_on, 16)
                s.reply_class = rng.choices("ABCD", weights=(40, 35, 20, 5))[0]
                s.reply_text, s.reply_signed_by = "已研究办理,答复如下。", "单位负责人"
                move(s, State.ASSIGNED, State.REPLIED, s.replied_at, f"答复({s.reply_class}类)")
                result = rng.choices(("satisfied", "basically", "unsatisfied"), (70, 22, 8))[0]
                rated_at = at(replied_on + dt.timedelta(days=rng.randrange(3, 25)))
                ratings.append(Rating(suggestion=s, user=s.author, deputy_name=s.deputy_name,
                                      round=1, result=result))  # fmt: skip
                if result == "unsatisfied":
                    counts["rehandled"] += 1
                    move(s, State.REPLIED, State.REHANDLING, rated_at, "不满意", s.author)
                    again = rated_at.date() + dt.timedelta(days=rng.randrange(10, 30))
                    clocks.append(deadlines.Deadline(
                        content_type=ct, object_id=str(s.pk), site=site,
                        rule="suggestion.rehandling", started_on=rated_at.date(), started_at=rated_at,
                        amount=1, unit="months", max_amount=2, reminders=["due_soon", "overdue"],
                        due_on=deadlines.due_date("suggestion.rehandling", rated_at.date(), site),
                        stopped_at=at(again, 16),
                    ))  # fmt: skip
                    s.round, s.replied_at = 2, at(again, 16)
                    move(s, State.REHANDLING, State.REPLIED, s.replied_at, "再次答复")
                    ratings.append(Rating(suggestion=s, user=s.author, deputy_name=s.deputy_name,
                                          round=2, result="basically"))  # fmt: skip
                    rated_at = at(again + dt.timedelta(days=5))
                move(s, State.REPLIED, State.RATED, rated_at, "评价", s.author)
                s.state = State.RATED
                if rng.random() < 0.8:
                    s.state = State.CLOSED
                    move(s, State.RATED, State.CLOSED, rated_at + dt.timedelta(days=7), "办结",
                         office)  # fmt: skip
                    counts["closed"] += 1
                plan.append(s)
            for s in made:
                if s.state == State.SUBMITTED:  # not returned nor withdrawn, not set above
                    s.state = State.ASSIGNED
            Suggestion.objects.bulk_update(
                made, ["state", "return_reason", "assigned_on", "round", "replied_at", "reply_class",
                       "reply_text", "reply_signed_by"], batch_size=2000,
            )  # fmt: skip
            Assignment.objects.bulk_create(assignments, batch_size=2000)
            deadlines.Deadline.objects.bulk_create(clocks, batch_size=2000)
            Rating.objects.bulk_create(ratings, batch_size=2000)
            Transition.objects.bulk_create(transitions, batch_size=5000)
            counts["ratings"] += len(ratings)
            counts["transitions"] += len(transitions)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def real_path(profiles: dict, people: dict, n: int) -> dict:
    """``n`` suggestions through the workflow itself; every exception is an error."""
    from cms.accounts.models import HandlingUnit
    from plugins.suggestions import workflow
    from plugins.suggestions.models import Suggestion

    rng = random.Random(7)
    profile = profiles[COUNTY]
    units = list(HandlingUnit.objects.filter(site=profile.site)[:5])
    office, errors, done = people["office"], [], 0
    started = time.perf_counter()
    for i in range(n):
        author = people["deputies"][i]
        try:
            title, text, category = _text(rng)
            s = Suggestion.objects.create(site=profile.site, title=title, text=text, author=author,
                                          deputy_name=author.first_name, session=SESSION)  # fmt: skip
            workflow.move_created(s, author)
            workflow.submit(s, author)
            workflow.accept(s, office, category)
            workflow.assign(s, office, units[i % len(units)], [units[(i + 1) % len(units)]])
            cls = "ABCD"[i % 4]  # a B or C reply carries its promise, confirmed before closing
            promise = {"commitment": "列入年度计划", "commitment_due": dt.date.today()
                       + dt.timedelta(days=90)} if cls in "BC" else {}  # fmt: skip
            workflow.reply(s, None, reply_class=cls, text="答复。", signed_by="负责人", **promise)
            if i % 5 == 0:
                workflow.rate(s, author, "unsatisfied", "未解决")
                workflow.reply(s, None, reply_class="A", text="再次答复。", signed_by="负责人")
            workflow.rate(s, author, "satisfied")
            if s.commitment_open:
                workflow.confirm_commitment(s, office, "已按承诺落实")
            workflow.close(s, office)
            done += 1
        except Exception:  # noqa: BLE001 (counted and shown: the benchmark's verdict)
            errors.append(traceback.format_exc(limit=3))
    seconds = time.perf_counter() - started
    return {"items": n, "completed": done, "errors": len(errors), "first_error": errors[:1],
            "seconds": round(seconds, 1), "ms_per_item": round(seconds * 1000 / max(n, 1), 1)}  # fmt: skip


# --- measure -----------------------------------------------------------------------------
def measure(urls: dict[str, str], user, requests: int) -> dict:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return common.measure_urls(client, urls, requests)


def measure_duplicates(profiles: dict, requests: int) -> dict:
    from plugins.suggestions import duplicates
    from plugins.suggestions.models import Suggestion

    item = Suggestion.objects.filter(site=profiles[PROVINCE].site).order_by("pk").first()
    times, found = [], []
    for _ in range(max(5, requests // 3)):
        t0 = time.perf_counter()
        found = duplicates.likely_duplicates(item)
        times.append((time.perf_counter() - t0) * 1000)
    return {"p50_ms": round(common.pct(times, 50), 1), "p95_ms": round(common.pct(times, 95), 1),
            "matches": len(found)}  # fmt: skip


def measure_compute(profiles: dict, requests: int) -> dict:
    """The figures computed without the cache (what the first request after a change costs)."""
    from plugins.suggestions import stats

    out = {}
    for code in (PROVINCE, COUNTY):
        profile = profiles[code]
        scope = stats.scope_profiles(profile)
        times = []
        for _ in range(max(5, requests // 3)):
            t0 = time.perf_counter()
            stats._statistics(profile, scope, False, {}, "name")
            times.append((time.perf_counter() - t0) * 1000)
        out[code] = {"p50_ms": round(common.pct(times, 50), 1),
                     "p95_ms": round(common.pct(times, 95), 1)}  # fmt: skip
        print(f"  statistics computed, no cache ({code})          p50 {out[code]['p50_ms']:7.1f} ms  "
              f"p95 {out[code]['p95_ms']:7.1f} ms", flush=True)  # fmt: skip
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--suggestions", type=int, default=8000)
    parser.add_argument("--deputies", type=int, default=1000)
    parser.add_argument("--local", type=int, default=100,
                        help="suggestions per city and county site (the roll-up)")  # fmt: skip
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workflow-sample", type=int, default=200)
    parser.add_argument("--reuse", action="store_true",
                        help="measure again on the database of the last run (no build)")  # fmt: skip
    args = parser.parse_args(argv)

    if not args.reuse:
        reset_database(args.database_url)
    setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    engine = connection.vendor
    print(f"database: {engine}; load {common.loadavg()}", flush=True)
    if args.reuse:
        from django.contrib.auth import get_user_model

        from cms.sitegroup.models import SiteProfile

        call_command("migrate", verbosity=0, interactive=False)
        profiles = {p.division_code: p for p in SiteProfile.objects.select_related("site")}
        users = get_user_model().objects
        people = {"office": users.get(username="province_office"),
                  "deputies": list(users.filter(username__startswith="deputy"))}  # fmt: skip
        year = {"suggestions": 0, "reused": True}
        sample = {"items": 0, "completed": 0, "errors": 0, "first_error": []}
    else:
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - t0
        profiles = provision_sites()
        people = build_people(profiles, args.deputies)
        print(f"built: {len(profiles)} sites, {args.deputies} deputies ({migrate_s:.0f} s migrate)",
              flush=True)  # fmt: skip
        year = simulate_year(profiles, people, args)
        print(f"the year: {json.dumps(year, ensure_ascii=False)}", flush=True)
        sample = real_path(profiles, people, args.workflow_sample)
    print(f"real path: {json.dumps({k: v for k, v in sample.items() if k != 'first_error'})}",
          flush=True)  # fmt: skip
    for error in sample["first_error"]:
        print(error, file=sys.stderr)
    if engine == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")

    board = "/admin/suggestions/suggestion/"
    stats_page = "/admin/suggestions/statistics/"
    api = "/api/v1/suggestions/statistics/"
    urls = {
        "office board (province, all sites)": board,
        "office board, state=assigned": f"{board}?state=assigned",
        "office board, page 20": f"{board}?p=20",
        "statistics page (province scope)": f"{stats_page}?site={PROVINCE}",
        "statistics page, session filter": f"{stats_page}?site={PROVINCE}&session={SESSION}",
        "statistics page, sorted by on-time": f"{stats_page}?site={PROVINCE}&sort=on_time",
        "public statistics API (province)": f"{api}?site={PROVINCE}",
        "public statistics API (county)": f"{api}?site={COUNTY}",
    }
    print("requests:", flush=True)
    results = measure(urls, people["office"], args.requests)
    compute = measure_compute(profiles, args.requests)
    dup = measure_duplicates(profiles, args.requests)
    print(f"  duplicate check of one provincial item      p50 {dup['p50_ms']:7.1f} ms  "
          f"p95 {dup['p95_ms']:7.1f} ms  {dup['matches']} matches", flush=True)  # fmt: skip

    checks = {
        "year without an error": sample["errors"] == 0 and (args.reuse or year["suggestions"] > 0),
        "every page answered 200": all(r["status"] == 200 for r in results.values()),
    }
    slow = {k: r["p95_ms"] for k, r in results.items() if r["p95_ms"] >= TARGET_P95_MS}
    checks[f"board and statistics p95 < {TARGET_P95_MS} ms"] = not slow
    print("verdict:")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if slow:
        print(f"  slow: {slow}")
    if engine != "postgresql":
        print("  (the latency target is for PostgreSQL; this run is on", engine + ")")
    out = {"machine": common.machine(load=common.loadavg()), "args": vars(args), "year": year,
           "real_path": sample, "requests": results, "computed": compute, "duplicates": dup,
           "checks": checks}  # fmt: skip
    Path(RESULTS_FILE.format(engine=engine)).write_text(json.dumps(out, ensure_ascii=False,
                                                                   indent=2, default=str))  # fmt: skip
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
