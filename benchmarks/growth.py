#!/usr/bin/env python
"""Growth benchmark of the content API: is a cache miss as fast at 1,000,000 pages as at 10,000?

    .venv/bin/python benchmarks/growth.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/lianxi_bench [--sizes 10000,1000000]

1. **Corpus** (kept between runs; ``--rebuild-growth`` starts again): one database per
   size, named after the base URL's database (``lianxi_bench_growth_10000``, ``…_100000``,
   ``…_1000000``; SQLite: ``/tmp/lianxi_bench_growth_<size>.sqlite3``). The smallest is
   built from nothing: ``migrate``, 126 sites provisioned as ``benchmarks/evaluation.py``
   does, three generated banner images per site with the API's five renditions made, and
   article pages. Each larger size is a copy of the one below it (``CREATE DATABASE …
   TEMPLATE``; a file copy on SQLite) with the missing pages added. Pages are inserted in
   bulk (PostgreSQL ``COPY``, SQLite ``executemany``) with their tree paths computed here,
   spread evenly over every site's article columns; each has a date, a summary, a cover
   image and a short StreamField body (paragraph, image, paragraph). Then the tree is
   checked (``numchild``, every parent present, depth = path length) and ``ANALYZE`` run.
2. **Measure** per size: an uncached gunicorn (``BENCH_NO_CACHE=1``) on that database,
   loaded by ``wrk`` for the largest site's 20-item article listing, its last page (deep
   ``offset``) and the detail of its newest article; queries per request in-process, and
   ``EXPLAIN (ANALYZE, BUFFERS)`` of the listing's count and row queries (``--explain``
   prints the plans).
3. **Report**: p50/p99 and req/s per size, the ratio of the largest size's p50 to the
   smallest's per route (target ≤ 1.5), PASS/FAIL, and the plot ``docs/img/api-growth.svg``
   (p50 against corpus size, log scale). Figures: ``/tmp/lianxi_bench_growth_results-<engine>.json``.

``benchmarks/api.py`` calls ``run()``; this script runs it alone. Benchmark only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, benchmarks/ comes first on the path and benchmarks/search.py would
# shadow the ``search`` app: the project's root instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/lianxi_bench"
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
SITES = 126
IMAGES_PER_SITE = 3
MEDIA_ROOT = "/tmp/lianxi_bench_media/growth"
STATIC_ROOT = "/tmp/lianxi_bench_static"
META_FILE = "/tmp/lianxi_bench_growth_meta.json"
RESULTS_FILE = "/tmp/lianxi_bench_growth_results-{engine}.json"
PLOT_FILE = ROOT / "docs" / "img" / "api-growth.svg"
#: Bump when the corpus changes shape: kept databases of another version are rebuilt.
BUILD_VERSION = 1
TARGET_RATIO = 1.5
ARTICLE_COLUMNS = ("news", "legislation", "supervision", "decisions", "appointments",
                   "deputies", "office", "notices")  # fmt: skip
LIST_FIELDS = "title,slug,url,api_url,date,summary,cover,first_published_at"
LIST_URL = "/api/v1/pages/?site={code}&type=article&fields={fields}&limit=20"
DETAIL_URL = "/api/v1/pages/{id}/?site={code}"
ROUTES = (("list", "listing, first 20"), ("deep", "listing, last 20 (deep offset)"),
          ("detail", "detail"))  # fmt: skip
PHRASES = ("常委会组成人员深入基层开展调研", "听取和审议专项工作报告", "代表联络站接待选民",
           "推进民生实事项目落实", "开展执法检查", "加强预算联网监督", "完善代表建议办理机制",
           "召开主任会议研究部署", "征求社会各界意见建议", "依法履行监督职责")  # fmt: skip
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 3988  # to 2026-12-01


# --- databases -----------------------------------------------------------------------------
def size_url(base_url: str, size: int) -> str:
    """The database of one corpus size, next to the base URL's."""
    if base_url.startswith("sqlite:"):
        return f"sqlite:////tmp/lianxi_bench_growth_{size}.sqlite3"
    base, _, name = base_url.rpartition("/")
    name = name.split("?", 1)[0]
    if not name.startswith("lianxi_bench"):
        raise SystemExit(f"refusing database {name!r}: not a lianxi_bench database")
    return f"{base}/lianxi_bench_growth_{size}"


def _pg(url: str):
    import psycopg

    base, _, name = url.rpartition("/")
    return psycopg.connect(f"{base}/postgres", autocommit=True), name


def drop_database(url: str) -> None:
    if url.startswith("sqlite:"):
        Path(url.split("sqlite:///", 1)[1]).unlink(missing_ok=True)
        return
    conn, name = _pg(url)
    assert re.fullmatch(r"lianxi_bench_growth_\d+", name), name
    with conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_database(source: str, target: str) -> None:
    """``target`` as a copy of ``source`` (PostgreSQL: ``CREATE DATABASE … TEMPLATE``)."""
    drop_database(target)
    if source.startswith("sqlite:"):
        shutil.copyfile(source.split("sqlite:///", 1)[1], target.split("sqlite:///", 1)[1])
        return
    conn, name = _pg(target)
    template = source.rpartition("/")[2]
    with conn:
        # A template must have no other session (a server left running on it).
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", [template])  # fmt: skip
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _read_meta() -> dict:
    try:
        return json.loads(Path(META_FILE).read_text())
    except (OSError, ValueError):
        return {}


def _write_meta(meta: dict) -> None:
    Path(META_FILE).write_text(json.dumps(meta, indent=1))


# --- workers: run in a subprocess on one database ------------------------------------------
def env_for(url: str) -> dict[str, str]:
    """The environment of the workers and of the server (production-style, API cache off)."""
    return {
        **os.environ,
        **common.base_env(url, MEDIA_ROOT, STATIC_ROOT,
                          DJANGO_SETTINGS_MODULE="benchmarks.bench_settings",
                          BENCH_NO_CACHE="1", LIANXI_TASK_BACKEND="immediate"),
    }  # fmt: skip


def _worker(url: str, *argv: str) -> dict:
    """Run ``growth.py --worker …`` on ``url``; its last line of output is JSON."""
    cmd = [sys.executable, "-m", "benchmarks.growth", "--worker", *argv]
    proc = subprocess.run(cmd, env=env_for(url), cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if proc.returncode:
        raise SystemExit(f"growth worker {' '.join(argv)} failed ({proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _setup_django() -> None:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def _log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def _make_images(profiles) -> None:
    """A few banner images per site, with every rendition the API serves."""
    from cms.api.conventions import RENDITIONS
    from fixtures import images

    for n, profile in enumerate(profiles):
        for i in range(IMAGES_PER_SITE):
            image, _created = images.get_or_create_image(
                profile.collection, images.banner_bytes(i),
                f"{profile.short_name}·{images.banner_subject(i)}",
                f"growth-{profile.division_code}-{i}.jpg",
            )  # fmt: skip
            image.get_renditions(*RENDITIONS.values())
        if (n + 1) % 25 == 0:
            _log(f"  images and renditions: {n + 1} sites")


def article_columns() -> list[tuple]:
    """``(profile, column page)`` for every site's article columns, in a stable order."""
    from cms.content.models import ColumnPage
    from cms.sitegroup.models import SiteProfile

    out = []
    for profile in SiteProfile.objects.select_related("site__root_page").order_by("pk"):
        home = profile.site.root_page
        by_slug = {c.slug: c for c in ColumnPage.objects.child_of(home)}
        out += [(profile, by_slug[s]) for s in ARTICLE_COLUMNS if s in by_slug]
    return out


def _rows(columns, images, have: int, add: int, seed: int, first_id: int):
    """The page and article rows of ``add`` new pages, spread evenly over ``columns``
    (round robin, going on from the ``have`` pages there are: the columns stay within one).

    Yields ``(page values, article values)`` dicts; ``columns`` is a list of dicts with
    ``path``, ``depth``, ``url_path``, ``numchild``, ``name`` and ``collection`` that
    is updated (numchild) as pages are added."""
    from wagtail.models import Page

    rng = random.Random(seed)
    per, extra = divmod(add, len(columns))
    next_id = first_id
    for index, column in enumerate(columns):
        pics = images[column["collection"]]
        for _ in range(per + ((index - have) % len(columns) < extra)):
            column["numchild"] += 1
            k = column["numchild"]
            day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
            when = dt.datetime.combine(day, dt.time(1, rng.randrange(60), rng.randrange(60)),
                                       tzinfo=dt.UTC)  # fmt: skip
            phrase = PHRASES[rng.randrange(len(PHRASES))]
            title = f"{column['name']}{phrase}(第{k}期)"
            slug = f"g{k}"
            image = pics[rng.randrange(len(pics))]
            body = [
                {"type": "paragraph", "value": f"<p>{title}。{phrase},{PHRASES[k % 10]}。</p>",
                 "id": str(uuid.UUID(int=rng.getrandbits(128)))},
                {"type": "image", "value": {"image": pics[(k + 1) % len(pics)],
                                            "caption": f"{column['name']}{phrase}现场"},
                 "id": str(uuid.UUID(int=rng.getrandbits(128)))},
                {"type": "paragraph", "value": f"<p>{PHRASES[(k + 3) % 10]},{phrase}。</p>",
                 "id": str(uuid.UUID(int=rng.getrandbits(128)))},
            ]  # fmt: skip
            page = {
                "id": next_id, "path": Page._get_path(column["path"], column["depth"] + 1, k),
                "depth": column["depth"] + 1, "numchild": 0, "title": title,
                "draft_title": title, "slug": slug, "live": True,
                "has_unpublished_changes": False, "url_path": f"{column['url_path']}{slug}/",
                "first_published_at": when, "last_published_at": when,
                "translation_key": uuid.UUID(int=rng.getrandbits(128)),
            }  # fmt: skip
            article = {
                "page_ptr_id": next_id, "date": day, "summary": f"{title}。{phrase}。",
                "source": column["name"], "author": "", "cover_image_id": image,
                "body": json.dumps(body, ensure_ascii=False),
            }  # fmt: skip
            next_id += 1
            yield page, article


def _columns_of(model) -> tuple[list[str], list[str], list]:
    """``model``'s own columns, their attribute names and default values ("" for a
    non-null text field without a default, as Django saves it)."""
    fields = model._meta.local_concrete_fields
    return ([f.column for f in fields], [f.attname for f in fields],
            [f.get_default() for f in fields])  # fmt: skip


def add_pages(target: int) -> dict:
    """Add article pages until the corpus holds ``target`` (in bulk); returns figures."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.images import get_image_model
    from wagtail.models import Locale, Page

    from cms.content.models import ArticlePage, ListedPage

    have = ArticlePage.objects.count()
    add = target - have
    figures = {"had": have, "added": max(add, 0)}
    if add <= 0:
        return figures
    pairs = article_columns()
    images: dict[int, list[int]] = {}
    for image in get_image_model().objects.order_by("pk").values("pk", "collection_id"):
        images.setdefault(image["collection_id"], []).append(image["pk"])
    columns = [
        {"pk": c.pk, "path": c.path, "depth": c.depth, "url_path": c.url_path,
         "numchild": c.numchild, "name": p.short_name,
         "collection": p.collection_id}
        for p, c in pairs
    ]  # fmt: skip
    content_type = ContentType.objects.get_for_model(ArticlePage).pk
    locale = Locale.get_default().pk
    page_fixed = {"content_type_id": content_type, "locale_id": locale}
    page_cols, page_attnames, page_defaults = _columns_of(Page)
    art_cols, art_attnames, art_defaults = _columns_of(ArticlePage)

    def page_tuple(values):
        values = {**page_fixed, **values}
        return tuple(values.get(a, d) for a, d in zip(page_attnames, page_defaults, strict=True))

    def art_tuple(values):
        return tuple(values.get(a, d) for a, d in zip(art_attnames, art_defaults, strict=True))

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM wagtailcore_page")
        first_id = cur.fetchone()[0] + 1
        rows = _rows(columns, images, have, add, seed=target, first_id=first_id)
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL synchronous_commit = off")
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            chunk = 100_000
            done = 0
            while done < add:
                batch = [next(rows) for _ in range(min(chunk, add - done))]
                with raw.copy(f"COPY wagtailcore_page ({', '.join(page_cols)}) FROM STDIN") as copy:
                    for page, _article in batch:
                        copy.write_row(page_tuple(page))
                with raw.copy(
                    f"COPY content_articlepage ({', '.join(art_cols)}) FROM STDIN"
                ) as copy:
                    for _page, article in batch:
                        copy.write_row(art_tuple(article))
                done += len(batch)
                _log(f"  pages: {have + done:,} ({time.perf_counter() - t0:.0f} s)")
            cur.execute(
                "SELECT setval(pg_get_serial_sequence('wagtailcore_page', 'id'), "
                "(SELECT MAX(id) FROM wagtailcore_page))"
            )
        else:

            def prep(values):
                out = []
                for v in values:
                    if isinstance(v, dt.datetime):
                        v = connection.ops.adapt_datetimefield_value(v)
                    elif isinstance(v, dt.date):
                        v = v.isoformat()
                    elif isinstance(v, uuid.UUID):
                        v = v.hex
                    out.append(v)
                return out

            batch = list(rows)
            cur.executemany(
                f"INSERT INTO wagtailcore_page ({', '.join(page_cols)}) "
                f"VALUES ({', '.join(['%s'] * len(page_cols))})",
                [prep(page_tuple(p)) for p, _a in batch],
            )
            cur.executemany(
                f"INSERT INTO content_articlepage ({', '.join(art_cols)}) "
                f"VALUES ({', '.join(['%s'] * len(art_cols))})",
                [prep(art_tuple(a)) for _p, a in batch],
            )
        for column in columns:
            cur.execute(
                "UPDATE wagtailcore_page SET numchild = %s WHERE id = %s",
                [column["numchild"], column["pk"]],
            )
        # The page lists' index (cms.content.listing): bulk inserts fire no signals. In
        # SQL, as the migration that made the table fills it, for the pages just added.
        cur.execute(
            "INSERT INTO content_listedpage (page_id, site_path, content_type_id, path, depth, "
            "shown, sort_date) SELECT p.id, SUBSTR(p.path, 1, %s), p.content_type_id, p.path, "
            "p.depth, (p.live AND a.confidentiality = 'public'), COALESCE(a.date, %s) "
            "FROM wagtailcore_page p INNER JOIN content_articlepage a ON a.page_ptr_id = p.id "
            "WHERE p.id >= %s",
            [2 * Page.steplen, ListedPage.NO_DATE, first_id],
        )
    figures["insert_s"] = round(time.perf_counter() - t0, 1)
    return figures


def check_tree() -> dict:
    """The tree as treebeard would have it: numchild right, every parent there, depth = length.

    Paths are unique by constraint. Raises ``SystemExit`` on a fault; returns timings."""
    from django.db import connection

    t0 = time.perf_counter()
    substr = "SUBSTR" if connection.vendor == "sqlite" else "SUBSTRING"
    checks = {
        "depth": "SELECT COUNT(*) FROM wagtailcore_page WHERE LENGTH(path) != 4 * depth",
        "orphans": f"""SELECT COUNT(*) FROM wagtailcore_page c
            LEFT JOIN wagtailcore_page p ON p.path = {substr}(c.path, 1, LENGTH(c.path) - 4)
            WHERE c.depth > 1 AND p.id IS NULL""",
        "numchild": f"""SELECT COUNT(*) FROM wagtailcore_page p LEFT JOIN (
                SELECT {substr}(path, 1, LENGTH(path) - 4) AS parent, COUNT(*) AS n
                FROM wagtailcore_page WHERE depth > 1 GROUP BY 1
            ) c ON c.parent = p.path WHERE p.numchild != COALESCE(c.n, 0)""",
    }
    faults = {}
    with connection.cursor() as cur:
        for name, sql in checks.items():
            cur.execute(sql)
            faults[name] = cur.fetchone()[0]
        cur.execute("ANALYZE")
    if any(faults.values()):
        raise SystemExit(f"the page tree is wrong: {faults}")
    return {"check_s": round(time.perf_counter() - t0, 1)}


def worker_build(size: int, fresh: bool, sites: int = SITES) -> dict:
    """On this process's database: build from nothing (``fresh``) or grow to ``size`` pages."""
    from django.core.management import call_command

    figures = {}
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    figures["migrate_s"] = round(time.perf_counter() - t0, 1)
    if fresh:
        from benchmarks.evaluation import provision

        t0 = time.perf_counter()
        profiles = provision(sites)
        figures["sites"] = len(profiles)
        figures["sites_s"] = round(time.perf_counter() - t0, 1)
        _log(f"  {len(profiles)} sites in {figures['sites_s']} s")
        t0 = time.perf_counter()
        _make_images(profiles)
        figures["images_s"] = round(time.perf_counter() - t0, 1)
    figures.update(add_pages(size))
    figures.update(check_tree())
    return figures


def _capture(client, url: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # cold: caches of the process
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return {"status": response.status_code, "bytes": len(response.content),
            "queries": len(ctx.captured_queries), "sql": [q["sql"] for q in ctx.captured_queries],
            "json": response.json() if response.status_code == 200 else None}  # fmt: skip


def _explain(sql: str) -> dict:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of one captured query, and what stands out in it."""
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql)
        plan = [" | ".join(str(c) for c in row) for row in cur.fetchall()]
    text = "\n".join(plan)
    ms = re.search(r"Execution Time: ([\d.]+) ms", text)
    return {
        "sql": sql,
        "plan": plan,
        "execution_ms": float(ms.group(1)) if ms else None,
        "seq_scans": sorted(set(re.findall(r"Seq Scan on (\w+)", text))),
        "sorts": re.findall(r"Sort Method: ([^\n]+)", text),
        "rows_scanned_max": max((int(n) for n in re.findall(r"actual time=[\d.]+\.\.[\d.]+ "
                                                            r"rows=(\d+)", text)), default=0),
    }  # fmt: skip


def worker_probe(explain: bool) -> dict:
    """The URLs to load on this database, queries per request, and the listing's plans."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cms.content.models import ArticlePage
    from cms.sitegroup.models import SiteProfile

    call_command("migrate", interactive=False, verbosity=0)  # a kept corpus follows the schema
    if connection.vendor == "postgresql":
        # Statistics and the visibility map of the lists' index (filled by a migration or
        # a bulk insert, not yet seen by autovacuum): as a database in use would have them.
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE content_listedpage")
    total = ArticlePage.objects.count()
    # The largest site: the most article pages (ties: the first code, the province).
    article_type = ContentType.objects.get_for_model(ArticlePage).pk
    with connection.cursor() as cur:
        cur.execute("SELECT SUBSTR(path, 1, 8), COUNT(*) FROM wagtailcore_page "
                    "WHERE content_type_id = %s GROUP BY 1", [article_type])  # fmt: skip
        by_home = dict(cur.fetchall())
    sizes = {p.division_code: by_home.get(p.site.root_page.path, 0)
             for p in SiteProfile.objects.select_related("site__root_page")}  # fmt: skip
    code = max(sizes, key=lambda c: (sizes[c], -int(c)))
    client = Client(HTTP_HOST="127.0.0.1")
    list_url = LIST_URL.format(code=code, fields=LIST_FIELDS)
    first = _capture(client, list_url)
    count = first["json"]["count"]
    deep_url = f"{list_url}&offset={max(count - 20, 0)}"
    deep = _capture(client, deep_url)
    detail_url = DETAIL_URL.format(id=first["json"]["results"][0]["id"], code=code)
    detail = _capture(client, detail_url)
    out = {"pages": total, "site": code, "site_pages": sizes[code], "count": count, "routes": {}}
    for name, url, captured in (("list", list_url, first), ("deep", deep_url, deep),
                                ("detail", detail_url, detail)):  # fmt: skip
        out["routes"][name] = {k: captured[k] for k in ("status", "bytes", "queries", "sql")}
        out["routes"][name]["url"] = url
    # The listing's count and row queries (the ones over the site's pages).
    plans = {}
    for name, captured in (("list", first), ("deep", deep)):
        for sql in captured["sql"]:
            if "wagtailcore_page" not in sql or "content_articlepage" not in sql.lower():
                continue
            if re.search(r"COUNT\(", sql, re.I) and "count" not in plans:
                plans["count"] = _explain(sql)
            elif " ORDER BY " in sql and re.search(r"\bLIMIT\b", sql):
                plans[f"{name}_rows"] = _explain(sql)
    for sql in detail["sql"]:  # the detail's queries over the tree, each timed
        if "wagtailcore_page" in sql:
            plans.setdefault("detail", []).append(_explain(sql))
    out["plans"] = plans
    if explain:
        _log(f"--- EXPLAIN at {total:,} pages (site {code}, {sizes[code]:,} articles)")
        for name, plan in plans.items():
            for p in plan if isinstance(plan, list) else [plan]:
                _log(f"[{name}] {p['sql']}\n  " + "\n  ".join(p["plan"]))
    return out


# --- orchestration --------------------------------------------------------------------------
def ensure_corpus(base_url: str, sizes: list[int], rebuild: bool = False,
                  sites: int = SITES) -> dict:  # fmt: skip
    """Every size's database, built or grown as needed; returns the meta record per size."""
    meta = _read_meta()
    kept = meta.get(base_url, {})
    if rebuild or kept.get("version") != BUILD_VERSION or kept.get("sites") != sites:
        for size in map(int, kept.get("sizes", {})):
            drop_database(size_url(base_url, size))
        for size in sizes:
            drop_database(size_url(base_url, size))
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)
        kept = {"version": BUILD_VERSION, "sites": sites, "sizes": {}}
    built = {int(k): v for k, v in kept["sizes"].items()
             if common.database_exists(size_url(base_url, int(k)))}  # fmt: skip
    for size in sorted(sizes):
        if size in built:
            continue
        url = size_url(base_url, size)
        below = [s for s in built if s < size]
        t0 = time.perf_counter()
        if below:
            source = max(below)
            print(f"growth corpus {size:,}: copy of {source:,}, adding pages ...", flush=True)
            copy_database(size_url(base_url, source), url)
            figures = _worker(url, "build", str(size), str(sites))
            figures["from"] = source
        else:
            print(f"growth corpus {size:,}: from nothing ({sites} sites) ...", flush=True)
            drop_database(url)
            if url.startswith("postgres"):
                common.reset_database(url)
            figures = _worker(url, "build", str(size), str(sites), "--fresh")
        figures["seconds"] = round(time.perf_counter() - t0, 1)
        figures["when"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        print(f"  built {size:,} in {figures['seconds']} s: {json.dumps(figures)}", flush=True)
        built[size] = figures
        kept["sizes"] = {str(k): v for k, v in sorted(built.items())}
        meta[base_url] = kept
        _write_meta(meta)
    return {s: built[s] for s in sizes}


def measure(base_url: str, sizes: list[int], opts) -> dict:
    """Per size: in-process probe (queries, plans), then wrk against an uncached gunicorn."""
    from benchmarks import api

    wrk = None if opts.no_load else api.ensure_wrk()
    results = {}
    for size in sorted(sizes):
        url = size_url(base_url, size)
        probe = _worker(url, "probe", *(["--explain"] if opts.explain else []))
        entry = {"size": size, **probe}
        if wrk:
            port = api.free_port()
            server = api.start_gunicorn(
                env_for(url), port, opts, f"/tmp/lianxi_bench_growth_{size}.log"
            )
            try:
                for name, _label in ROUTES:
                    target = f"http://127.0.0.1:{port}{probe['routes'][name]['url']}"
                    for _ in range(4 * opts.workers):
                        status, nbytes, _headers = api.http_get(target)
                    if opts.warmup > 0:
                        api.run_wrk(wrk, target, opts, opts.warmup)
                    r = api.run_wrk(wrk, target, opts, opts.duration)
                    r.pop("raw", None)
                    entry["routes"][name].update(r, http_status=status, http_bytes=nbytes)
            finally:
                api.stop(server)
        line = "  ".join(
            f"{name} p50 {entry['routes'][name].get('p50_ms', float('nan')):.1f} ms "
            f"({entry['routes'][name]['queries']} q)"
            for name, _label in ROUTES
        )
        print(f"  {size:>9,} pages (site {probe['site']}: {probe['site_pages']:,}): {line}",
              flush=True)  # fmt: skip
        results[size] = entry
    return results


def verdicts(results: dict) -> list[tuple[str, float | None, bool | None]]:
    """p50 at the largest size over p50 at the smallest, per route (target ≤ 1.5)."""
    small, big = min(results), max(results)
    out = []
    for name, label in ROUTES:
        a = results[small]["routes"][name].get("p50_ms")
        b = results[big]["routes"][name].get("p50_ms")
        r = None if not a or not b or a != a or b != b else b / a
        out.append((f"{label}: p50 at {big:,} pages / at {small:,} (<= {TARGET_RATIO}x)", r,
                    None if r is None or small == big else r <= TARGET_RATIO))  # fmt: skip
    return out


def svg_plot(results: dict, title: str, subtitle: str = "") -> str:
    """p50 latency against corpus size (log x axis), one line per route; every value is
    printed in a table under its size, and the target (1.5x the smallest size's listing) is
    drawn dashed."""
    from html import escape

    width, height, left, right, top, bottom = 760, 440, 64, 210, 60, 110
    colors = {"list": "#b5121b", "deep": "#1565c0", "detail": "#2e7d32"}
    sizes = sorted(results)

    def p50(size, name):
        ms = results[size]["routes"][name].get("p50_ms")
        return ms if ms is not None and ms == ms else None

    target = p50(sizes[0], "list") * TARGET_RATIO if p50(sizes[0], "list") else None
    values = [v for v in [p50(s, n) for s in sizes for n, _ in ROUTES] + [target] if v]
    ymax = max(values or [1]) * 1.1
    step = 10 ** math.floor(math.log10(ymax / 4))
    step *= next(m for m in (1, 2, 5, 10) if ymax / (step * m) <= 6)
    lo, hi = math.log10(sizes[0]), math.log10(sizes[-1])
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    pw, ph = width - left - right, height - top - bottom

    def x(size):
        return left + 30 + (math.log10(size) - lo) / (hi - lo) * (pw - 60)

    def y(ms):
        return top + ph - ms / ymax * ph

    font = "font-family=\"system-ui, 'Noto Sans CJK SC', sans-serif\""
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" {font} font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="22" font-size="14" font-weight="bold">{escape(title)}</text>',
           f'<text x="{left}" y="40" fill="#555">{escape(subtitle)}</text>']  # fmt: skip
    tick = 0.0
    while tick <= ymax:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                   f'stroke="#ddd"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
                   f'text-anchor="end">{tick:g}</text>')  # fmt: skip
        tick += step
    out.append(f'<text x="16" y="{top + ph / 2:.1f}" text-anchor="middle" '
               f'transform="rotate(-90 16 {top + ph / 2:.1f})">p50 latency, ms</text>')  # fmt: skip
    if target:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                   f'stroke="#888" stroke-dasharray="6 4"/><text x="{left + pw + 8}" '
                   f'y="{y(target) + 4:.1f}" fill="#555">target: {TARGET_RATIO:g}x at {sizes[0]:,}'
                   "</text>")  # fmt: skip
    for size in sizes:
        cx = x(size)
        out.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{top}" y2="{top + ph}" stroke="#eee"/>'
                   f'<text x="{cx:.1f}" y="{top + ph + 18}" text-anchor="middle" '
                   f'font-weight="bold">{size:,}</text>')  # fmt: skip
        for i, (name, _label) in enumerate(ROUTES):
            ms = p50(size, name)
            text = "-" if ms is None else f"{ms:.0f} ms"
            out.append(f'<text x="{cx:.1f}" y="{top + ph + 36 + 15 * i}" text-anchor="middle" '
                       f'fill="{colors[name]}">{text}</text>')  # fmt: skip
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 8}" text-anchor="middle">'
               "article pages in the corpus (log scale)</text>")  # fmt: skip
    for i, (name, label) in enumerate(ROUTES):
        color = colors[name]
        points = [(x(s), y(p50(s, name))) for s in sizes if p50(s, name)]
        if len(points) > 1:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                       + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>')  # fmt: skip
        out += [
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}"/>' for px, py in points
        ]
        ly = top + ph + 36 + 15 * i  # the row of its values under each size
        out.append(f'<rect x="{left + pw + 8}" y="{ly - 10}" width="11" height="11" fill="{color}"/>'
                   f'<text x="{left + pw + 26}" y="{ly}">{escape(label)}</text>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out) + "\n"


def run(
    base_url: str,
    sizes=DEFAULT_SIZES,
    *,
    rebuild: bool = False,
    duration: float = 5,
    warmup: float = 1,
    connections: int = 8,
    threads: int = 2,
    workers: int | None = None,
    explain: bool = False,
    no_load: bool = False,
    plot: Path | None = PLOT_FILE,
    sites: int = SITES,
) -> dict:
    """Build or reuse the corpus, measure every size, judge and plot; returns the figures."""
    sizes = sorted(int(s) for s in sizes)
    opts = SimpleNamespace(
        duration=duration, warmup=warmup, connections=connections, threads=threads,
        workers=workers or os.cpu_count() or 2, worker_class="sync", threads_per_worker=1,
        explain=explain, no_load=no_load,
    )  # fmt: skip
    t0 = time.perf_counter()
    builds = ensure_corpus(base_url, sizes, rebuild, sites)
    build_s = round(time.perf_counter() - t0, 1)
    load_before = common.loadavg()
    results = measure(base_url, sizes, opts)
    checks = verdicts(results)
    engine = "sqlite" if base_url.startswith("sqlite:") else "postgresql"
    print()
    print(f"{'pages':>10} {'route':<32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8}")
    for size, entry in results.items():
        for name, label in ROUTES:
            r = entry["routes"][name]
            print(f"{size:>10,} {label:<32} {r.get('rps', float('nan')):>8.1f} "
                  f"{r.get('p50_ms', float('nan')):>8.1f} {r.get('p99_ms', float('nan')):>8.1f} "
                  f"{r['queries']:>8}")  # fmt: skip
    for label, r, ok in checks:
        mark = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        print(f"  [{mark}] {label}: " + ("-" if r is None else f"{r:.2f}x"))
    summary = {
        "engine": engine,
        "machine": common.machine(load_before=load_before, load_after=common.loadavg()),
        "builds": builds, "build_or_reuse_s": build_s,
        "results": {str(k): v for k, v in results.items()},
        "checks": [(label, r, "n/a" if ok is None else ("PASS" if ok else "FAIL"))
                   for label, r, ok in checks],
    }  # fmt: skip
    if plot and not no_load and len(results) > 1:
        title = f"Uncached /api/v1/pages/ p50 by corpus size ({engine}, {SITES} sites)"
        subtitle = (f"{os.cpu_count()} cores, gunicorn {opts.workers} sync workers, wrk -c{connections} "
                    f"-d{duration:g}s; load average {load_before} before; largest site's list")  # fmt: skip
        Path(plot).write_text(svg_plot(results, title, subtitle))
        summary["plot"] = str(plot)
        print(f"plot: {plot}")
    out = RESULTS_FILE.format(engine=engine)
    Path(out).write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    print(f"results: {out}")
    return summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help="base URL: the sizes' databases are named after it")  # fmt: skip
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--sites", type=int, default=SITES, help="at least 26 (the demo group)")
    parser.add_argument("--rebuild-growth", action="store_true", help="build every size again")
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--warmup", type=float, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--explain", action="store_true", help="print the listing's plans")
    parser.add_argument("--no-load", action="store_true", help="build and probe only")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--fresh", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _setup_django()
        kind, *params = args.worker
        if kind == "build":
            figures = worker_build(int(params[0]), args.fresh, int(params[1]))
        else:
            figures = worker_probe(args.explain)
        print(json.dumps(figures, default=str))
        return 0
    if args.duration > 120:
        parser.error("--duration is capped at 120 s")
    run(args.database_url, [int(s) for s in args.sizes.split(",")], rebuild=args.rebuild_growth,
        duration=args.duration, warmup=args.warmup, connections=args.connections,
        threads=args.threads, workers=args.workers, explain=args.explain,
        no_load=args.no_load, plot=None if args.no_plot else PLOT_FILE, sites=args.sites)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
