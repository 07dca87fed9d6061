#!/usr/bin/env python
"""Benchmark of the content API against stock ``wagtail.api.v2``, in one run.

    .venv/bin/python benchmarks/api.py [--pages 1000] [--rebuild] [--duration 10]

1. **Build** (cached between runs; ``--rebuild`` starts again): a fresh
   throwaway database (``/tmp/lianxi_bench.sqlite3`` or ``--database-url``),
   a few sites provisioned with ``provision_site``, a dozen generated banner
   images per site (``fixtures.images``) and ``--pages`` live ArticlePages
   spread over the sites' columns, each with a cover image and a StreamField
   body (heading, paragraphs, an image block), text from ``fixtures.content``.
2. **In-process**: Django's test client with ``CaptureQueriesContext`` gives
   queries per request (warm renditions: the first, cold request is reported
   apart) and bytes, for limit 20 and 50 and the detail view, on both APIs.
3. **Load**: two gunicorn servers on 127.0.0.1 (DEBUG off), one with the
   product's settings, one with the API's server-side cache switched off
   (``BENCH_NO_CACHE=1``); ``wrk --latency`` loads each target for
   ``--duration`` seconds: our listing and detail uncached and cached, stock
   v2 listing and detail, the listing's bytes served precomputed from memory,
   and a trivial JSON view.
4. Prints one table (req/s, p50/p99, queries/request, bytes, ratio to stock
   v2) and PASS/FAIL per target, and writes ``/tmp/lianxi_bench_results-<engine>.json``.

Benchmark-only: never run by ``make test``. Installs Debian's ``wrk`` when it
is missing. Loads 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/lianxi_bench.sqlite3"
MEDIA_BASE = "/tmp/lianxi_bench_media"
STATIC_ROOT = "/tmp/lianxi_bench_static"
PRECOMPUTED_FILE = "/tmp/lianxi_bench_precomputed.json"
RESULTS_FILE = "/tmp/lianxi_bench_results-{engine}.json"  # sqlite / postgresql
META_FILE = "/tmp/lianxi_bench_meta.json"
BUILD_VERSION = 1

# Province, Hefei, Feixi, Changfeng, Wuhu: parents before children.
SITE_CODES = ("340000", "340100", "340123", "340121", "340200")
ARTICLE_COLUMNS = (
    "news", "legislation", "supervision", "decisions", "appointments", "deputies", "office",
    "notices",
)  # fmt: skip
IMAGES_PER_SITE = 12
BENCH_SITE = "340123"  # the site whose listing and detail are loaded

# Our API (cms/api) and stock v2 (benchmarks/bench_urls.py) on the same fields:
# v2's listing defaults (id, type, detail_url, title, html_url, slug,
# first_published_at) plus date, summary and the cover image. Our cover carries
# five renditions (cms.api.payloads.RENDITIONS); "v2 equivalent" asks v2 for the
# same five (one ImageRenditionField each), "v2 thumbnail" for the thumbnail
# only (the anchor in docs: fields=...,feed_image_thumbnail).
OUR_LIST_FIELDS = os.environ.get(
    "BENCH_OUR_FIELDS", "title,slug,url,api_url,date,summary,cover,first_published_at"
)
# The same with the cover as one small rendition (our opt-in ``thumbnail`` field), against
# v2's thumbnail-only listing; and the fields stock v3 lists (it has no per-type fields).
OUR_THUMB_FIELDS = "title,slug,url,api_url,date,summary,thumbnail,first_published_at"
OUR_BASE_FIELDS = "title,slug,url,api_url,first_published_at"
OUR_LIST = "/api/v1/pages/?site={code}&type=article&fields={fields}&limit={limit}"
OUR_DETAIL = "/api/v1/pages/{id}/?site={code}"
V2_COVERS = "cover_thumbnail,cover_medium,cover_large,cover_thumbnail_webp,cover_medium_webp"
V2_LIST = (
    "/api/v2/pages/?site={code}.localhost&type=content.ArticlePage"
    "&fields=date,summary,{covers}&limit={limit}"
)
V2_DETAIL = "/api/v2/pages/{id}/?site={code}.localhost"
V3_LIST = "/api/v3/pages/?site={code}.localhost&type=content.ArticlePage&limit={limit}"

TARGETS = {
    "max_list_queries": 8,
    "uncached_vs_v2": 3.0,  # both baselines, on equivalent fields
    "uncached_vs_v3": 1.0,  # ahead of stock v3 on the fields it lists
    "detail_vs_v2": 2.0,
    "max_detail_queries": 6,
    "cached_vs_v2": 10.0,
    "cached_vs_precomputed": 0.9,
    "bytes_vs_v2": 0.75,
}


# --- environment -------------------------------------------------------------------------
def media_root(args) -> str:
    """One media directory per database engine (a rebuild empties it)."""
    return f"{MEDIA_BASE}/{args.database_url.split(':', 1)[0]}"


def base_env(args) -> dict[str, str]:
    """Environment of this process and of the gunicorn servers (production-style)."""
    return common.base_env(
        args.database_url,
        media_root(args),
        STATIC_ROOT,
        DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
        BENCH_PRECOMPUTED_FILE=PRECOMPUTED_FILE,
    )


def setup_django(args) -> None:
    os.environ.update(base_env(args))
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise warns without it
    # This process measures queries uncached; the cached path is measured with
    # the API cache switched back on (override_settings).
    os.environ["BENCH_NO_CACHE"] = "1"
    import django

    django.setup()


# --- build -------------------------------------------------------------------------------
def _meta_key(args) -> str:
    return f"{args.database_url}|pages={args.pages}|sites={args.sites}|v{BUILD_VERSION}"


def _read_meta() -> dict:
    try:
        return json.loads(Path(META_FILE).read_text())
    except (OSError, ValueError):
        return {}


def build_is_current(args) -> bool:
    return _read_meta().get(args.database_url, {}).get("key") == _meta_key(args)


def reset_database(args) -> None:
    url = args.database_url
    common.reset_database(url)
    shutil.rmtree(media_root(args), ignore_errors=True)
    meta = _read_meta()
    meta.pop(url, None)
    Path(META_FILE).write_text(json.dumps(meta))


def _body(text, image_pk: int, rng) -> list[dict]:
    import uuid
    from html import escape

    def block(kind, value):
        return {"type": kind, "value": value, "id": str(uuid.UUID(int=rng.getrandbits(128)))}

    blocks = []
    for i, para in enumerate(text.paragraphs):
        if i in text.headings:
            blocks.append(block("heading", {"text": text.headings[i], "level": "h2"}))
        blocks.append(block("paragraph", f"<p>{escape(para, quote=False)}</p>"))
        if i == 0:
            caption = f"{text.title}现场"
            blocks.append(block("image", {"image": image_pk, "caption": caption}))
    return blocks


def build(args) -> dict:
    """Migrate a fresh database and generate the data set; returns timings."""
    import random
    from zoneinfo import ZoneInfo

    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction
    from wagtail.models import Page, Revision

    from cms.content.models import ArticlePage, ColumnPage
    from cms.sitegroup.provisioning import SiteSpec, provision_site
    from fixtures import anhui, images
    from fixtures.content import Org, Writer

    timings = {}
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    timings["migrate_s"] = time.monotonic() - started

    t0 = time.monotonic()
    codes = SITE_CODES[: args.sites]
    profiles = []
    for code in codes:
        region = anhui.region(code)
        profile, _created = provision_site(
            SiteSpec(
                division_code=code, name=region.site_name, region_name=region.region_name,
                short_name=region.short_name, english_name=region.english_name,
                parent_code=region.parent_code if region.parent_code in codes else None,
                is_default_site=code == codes[0],
            )
        )  # fmt: skip
        profiles.append(profile)
    timings["sites_s"] = time.monotonic() - t0

    t0 = time.monotonic()
    site_images = {}
    for profile in profiles:
        site_images[profile.pk] = [
            images.get_or_create_image(
                profile.collection,
                images.banner_bytes(i),
                f"{profile.short_name}·{images.banner_subject(i)}",
                f"bench-{profile.division_code}-{i:02d}.jpg",
            )[0]
            for i in range(IMAGES_PER_SITE)
        ]
    timings["images_s"] = time.monotonic() - t0

    t0 = time.monotonic()
    tz = ZoneInfo("Asia/Shanghai")
    article_ct = ContentType.objects.get_for_model(ArticlePage)
    page_ct = ContentType.objects.get_for_model(Page)
    # Round-robin over sites, then over each site's article columns.
    slots = []
    for profile in profiles:
        home = profile.site.root_page
        columns = {c.slug: c for c in ColumnPage.objects.child_of(home)}
        slots.append((profile, [columns[s] for s in ARTICLE_COLUMNS if s in columns]))
    plan: dict[int, list[tuple]] = {}
    for n in range(args.pages):
        profile, columns = slots[n % len(slots)]
        k = n // len(slots)
        column = columns[k % len(columns)]
        plan.setdefault(column.pk, []).append((profile, column, k // len(columns)))
    created = 0
    writers: dict[str, Writer] = {}
    with transaction.atomic():
        for entries in plan.values():
            for profile, column, index in entries:
                writer = writers.get(profile.division_code)
                if writer is None:
                    region = anhui.region(profile.division_code)
                    org = Org(profile.division_code, region.region_name, region.short_name,
                              profile.level, ())  # fmt: skip
                    writer = writers[profile.division_code] = Writer(org)
                text = writer._article(column.slug, index, 0)
                rng = random.Random(f"bench:{profile.division_code}:{column.slug}:{index}")
                pics = site_images[profile.pk]
                cover = pics[text.image_index % len(pics)]
                body_image = pics[(text.image_index + 1 + index) % len(pics)]
                when = dt.datetime.combine(text.day, dt.time(9, rng.randint(0, 59)), tzinfo=tz)
                page = ArticlePage(
                    title=text.title, slug=f"bench-{index:05d}", date=text.day,
                    summary=text.summary, source=text.source, author=text.author,
                    cover_image=cover, body=_body(text, body_image.pk, rng), live=True,
                    has_unpublished_changes=False, first_published_at=when,
                    last_published_at=when,
                )  # fmt: skip
                column.add_child(instance=page)  # treebeard keeps column.numchild in step
                revision = Revision.objects.create(
                    content_type=article_ct, base_content_type=page_ct, object_id=str(page.pk),
                    created_at=when, object_str=page.title, content=page.serializable_data(),
                )  # fmt: skip
                Page.objects.filter(pk=page.pk).update(
                    latest_revision=revision, live_revision=revision,
                    latest_revision_created_at=when,
                )  # fmt: skip
                created += 1
    timings["pages_s"] = time.monotonic() - t0
    timings["pages"] = created
    timings["total_s"] = time.monotonic() - started
    meta = _read_meta()
    meta[args.database_url] = {"key": _meta_key(args), "timings": timings}
    Path(META_FILE).write_text(json.dumps(meta))
    return timings


# --- in-process measurement ----------------------------------------------------------------
def pick_detail_id(code: str) -> int:
    from cms.content.models import ArticlePage
    from cms.sitegroup.models import SiteProfile

    home = SiteProfile.objects.get(division_code=code).site.root_page
    page = ArticlePage.objects.live().descendant_of(home).order_by("-first_published_at").first()
    return page.pk


def measure_in_process(urls: dict[str, str]) -> dict[str, dict]:
    """Queries (cold and warm) and bytes per URL, uncached; then warm queries with the cache on."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    results = {}
    client = Client(HTTP_HOST="127.0.0.1")
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as cold:
            first = client.get(url)
        with CaptureQueriesContext(connection) as warm:
            response = client.get(url)
        results[name] = {
            "url": url,
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": len(warm),
            "cold_queries": len(cold),
            "content_type": response.get("Content-Type", ""),
            "content": response.content if response.status_code == 200 else b"",
            "first_status": first.status_code,
            "sql": [q["sql"] for q in warm.captured_queries],
        }
    with override_settings(LIANXI_API_CACHE_ENABLED=True):
        cached_client = Client(HTTP_HOST="127.0.0.1")
        for name, url in urls.items():
            cached_client.get(url)
            with CaptureQueriesContext(connection) as hit:
                response = cached_client.get(url)
            results[name]["cached_queries"] = len(hit)
            results[name]["cached_bytes"] = len(response.content)
    return results


# --- the other targets, in the same run -------------------------------------------------
def sibling_url(args, name: str) -> str:
    """The database URL of another benchmark's corpus, next to this run's."""
    if args.database_url.startswith("sqlite:"):
        return f"sqlite:////tmp/{name}.sqlite3"
    return args.database_url.rsplit("/", 1)[0] + "/" + name


def _sibling(script: str, argv: list[str], results: str) -> list[tuple]:
    """Run ``benchmarks/<script>`` (its own process and database) and read its checks."""
    started = time.time()
    print(f"\n== benchmarks/{script} {' '.join(argv)}", flush=True)
    code = subprocess.call([sys.executable, str(ROOT / "benchmarks" / script), *argv], cwd=ROOT)
    path = Path(results)
    if not path.exists() or path.stat().st_mtime < started:
        return [(f"benchmarks/{script} gave no results (exit {code})", False)]
    data = json.loads(path.read_text())
    verdicts = {"PASS": True, "FAIL": False}
    return [(f"[{script}] {label}", verdicts.get(ok)) for label, ok, *_ in data.get("checks", [])]


def related_targets(args, info: dict) -> list[tuple]:
    """The issue's targets this file does not measure itself, each by its own benchmark in
    this run: the growth of the uncached API with the corpus (benchmarks/growth.py), search
    (benchmarks/search.py) and the deputies register (benchmarks/deputies.py). Their
    targets are PostgreSQL's; on SQLite they are reported as not applicable."""
    engine = info["database"]
    checks: list[tuple] = []
    if engine != "postgresql":
        return [("growth, search and deputies targets: PostgreSQL targets, run with a "
                 "postgresql:// --database-url", None)]  # fmt: skip
    if not args.no_growth:
        from benchmarks import growth

        sizes = [int(s) for s in args.growth_sizes.split(",") if s.strip()]
        summary = growth.run(args.database_url, sizes, duration=args.duration,
                             warmup=args.warmup, connections=args.connections,
                             threads=args.threads, workers=args.workers)  # fmt: skip
        info["growth"] = summary
        verdicts = {"PASS": True, "FAIL": False}
        checks += [
            (f"[growth.py] {label}: " + ("-" if r is None else f"{r:.2f}x"), verdicts.get(ok))
            for label, r, ok in summary["checks"]
        ]
    if not args.no_search:
        url = sibling_url(args, "lianxi_bench_search")
        checks += _sibling("search.py", ["--database-url", url, "--reuse", "--repeat", "5"],
                           "/tmp/lianxi_bench_search_results-postgresql.json")  # fmt: skip
    if not args.no_deputies:
        url = sibling_url(args, "lianxi_bench_deputies")
        argv = ["--database-url", url] + (["--api-only"] if common.database_exists(url) else [])
        checks += _sibling("deputies.py", argv,
                           "/tmp/lianxi_bench_deputies_results-postgresql.json")  # fmt: skip
    return checks


# --- servers and load ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, args, log_path: str) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "gunicorn", "cms.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
        "--worker-class", args.worker_class, "--threads", str(args.threads_per_worker),
        "--log-level", "warning", "--chdir", str(ROOT), "--timeout", "60",
    ]  # fmt: skip
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}); see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2):
                return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"gunicorn on port {port} did not answer in 60 s; see {log_path}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def http_get(url: str) -> tuple[int, int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, len(resp.read()), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read()), dict(exc.headers)


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk not found: installing Debian's wrk (apt-get install -y wrk) ...", flush=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], check=False, capture_output=True)
    path = shutil.which("wrk")
    if not path:
        subprocess.run(["apt-get", "update"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True, capture_output=True)
        path = shutil.which("wrk")
    if not path:
        raise SystemExit("wrk is not available")
    return path


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    if not match:
        return float("nan")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(wrk: str, url: str, args, duration: float) -> dict:
    cmd = [
        wrk, f"-t{args.threads}", f"-c{args.connections}", f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout", "10s", url,
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60).stdout
    result = {"rps": float("nan"), "p50_ms": float("nan"), "p99_ms": float("nan"),
              "requests": 0, "non_2xx": 0, "errors": 0, "raw": out}  # fmt: skip
    if m := re.search(r"Requests/sec:\s+([\d.]+)", out):
        result["rps"] = float(m.group(1))
    if m := re.search(r"^\s+50%\s+(\S+)", out, re.M):
        result["p50_ms"] = _ms(m.group(1))
    if m := re.search(r"^\s+99%\s+(\S+)", out, re.M):
        result["p99_ms"] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", out):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non_2xx"] = int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["errors"] = sum(int(g) for g in m.groups())
    return result


# --- machine -----------------------------------------------------------------------------
def machine() -> dict:
    import gunicorn

    wrk_version = ""
    if shutil.which("wrk"):
        wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
        wrk_version = wrk_version.split("\n", 1)[0].split(" [")[0]
    return common.machine(gunicorn=gunicorn.__version__, wrk=wrk_version)


# --- report ---------------------------------------------------------------------------------
def fmt_num(value, digits=0) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    return f"{value:,.{digits}f}"


def fmt_rps(value) -> str:
    if value is None or value != value:
        return "-"
    return fmt_num(value, 1 if value < 100 else 0)


def ratio(a, b):
    try:
        if a is None or b is None or b == 0 or a != a or b != b:
            return None
        return a / b
    except TypeError:
        return None


def verdict(ok) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def markdown_report(rows: dict[str, dict], checks: list[tuple], info: dict) -> str:
    """The same figures as a Markdown table (for benchmarks/README.md)."""
    lines = [
        "| target | req/s | p50 ms | p99 ms | queries/req | bytes | vs v2 (same renditions) "
        "| vs v2 (thumbnail) | vs v3 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows.values():
        vs = (fmt_num(row["vs_v2"], 2) + "x") if row.get("vs_v2") else "-"
        vt = (fmt_num(row["vs_thumb"], 2) + "x") if row.get("vs_thumb") else "-"
        v3 = (fmt_num(row["vs_v3"], 2) + "x") if row.get("vs_v3") else "-"
        lines.append(
            f"| {row['label']} | {fmt_rps(row.get('rps'))} | {fmt_num(row.get('p50_ms'), 1)} "
            f"| {fmt_num(row.get('p99_ms'), 1)} | {fmt_num(row.get('queries'))} "
            f"| {fmt_num(row.get('bytes'))} | {vs} | {vt} | {v3} |"
        )
    lines.append("")
    lines += [f"- **{verdict(ok)}** {label}" for label, ok in checks]
    return "\n".join(lines)


def print_report(rows: dict[str, dict], checks: list[tuple], info: dict) -> str:
    lines = []
    head = (
        f"{'target':<38} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} "
        f"{'bytes':>8} {'vs v2':>7} {'vs thumb':>8} {'vs v3':>7}"
    )
    lines += [head, "-" * len(head)]
    for row in rows.values():
        lines.append(
            f"{row['label']:<38} {fmt_rps(row.get('rps')):>9} {fmt_num(row.get('p50_ms'), 1):>8} "
            f"{fmt_num(row.get('p99_ms'), 1):>8} {fmt_num(row.get('queries')):>8} "
            f"{fmt_num(row.get('bytes')):>8} "
            f"{(fmt_num(row['vs_v2'], 2) + 'x') if row.get('vs_v2') else '-':>7} "
            f"{(fmt_num(row['vs_thumb'], 2) + 'x') if row.get('vs_thumb') else '-':>8} "
            f"{(fmt_num(row['vs_v3'], 2) + 'x') if row.get('vs_v3') else '-':>7}"
        )
    lines.append("")
    for label, ok in checks:
        lines.append(f"  [{verdict(ok)}] {label}")
    lines.append("")
    lines.append(
        "machine: {nproc} cores, {cpu}; Python {python}, Django {django}, Wagtail {wagtail}, "
        "gunicorn {gunicorn}, {wrk}".format(**info["machine"])
    )
    lines.append(
        f"load average before/after load: {info['load_before']} / {info['load_after']}; "
        f"database {info['database']}; {info['pages']} article pages; "
        f"gunicorn {info['workers']} x {info['worker_class']}; wrk -t{info['threads']} "
        f"-c{info['connections']} -d{info['duration']}s"
    )
    text = "\n".join(lines)
    print(text)
    return text


# --- main -----------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000, help="article pages (default 1000)")
    parser.add_argument("--sites", type=int, default=len(SITE_CODES), choices=range(1, 6))
    parser.add_argument("--rebuild", action="store_true", help="rebuild the database")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads-per-worker", type=int, default=1)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--no-load", action="store_true", help="in-process figures only")
    parser.add_argument("--only", default="", help="comma-separated load targets to run")
    parser.add_argument(
        "--growth-sizes", default="10000,1000000",
        help="corpus sizes of the growth run (benchmarks/growth.py; PostgreSQL)",
    )  # fmt: skip
    parser.add_argument("--no-growth", action="store_true", help="skip the growth run")
    parser.add_argument("--no-search", action="store_true", help="skip the search run")
    parser.add_argument("--no-deputies", action="store_true", help="skip the deputies run")
    args = parser.parse_args(argv)
    if args.duration > 120:
        parser.error("--duration is capped at 120 s")

    if args.rebuild or not build_is_current(args):
        reset_database(args)
        setup_django(args)
        print(f"building {args.pages} article pages on {args.sites} sites ...", flush=True)
        timings = build(args)
        print(
            "built in {total_s:.1f} s (migrate {migrate_s:.1f} s, sites {sites_s:.1f} s, "
            "images {images_s:.1f} s, pages {pages_s:.1f} s for {pages})".format(**timings),
            flush=True,
        )
    else:
        setup_django(args)
        print(f"reusing the built database ({args.database_url}); --rebuild to rebuild")

    code = BENCH_SITE if BENCH_SITE in SITE_CODES[: args.sites] else SITE_CODES[0]
    detail_id = pick_detail_id(code)
    urls = {
        "ours_list_20": OUR_LIST.format(code=code, fields=OUR_LIST_FIELDS, limit=20),
        "ours_list_50": OUR_LIST.format(code=code, fields=OUR_LIST_FIELDS, limit=50),
        "ours_thumb_20": OUR_LIST.format(code=code, fields=OUR_THUMB_FIELDS, limit=20),
        "ours_base_20": OUR_LIST.format(code=code, fields=OUR_BASE_FIELDS, limit=20),
        "ours_detail": OUR_DETAIL.format(code=code, id=detail_id),
        "v3_list_20": V3_LIST.format(code=code, limit=20),
        "v2_list_20": V2_LIST.format(code=code, covers=V2_COVERS, limit=20),
        "v2_list_50": V2_LIST.format(code=code, covers=V2_COVERS, limit=50),
        "v2_thumb_20": V2_LIST.format(code=code, covers="cover_thumbnail", limit=20),
        "v2_thumb_50": V2_LIST.format(code=code, covers="cover_thumbnail", limit=50),
        "v2_detail": V2_DETAIL.format(code=code, id=detail_id),
    }
    inproc = measure_in_process(urls)
    ours = inproc["ours_list_20"]
    ours_available = ours["status"] == 200 and "json" in ours["content_type"]
    if not ours_available:
        for key in [k for k in inproc if k.startswith("ours")]:
            inproc.pop(key)
    for name, r in inproc.items():
        if r["status"] != 200:
            print(f"WARNING: {name} {r['url']} answered {r['status']}")
    if ours_available and inproc["ours_list_20"]["status"] == 200:
        Path(PRECOMPUTED_FILE).write_bytes(inproc["ours_list_20"]["content"])
    else:
        if not ours_available:
            print("NOTE: /api/v1/pages/ is not mounted yet: our API is skipped.")
        Path(PRECOMPUTED_FILE).write_bytes(inproc["v2_list_20"]["content"])

    load: dict[str, dict] = {}
    info = {
        "machine": machine(),
        "database": args.database_url.split("://", 1)[0],
        "pages": args.pages,
        "workers": args.workers,
        "worker_class": args.worker_class,
        "threads": args.threads,
        "connections": args.connections,
        "duration": args.duration,
        "load_before": common.loadavg(),
        "load_after": "-",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    if not args.no_load:
        wrk = ensure_wrk()
        info["machine"] = machine()
        env_cached = {**os.environ, **base_env(args)}
        env_cached.pop("BENCH_NO_CACHE", None)
        env_uncached = {**env_cached, "BENCH_NO_CACHE": "1"}
        port_c, port_u = free_port(), free_port()
        servers = []
        try:
            servers.append(start_gunicorn(env_cached, port_c, args, "/tmp/lianxi_bench_cached.log"))
            servers.append(
                start_gunicorn(env_uncached, port_u, args, "/tmp/lianxi_bench_uncached.log")
            )
            base_c, base_u = f"http://127.0.0.1:{port_c}", f"http://127.0.0.1:{port_u}"
            if ours_available:
                # The precomputed view serves exactly the bytes of our cached listing
                # on this server (absolute URLs name its port); written before the
                # view's first request, which reads the file once per worker.
                with urllib.request.urlopen(base_c + urls["ours_list_20"], timeout=30) as resp:
                    Path(PRECOMPUTED_FILE).write_bytes(resp.read())
            # Compared targets run next to each other (the machine's load drifts).
            targets = {
                "v2_list": base_u + urls["v2_list_20"],
                "v2_thumb": base_u + urls["v2_thumb_20"],
                "ours_list_uncached": base_u + urls["ours_list_20"],
                "ours_thumb_uncached": base_u + urls["ours_thumb_20"],
                "v3_list": base_u + urls["v3_list_20"],
                "ours_base_uncached": base_u + urls["ours_base_20"],
                "ours_list_cached": base_c + urls["ours_list_20"],
                "precomputed": base_c + "/bench/precomputed/",
                "trivial": base_c + "/bench/trivial/",
                "v2_detail": base_u + urls["v2_detail"],
                "ours_detail_uncached": base_u + urls["ours_detail"],
                "ours_detail_cached": base_c + urls["ours_detail"],
            }
            if not ours_available:
                targets = {k: v for k, v in targets.items() if not k.startswith("ours")}
            if args.only:
                wanted = set(args.only.split(","))
                targets = {k: v for k, v in targets.items() if k in wanted}
            info["load_before"] = common.loadavg()
            for name, url in targets.items():
                # Warm every worker (renditions, caches), then check the answer.
                for _ in range(4 * args.workers):
                    status, nbytes, headers = http_get(url)
                if args.warmup > 0:
                    run_wrk(wrk, url, args, args.warmup)
                result = run_wrk(wrk, url, args, args.duration)
                cache_state = headers.get("X-Lianxi-Cache", "-")
                result.update(
                    {"status": status, "http_bytes": nbytes, "url": url, "x_cache": cache_state}
                )
                load[name] = result
                print(
                    f"  {name:<22} {result['rps']:>9.1f} req/s  p50 {result['p50_ms']:.1f} ms  "
                    f"p99 {result['p99_ms']:.1f} ms  (HTTP {status}, {nbytes} bytes, "
                    f"X-Lianxi-Cache {cache_state}, "
                    f"non-2xx {result['non_2xx']}, errors {result['errors']})",
                    flush=True,
                )
            info["load_after"] = common.loadavg()
        finally:
            for proc in servers:
                stop(proc)

    def row(label, load_key=None, inproc_key=None, cached=False, base="list", **extra):
        r = {"label": label, "base": base, **extra}
        if load_key and load_key in load:
            r.update({k: load[load_key][k] for k in ("rps", "p50_ms", "p99_ms")})
        if inproc_key and inproc_key in inproc:
            ip = inproc[inproc_key]
            r["queries"] = ip["cached_queries"] if cached else ip["queries"]
            r["bytes"] = ip["cached_bytes"] if cached else ip["bytes"]
        return r

    precomputed_bytes = len(Path(PRECOMPUTED_FILE).read_bytes())
    rows = {
        "ours_list_u": row("ours list 20, uncached", "ours_list_uncached", "ours_list_20"),
        "ours_list_c": row("ours list 20, cached", "ours_list_cached", "ours_list_20", True),
        "v2_list": row("v2 list 20, same 5 renditions", "v2_list", "v2_list_20"),
        "v2_thumb": row("v2 list 20, thumbnail only", "v2_thumb", "v2_thumb_20"),
        "ours_thumb_u": row("ours list 20 (thumbnail), uncached", "ours_thumb_uncached",
                            "ours_thumb_20"),
        "v3_list": row("v3 list 20 (its base fields)", "v3_list", "v3_list_20", base="v3"),
        "ours_base_u": row("ours list 20 (v3's fields), uncached", "ours_base_uncached",
                           "ours_base_20", base="v3"),
        "ours_list_50": row("ours list 50 (in-process)", None, "ours_list_50"),
        "v2_list_50": row("v2 list 50, 5 renditions (in-proc)", None, "v2_list_50"),
        "v2_thumb_50": row("v2 list 50, thumbnail (in-proc)", None, "v2_thumb_50"),
        "ours_detail_u": row("ours detail, uncached", "ours_detail_uncached", "ours_detail",
                             base="detail"),
        "ours_detail_c": row("ours detail, cached", "ours_detail_cached", "ours_detail", True,
                             base="detail"),
        "v2_detail": row("v2 detail", "v2_detail", "v2_detail", base="detail"),
        "precomputed": row("precomputed listing bytes", "precomputed", queries=0,
                           bytes=precomputed_bytes),
        "trivial": row("trivial JSON", "trivial", queries=0, bytes=11),
    }  # fmt: skip
    for r in rows.values():
        if r["base"] == "detail":
            r["vs_v2"] = ratio(r.get("rps"), rows["v2_detail"].get("rps"))
        elif r["base"] == "v3":
            r["vs_v3"] = ratio(r.get("rps"), rows["v3_list"].get("rps"))
        else:
            r["vs_v2"] = ratio(r.get("rps"), rows["v2_list"].get("rps"))
            r["vs_thumb"] = ratio(r.get("rps"), rows["v2_thumb"].get("rps"))

    def rps(key):
        return rows[key].get("rps")

    def x(value) -> str:
        return "-" if value is None else f"{value:.2f}x"

    q20, q50 = rows["ours_list_u"].get("queries"), rows["ours_list_50"].get("queries")
    maxq = TARGETS["max_list_queries"]
    checks = []
    checks.append((
        f"queries per listing (<= {maxq}, constant in page size): limit 20 = {q20}, "
        f"limit 50 = {q50}; stock v2 {rows['v2_list'].get('queries')} / "
        f"{rows['v2_list_50'].get('queries')} (5 renditions), "
        f"{rows['v2_thumb'].get('queries')} / {rows['v2_thumb_50'].get('queries')} (thumbnail)",
        None if q20 is None or q50 is None else (q20 <= maxq and q50 <= maxq and q20 == q50),
    ))  # fmt: skip
    pairs = (("ours_list_u", "v2_list", "5 renditions, vs v2 same renditions"),
             ("ours_thumb_u", "v2_thumb", "thumbnail, vs v2 thumbnail only"))  # fmt: skip
    for ours_key, key, label in pairs:
        r = ratio(rps(ours_key), rps(key))
        checks.append((
            f"uncached listing throughput, {label} (>= {TARGETS['uncached_vs_v2']:g}x): {x(r)}",
            None if r is None else r >= TARGETS["uncached_vs_v2"],
        ))  # fmt: skip
    r = ratio(rps("ours_base_u"), rps("v3_list"))
    checks.append((
        f"uncached listing throughput vs stock v3, the fields v3 lists (ahead, >= 1x): {x(r)}; "
        f"our full listing (5 renditions) vs v3: {x(ratio(rps('ours_list_u'), rps('v3_list')))}",
        None if r is None else r >= TARGETS["uncached_vs_v3"],
    ))  # fmt: skip
    r = ratio(rps("ours_detail_u"), rps("v2_detail"))
    dq = rows["ours_detail_u"].get("queries")
    checks.append((
        f"uncached detail throughput vs v2 (>= {TARGETS['detail_vs_v2']:g}x): {x(r)}",
        None if r is None else r >= TARGETS["detail_vs_v2"],
    ))  # fmt: skip
    checks.append((
        f"detail queries (<= {TARGETS['max_detail_queries']}): {dq}; stock v2 "
        f"{rows['v2_detail'].get('queries')}",
        None if dq is None else dq <= TARGETS["max_detail_queries"],
    ))  # fmt: skip
    for key, label in (("v2_list", "v2 same renditions"), ("v2_thumb", "v2 thumbnail only")):
        r = ratio(rps("ours_list_c"), rps(key))
        checks.append((
            f"cached listing throughput vs {label} (>= 10x): {x(r)}",
            None if r is None else r >= TARGETS["cached_vs_v2"],
        ))  # fmt: skip
    r = ratio(rps("ours_list_c"), rps("precomputed"))
    checks.append((
        f"cached listing throughput vs the same bytes precomputed "
        f"(>= {TARGETS['cached_vs_precomputed']:g}x): {x(r)}",
        None if r is None else r >= TARGETS["cached_vs_precomputed"],
    ))  # fmt: skip
    for ours_key, key, label in pairs:
        b = ratio(rows[ours_key].get("bytes"), rows[key].get("bytes"))
        checks.append((
            f"listing payload, {label} (<= 0.75x): {rows[ours_key].get('bytes')} / "
            f"{rows[key].get('bytes')} bytes = {x(b)}",
            None if b is None else b <= TARGETS["bytes_vs_v2"],
        ))  # fmt: skip
    if not args.no_load and not args.only:
        checks += related_targets(args, info)
    print()
    text = print_report(rows, checks, info)
    for r in inproc.values():
        r.pop("content", None)
    results_file = RESULTS_FILE.format(engine=info["database"])
    Path(results_file).write_text(
        json.dumps(
            {
                "info": info,
                "rows": rows,
                "checks": [(c[0], verdict(c[1])) for c in checks],
                "in_process": inproc,
                "load": {
                    k: {kk: vv for kk, vv in v.items() if kk != "raw"} for k, v in load.items()
                },
                "report": text,
                "markdown": markdown_report(rows, checks, info),
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        )  # fmt: skip
    )
    print(f"\nresults: {results_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
