#!/usr/bin/env python
"""Benchmark of the evaluation plugin: a full inspection of a province's site group.

    .venv/bin/python benchmarks/evaluation.py [--sites 126] [--pages 100000]
        [--hosts 16] [--urls-per-host 150] [--host-interval 1.0] [--requests 30]
        [--database-url postgresql://postgres@127.0.0.1:5432/lianxi_bench_evaluation]
        [--second-run] [--reuse]

1. **Build**: a fresh throwaway database (``/tmp/lianxi_bench_evaluation.sqlite3`` or
   ``--database-url``: a PostgreSQL database named ``lianxi_bench…``, dropped and created
   again), ``migrate``, ``--sites`` sites (the demo group's 26 with their real codes, then
   generated counties under the other cities), and ``--pages`` articles bulk-inserted
   over their standard columns (as ``benchmarks/api.py`` builds its corpus, in bulk):
   first publications spread over two years with most news columns fresh, a few stale
   sites, some items without a date or re-dated, bodies of Chinese text with a link to
   another page of the site and, on two pages in five, an outbound link to one of
   ``--hosts`` web servers on 127.0.0.1 (``--urls-per-host`` addresses each; one in
   twenty answers 404, a few point at a closed port). Two words are added to the word
   list after the content exists (the re-scan finds them).
2. **Inspect** every site as the nightly run does (``plugins.evaluation.inspect.run``),
   link checks included at the plugin's politeness (one request at a time per host,
   ``--host-interval`` seconds apart; the plugin's default is 1 s), against the local
   servers (a separate process; ``LIANXI_FETCH_ALLOWED_NETWORKS=127.0.0.1`` stands in
   for the public web). Timed per stage; peak memory. ``--second-run`` inspects again
   (the nightly steady state: working links trusted, broken ones asked again).
3. **Measure** (in-process, Django test client, logged in as the province's editor,
   ``--requests`` times after one warm-up): the province's view (every site), a city's
   scope, the worst site's page, the plugin's panel of the staff home screen
   rendered alone, and the whole home screen (the core cockpit's columns over every
   site; no target here).
4. Prints the figures and PASS/FAIL: the full inspection < 10 minutes, the province's
   view p95 < 200 ms. Writes ``/tmp/lianxi_bench_evaluation_results-<engine>.json``.
   Benchmark only: never run by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/lianxi_bench_evaluation.sqlite3"
MEDIA_ROOT = "/tmp/lianxi_bench_evaluation_media"
STATIC_ROOT = "/tmp/lianxi_bench_static"
RESULTS_FILE = "/tmp/lianxi_bench_evaluation_results-{engine}.json"
TARGET_INSPECTION_S = 600
TARGET_P95_MS = 200
PROVINCE, HEFEI = "340000", "340100"
WORDS = (("演示敏感词", "sensitive", ""), ("联洛站", "wrong", "联络站"))
PHRASES = ("常委会组成人员深入基层开展调研", "听取和审议专项工作报告", "代表联络站接待选民",
           "推进民生实事项目落实", "开展执法检查", "加强预算联网监督", "完善代表建议办理机制",
           "召开主任会议研究部署", "征求社会各界意见建议", "依法履行监督职责")  # fmt: skip

SERVER = r"""
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_GET(self):
        gone = self.path.endswith("-gone.html")
        body = b"<html><body>page</body></html>"
        self.send_response(404 if gone else 200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

class Server(ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):
        pass  # a link check closes the connection without reading the body: expected

servers = [Server(("127.0.0.1", 0), Handler) for _ in range(int(sys.argv[1]))]
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print(" ".join(str(s.server_address[1]) for s in servers), flush=True)
sys.stdin.read()
"""


def setup_django(args) -> None:
    common.setup_django(args.database_url, MEDIA_ROOT, STATIC_ROOT,
                        LIANXI_FETCH_ALLOWED_NETWORKS="127.0.0.1/32")  # fmt: skip


# --- build -------------------------------------------------------------------------------
def site_specs(count: int) -> list:
    """The demo group's regions, then generated counties under the other cities."""
    from cms.sitegroup.provisioning import SiteSpec
    from fixtures import anhui

    specs = [SiteSpec(division_code=r.code, name=r.site_name, region_name=r.region_name,
                      short_name=r.short_name, english_name=r.english_name,
                      parent_code=r.parent_code, is_default_site=r.parent_code is None)
             for r in anhui.all_regions()]  # fmt: skip
    cities = [c for c in anhui.CITIES if c.code != HEFEI]
    n = 0
    while len(specs) < count:
        city = cities[n % len(cities)]
        number = 21 + n // len(cities)
        name = f"{city.short_name}第{number - 20}县"
        specs.append(SiteSpec(division_code=f"{city.code[:4]}{number:02d}", name=f"{name}人大常委会",
                              region_name=name, short_name=name, parent_code=city.code))  # fmt: skip
        n += 1
    return specs[:count]


def provision(count: int) -> list:
    from cms.sitegroup.models import SiteProfile
    from cms.sitegroup.provisioning import (
        grant_descendant_access,
        grant_tree_root_access,
        provision_site,
    )

    for spec in site_specs(count):
        provision_site(spec)
    profiles = list(SiteProfile.objects.select_related("site__root_page", "parent").order_by("pk"))
    by_code = {p.division_code: p for p in profiles}
    grant_tree_root_access(by_code[PROVINCE])
    grant_descendant_access(by_code[HEFEI])
    return profiles


def _body(rng, title: str, links: list[str]) -> list[dict]:
    paragraphs = []
    for _ in range(rng.randint(2, 4)):
        text = ",".join(rng.choice(PHRASES) for _ in range(rng.randint(4, 8))) + "。"
        paragraphs.append(f"<p>{title}。{text}</p>")
    if links:
        paragraphs.append("<p>相关链接:" + "".join(links) + "</p>")
    return [{"type": "paragraph", "value": p, "id": str(uuid.UUID(int=rng.getrandbits(128)))}
            for p in paragraphs]  # fmt: skip


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_pages(profiles: list, args, ports: list[int]) -> dict:
    """``args.pages`` articles over every site's columns, inserted in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone
    from wagtail.models import Locale, Page

    from cms.content import listing
    from cms.content.models import ArticlePage, ColumnPage

    rng = random.Random(20261130)
    now = timezone.now()
    article_ct = ContentType.objects.get_for_model(ArticlePage)
    locale = Locale.get_default()
    closed = _closed_port()
    fields = [f for f in ArticlePage._meta.local_concrete_fields]
    per_site = args.pages // len(profiles)
    extra = args.pages - per_site * len(profiles)
    counts = {"pages": 0, "outbound_links": 0, "undated": 0, "redated": 0, "stale_sites": 0,
              "word_pages": 0}  # fmt: skip
    for index, profile in enumerate(profiles):
        columns = [c for c in ColumnPage.objects.child_of(profile.site.root_page).order_by("path")
                   if c.slug != "townships"]  # fmt: skip
        stale_site = index % 10 == 3  # one site in ten has let its columns go
        counts["stale_sites"] += stale_site
        n = per_site + (1 if index < extra else 0)
        pages, children = [], []
        next_step = {c.pk: c.numchild for c in columns}
        for k in range(n):
            column = columns[0] if rng.random() < 0.35 else rng.choice(columns)
            next_step[column.pk] += 1
            fresh = column.slug == "news" and k < 30 and not stale_site
            days = rng.randint(0, 3) if fresh else rng.randint(20 if stale_site else 4, 720)
            first = now - dt.timedelta(days=days, minutes=rng.randint(0, 600))
            date = timezone.localtime(first).date()
            roll = rng.random()
            if roll < 0.003:
                date = None
                counts["undated"] += 1
            elif roll < 0.0035:
                date = timezone.localdate()
                counts["redated"] += 1
            title = f"{profile.short_name}{rng.choice(PHRASES)}({k + 1})"
            if rng.random() < 0.0005:
                title += "(含演示敏感词)" if rng.random() < 0.5 else "(在联洛站)"
                counts["word_pages"] += 1
            links = [f'<a linktype="page" id="{column.pk}">{column.title}</a>']
            if rng.random() < 0.4:
                host = ports[rng.randrange(len(ports))]
                path = rng.randrange(args.urls_per_host)
                suffix = "-gone" if path % 20 == 7 else ""
                port = closed if path == 11 and host == ports[0] else host
                links.append(f'<a href="http://127.0.0.1:{port}/p{path}{suffix}.html">外部链接</a>')
                counts["outbound_links"] += 1
            slug = f"bench-{k:05d}"
            page = Page(
                path=Page._get_path(column.path, column.depth + 1, next_step[column.pk]),
                depth=column.depth + 1, numchild=0, title=title, draft_title=title, slug=slug,
                content_type=article_ct, live=True, has_unpublished_changes=False,
                first_published_at=first, last_published_at=first, latest_revision_created_at=first,
                url_path=f"{column.url_path}{slug}/", locale=locale, translation_key=uuid.uuid4(),
            )  # fmt: skip
            pages.append(page)
            children.append((date, title, links))
        with transaction.atomic():
            created = Page.objects.bulk_create(pages, batch_size=500)
            rows = []
            for page, (date, title, links) in zip(created, children, strict=True):
                child = ArticlePage(page_ptr_id=page.pk, date=date, summary=title[:60],
                                    confidentiality="public", source="本站",
                                    body=_body(rng, title, links))  # fmt: skip
                rows.append(child)
            for start in range(0, len(rows), 200):
                ArticlePage.objects._insert(rows[start : start + 200], fields=fields)
            for column in columns:
                Page.objects.filter(pk=column.pk).update(numchild=next_step[column.pk])
        listing.sync(page.pk for page in created)  # bulk inserts fire no signals
        counts["pages"] += len(created)
        if (index + 1) % 20 == 0:
            print(f"  pages: {counts['pages']:,} on {index + 1} sites", flush=True)
    return counts


def add_words() -> None:
    from cms.review.models import SensitiveWord

    for word, kind, replacement in WORDS:
        SensitiveWord.objects.get_or_create(word=word, site=None,
                                            defaults={"kind": kind, "replacement": replacement})  # fmt: skip


def start_servers(count: int) -> tuple[subprocess.Popen, list[int]]:
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(count)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    ports = sorted(int(p) for p in proc.stdout.readline().split())
    return proc, ports


# --- inspect and measure -------------------------------------------------------------------
def inspect_all(args) -> dict:
    from django.apps import apps

    from plugins.evaluation import inspect
    from plugins.evaluation.models import Finding, InspectionRun, Trigger

    config = apps.get_app_config("evaluation").plugin_settings
    config["LINK_HOST_INTERVAL"] = args.host_interval
    stages: dict[str, float] = {}
    started = time.perf_counter()
    last = {"stage": None}

    def progress(stage, done, total):
        if stage != last["stage"]:
            stages[stage] = time.perf_counter()
            last["stage"] = stage
            print(f"  {stage} …", flush=True)

    run = inspect.run(trigger=Trigger.COMMAND, progress=progress)
    total = time.perf_counter() - started
    marks = sorted(stages.items(), key=lambda kv: kv[1]) + [("end", started + total)]
    per_stage = {name: round(marks[i + 1][1] - at, 1) for i, (name, at) in enumerate(marks[:-1])}
    results = list(run.results.all())
    figures = {
        "seconds": round(total, 1), "stages_s": per_stage, "sites": len(results),
        "links_checked": run.links_checked, "findings": Finding.objects.filter(inspection__run=run).count(),
        "vetoed": sum(r.vetoed for r in results), "passed": sum(r.passed for r in results),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "runs": InspectionRun.objects.count(),
    }  # fmt: skip
    print(f"  inspection: {json.dumps(figures, ensure_ascii=False)}", flush=True)
    return figures


def measure(requests: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from cms.sitegroup.models import SiteProfile
    from plugins.evaluation.models import SiteInspection

    User = get_user_model()
    province = SiteProfile.objects.get(division_code=PROVINCE)
    user, _ = User.objects.get_or_create(username="bench_province")
    user.groups.add(province.editors_group)
    worst = (SiteInspection.objects.filter(is_latest=True).order_by("-vetoed", "score")
             .select_related("site__profile").first())  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    urls = {
        "province's view (every site)": "/admin/evaluation/",
        "a city over its counties": f"/admin/evaluation/?scope={HEFEI}",
        "the worst site's page": f"/admin/evaluation/site/{worst.site.profile.division_code}/",
        # The core cockpit with every panel: stale and blank columns over every site.
        "the whole home screen (province)": "/admin/",
    }
    results = common.measure_urls(client, urls, requests)
    results["home-screen panel alone (province)"] = measure_panel(user, requests)
    return results


def measure_panel(user, requests: int) -> dict:
    """The plugin's panel on the staff home screen, rendered alone (the home screen's own
    panels are the core cockpit's: not this benchmark's business)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from plugins.evaluation import panels

    factory, times, queries = RequestFactory(), [], 0
    for i in range(requests + 1):
        request = factory.get("/admin/")
        request.user = get_user_model().objects.get(pk=user.pk)  # a fresh user: no memo
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            html = "".join(p.render_html({"request": request}) for p in panels.panels_for(request))
        if i:
            times.append((time.perf_counter() - started) * 1000)
            queries = len(ctx.captured_queries)
    r = {"status": 200 if "网站考评" in html else 500, "bytes": len(html), "queries": queries,
         "p50_ms": round(common.pct(times, 50), 1), "p95_ms": round(common.pct(times, 95), 1)}  # fmt: skip
    print(f"  {'home-screen panel alone (province)':<44} {queries} queries p50 {r['p50_ms']:7.1f} ms  "
          f"p95 {r['p95_ms']:7.1f} ms  {r['bytes']:>8} bytes", flush=True)  # fmt: skip
    return r


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--sites", type=int, default=126)
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--hosts", type=int, default=16)
    parser.add_argument("--urls-per-host", type=int, default=150)
    parser.add_argument("--host-interval", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--second-run", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="inspect and measure again on the last run's database")  # fmt: skip
    args = parser.parse_args(argv)
    if args.sites < 26:
        parser.error("--sites: at least the demo group's 26")
    if not args.reuse:
        common.reset_database(args.database_url)
    setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    engine = connection.vendor
    print(f"database: {engine}; load {common.loadavg()}", flush=True)
    servers, ports = start_servers(args.hosts)
    try:
        build = {"reused": args.reuse}
        if not args.reuse:
            t0 = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            build["migrate_s"] = round(time.perf_counter() - t0, 1)
            t0 = time.perf_counter()
            profiles = provision(args.sites)
            build["sites"], build["sites_s"] = len(profiles), round(time.perf_counter() - t0, 1)
            t0 = time.perf_counter()
            build.update(build_pages(profiles, args, ports))
            build["pages_s"] = round(time.perf_counter() - t0, 1)
            add_words()
            print(f"built: {json.dumps(build, ensure_ascii=False)}", flush=True)
        if engine == "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        print(f"inspection of every site (links: {args.hosts} hosts, {args.host_interval:g} s "
              "between two requests to a host):", flush=True)  # fmt: skip
        first = inspect_all(args)
        second = inspect_all(args) if args.second_run else None
    finally:
        servers.stdin.close()
        servers.terminate()
        servers.wait()
    print("requests:", flush=True)
    results = measure(args.requests)
    view = results["province's view (every site)"]
    checks = {
        f"full inspection < {TARGET_INSPECTION_S} s": first["seconds"] < TARGET_INSPECTION_S,
        f"province's view p95 < {TARGET_P95_MS} ms": view["p95_ms"] < TARGET_P95_MS,
        "every site inspected": first["sites"] == args.sites,
        "every page answered 200": all(r["status"] == 200 for r in results.values()),
    }
    print("verdict:")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    out = {"machine": common.machine(load=common.loadavg()), "args": vars(args), "build": build,
           "inspection": first, "second_inspection": second, "requests": results,
           "checks": checks}  # fmt: skip
    Path(RESULTS_FILE.format(engine=engine)).write_text(
        json.dumps(out, ensure_ascii=False, indent=2, default=str)
    )
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
