#!/usr/bin/env python
"""Benchmark of the consultations plugin: a provincial draft of 120 articles and 20,000 comments.

    .venv/bin/python benchmarks/consultations.py [--articles 120] [--comments 20000]
        [--database-url postgresql://postgres@127.0.0.1:5432/lianxi_bench_consultations]
        [--requests 30] [--writes 600] [--citizens 300]

1. **Build**: a fresh throwaway database (``/tmp/lianxi_bench_consultations.sqlite3`` or
   ``--database-url``: PostgreSQL databases named ``lianxi_bench…`` only, dropped and
   created again), ``migrate``, the province's site, ``--citizens`` citizens' accounts
   (verified mobile numbers, bearer tokens); a draft of ``--articles`` articles in
   chapters (paragraphs and items) saved through ``workflow.save_version`` and published.
2. **Commenting** (the real path): ``--writes`` comments POSTed through the API
   (``/api/v1/consultations/comments/``, bearer tokens, ``Idempotency-Key``, screened by
   moderation), spread over the citizens: writes per second, sequential, one process; with
   ``--server``, to gunicorn (``--workers`` × ``--threads``) from ``--clients`` threads, as
   ``benchmarks/writes.py`` measures the core's writes (``--redis-url`` as there).
3. **Load**: the rest of ``--comments`` bulk-inserted as the API would leave them (on
   articles, paragraphs and the whole draft; a tenth by deputies; a few held), skewed
   towards some articles.
4. **Measure** (Django test client, in-process, the API cache off: every answer computed;
   ``--requests`` times each after one warm-up): the public draft with per-article counts
   while open; then the window closed by the sweep, a second version, every comment
   decided in groups (a decision per article and result, a third linked to the changed
   article), the report published (built and stored then: its time is printed); the
   feedback report (served as stored) and the comments' texts.
5. Prints the figures and PASS/FAIL: public draft and feedback report p95 < 200 ms (on
   PostgreSQL), commenting ≥ 100 writes/s. Writes them to
   ``/tmp/lianxi_bench_consultations_results-<engine>.json``. Benchmark only: never run
   by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import common  # noqa: E402

DEFAULT_DATABASE_URL = "sqlite:////tmp/lianxi_bench_consultations.sqlite3"
MEDIA_ROOT = "/tmp/lianxi_bench_consultations_media"
STATIC_ROOT = "/tmp/lianxi_bench_static"
RESULTS_FILE = "/tmp/lianxi_bench_consultations_results-{engine}.json"
TARGET_P95_MS = 200
TARGET_WRITES = 100
PROVINCE = "340000"
SUBJECTS = ("县级以上人民政府", "生态环境主管部门", "乡镇人民政府", "村民委员会", "经营者",
            "行业协会", "公安机关", "教育主管部门", "自然资源主管部门", "住房城乡建设主管部门")  # fmt: skip
DUTIES = ("应当建立健全工作机制,加强统筹协调", "应当做好宣传教育工作,提高公众参与度",
          "应当将所需经费纳入本级财政预算", "应当依法公开相关信息,接受社会监督",
          "应当制定应急预案,定期组织演练", "应当加强监督检查,及时查处违法行为")  # fmt: skip
OPINIONS = ("建议明确{s}的具体职责和时限。", "本条表述过于原则,建议细化可操作的措施。",
            "建议增加对违反本条行为的处罚规定。", "建议将“应当”改为“必须”,加强约束力。",
            "本条与上位法规定不完全一致,建议核对。", "建议听取基层群众和企业的意见后再作规定。",
            "赞成本条规定,建议尽快出台配套细则。", "建议明确经费保障渠道,避免落实不到位。")  # fmt: skip


def setup_django(args) -> None:
    common.setup_django(args.database_url, MEDIA_ROOT, STATIC_ROOT)


def draft_text(articles: int, per_chapter: int = 12) -> str:
    """A draft in chapters without sections; every fifth article has a second paragraph,
    every seventh a list of three items."""
    from plugins.consultations.structure import int_to_cn

    lines = ["安徽省生态环境保护条例(草案)", "(征求意见稿)"]
    chapter = 0
    for n in range(1, articles + 1):
        if (n - 1) % per_chapter == 0:
            chapter += 1
            lines.append(f"第{int_to_cn(chapter)}章　第{int_to_cn(chapter)}部分")
        lines.append(
            f"第{int_to_cn(n)}条　{SUBJECTS[n % len(SUBJECTS)]}{DUTIES[n % len(DUTIES)]}。"
        )
        if n % 5 == 0:
            lines.append("前款规定的具体办法,由省人民政府另行制定。")
        if n % 7 == 0:
            lines.append("有关部门应当履行下列职责:")
            lines += [f"({int_to_cn(i)})第{i}项职责;" for i in (1, 2, 3)]
    return "\n".join(lines)


# --- build -------------------------------------------------------------------------------
def build(args) -> dict:
    from cms.services import accounts
    from cms.sitegroup.provisioning import SiteSpec, provision_site
    from fixtures import anhui
    from plugins.consultations import structure, workflow
    from plugins.consultations.models import Consultation, Kind

    region = anhui.region(PROVINCE)
    profile, _ = provision_site(SiteSpec(
        division_code=region.code, name=region.site_name, region_name=region.region_name,
        short_name=region.short_name, english_name=region.english_name, parent_code=None,
        is_default_site=True,
    ))  # fmt: skip
    today = dt.date.today()
    consultation = Consultation.objects.create(
        site=profile.site, kind=Kind.DRAFT, title="关于《安徽省生态环境保护条例(草案)》公开征求意见",
        opens_on=today, closes_on=today + dt.timedelta(days=30),
    )  # fmt: skip
    t0 = time.perf_counter()
    version = workflow.save_version(consultation, structure.parse_text(draft_text(args.articles)))
    saved_s = time.perf_counter() - t0
    workflow.publish(consultation)
    tokens = []
    for i in range(args.citizens):
        user = accounts.citizen_account(f"139{i:08d}").user
        tokens.append(accounts.issue_tokens(user, device_id=f"bench-{i}").access_token)
    return {"profile": profile, "consultation": consultation, "version": version,
            "tokens": tokens, "save_version_s": round(saved_s, 2)}  # fmt: skip


def commenting(built: dict, writes: int) -> dict:
    """POST ``writes`` comments through the API, spread over the citizens."""
    from django.test import Client

    from plugins.consultations.models import Provision

    rng = random.Random(7)
    version = built["version"]
    targets = list(Provision.objects.filter(version=version, kind__in=("article", "paragraph"))
                   .values_list("pk", flat=True))  # fmt: skip
    client = Client(HTTP_HOST="127.0.0.1")
    url = f"/api/v1/consultations/comments/?site={PROVINCE}"
    statuses: dict[int, int] = {}
    times = []
    started = time.perf_counter()
    for i in range(writes):
        token = built["tokens"][i % len(built["tokens"])]
        body = {"consultation": built["consultation"].pk, "provision": rng.choice(targets),
                "text": rng.choice(OPINIONS).format(s="有关部门")}  # fmt: skip
        t0 = time.perf_counter()
        response = client.post(url, body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}",
                               HTTP_IDEMPOTENCY_KEY=f"bench-comment-{i:08d}")  # fmt: skip
        times.append((time.perf_counter() - t0) * 1000)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    seconds = time.perf_counter() - started
    return {"writes": writes, "seconds": round(seconds, 2),
            "per_second": round(writes / seconds, 1) if seconds else 0.0,
            "p50_ms": round(common.pct(times, 50), 1), "p95_ms": round(common.pct(times, 95), 1),
            "statuses": statuses}  # fmt: skip


def commenting_server(built: dict, args) -> dict:
    """``--writes`` comments POSTed to gunicorn as ``benchmarks/writes.py`` posts its reports
    (its server: ``--workers`` × ``--threads``, the product's settings, throttles raised;
    ``--clients`` threads, bearer tokens, an ``Idempotency-Key`` each)."""
    from benchmarks import writes as server
    from plugins.consultations.models import Provision

    rng = random.Random(7)
    targets = list(Provision.objects.filter(version=built["version"],
                                            kind__in=("article", "paragraph"))
                   .values_list("pk", flat=True))  # fmt: skip
    plan = [(built["tokens"][i % len(built["tokens"])], rng.choice(targets),
             rng.choice(OPINIONS).format(s="有关部门"), f"bench-server-{i:08d}")
            for i in range(args.writes)]  # fmt: skip
    path = f"/api/v1/consultations/comments/?site={PROVINCE}"
    proc = server.start_server(args, args.port)
    lock = threading.Lock()
    statuses: dict[int, int] = {}
    times: list[float] = []

    poster = common.JsonPoster(args.port)

    def post(item):
        token, provision, text, key = item
        body = json.dumps({"consultation": built["consultation"].pk, "provision": provision,
                           "text": text}, ensure_ascii=False).encode()  # fmt: skip
        t0 = time.perf_counter()
        status, _headers = poster.post(path, body, {
            "Authorization": f"Bearer {token}", "Idempotency-Key": key,
            "Content-Type": "application/json"})  # fmt: skip
        with lock:
            times.append((time.perf_counter() - t0) * 1000)
            statuses[status] = statuses.get(status, 0) + 1

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(post, plan))
        seconds = time.perf_counter() - started
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    return {"writes": args.writes, "seconds": round(seconds, 2),
            "per_second": round(args.writes / seconds, 1) if seconds else 0.0,
            "p50_ms": round(common.pct(times, 50), 1), "p95_ms": round(common.pct(times, 95), 1),
            "statuses": statuses,
            "server": f"gunicorn {args.workers}x{args.threads}, {args.clients} clients"
                      + (", Redis" if args.redis_url else "")}  # fmt: skip


def load_comments(built: dict, total: int) -> int:
    """The rest of the comments, bulk-inserted (skewed: a few articles draw most)."""
    from django.contrib.auth import get_user_model

    from plugins.consultations.models import Comment, Provision

    rng = random.Random(11)
    consultation, version = built["consultation"], built["version"]
    have = Comment.objects.filter(consultation=consultation).count()
    rows = list(Provision.objects.filter(version=version, kind__in=("article", "paragraph"))
                .values_list("pk", "kind", "article_id"))  # fmt: skip
    weights = [1.0 / (1 + (i % 40)) for i in range(len(rows))]
    users = list(
        get_user_model().objects.filter(account__isnull=False).values_list("pk", flat=True)
    )
    batch = []
    for _ in range(max(total - have, 0)):
        if rng.random() < 0.03:
            pk, kind, article = None, None, None
        else:
            pk, kind, article = rng.choices(rows, weights)[0]
        batch.append(Comment(
            site_id=consultation.site_id, consultation=consultation, version=version,
            provision_id=pk, article_id=pk if kind == "article" else article,
            author_id=rng.choice(users), as_deputy=rng.random() < 0.1,
            text=rng.choice(OPINIONS).format(s=rng.choice(SUBJECTS)),
            moderation_status="pending" if rng.random() < 0.02 else "approved",
        ))  # fmt: skip
    Comment.objects.bulk_create(batch, batch_size=2000)
    return len(batch)


def close_and_decide(built: dict) -> dict:
    """Closed by the sweep, a second version, every approved comment decided in groups
    (per article and result), a third of the adopted linked to the changed article."""
    from django.db.models import F

    from plugins.consultations import structure, workflow
    from plugins.consultations.models import Comment, Consultation, Decision, Stage

    consultation = built["consultation"]
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=F("opens_on") - dt.timedelta(days=40), closes_on=F("closes_on") - dt.timedelta(days=40)
    )  # fmt: skip
    workflow.run_window()
    consultation.refresh_from_db()
    text = draft_text(built["version"].provisions.filter(kind="article").count())
    second_text = "\n".join(line + "(已修改)" if i % 9 == 0 and line.startswith("第") and "条" in line[:8]
                            else line for i, line in enumerate(text.split("\n")))  # fmt: skip
    second = workflow.save_version(
        consultation, structure.parse_text(second_text), stage=Stage.SECOND
    )
    new_articles = {p.number: p for p in second.provisions.filter(kind="article")}
    rng = random.Random(5)
    results = ("adopted", "partly", "not_adopted")
    groups: dict[tuple, list[int]] = {}
    for pk, article, number in Comment.objects.filter(consultation=consultation,
                                                      moderation_status="approved")\
            .values_list("pk", "article_id", "article__number"):  # fmt: skip
        groups.setdefault((article, number, rng.choice(results)), []).append(pk)
    decisions = 0
    for (_article, number, result), ids in groups.items():
        changed = (
            new_articles.get(number) if result != "not_adopted" and rng.random() < 0.33 else None
        )
        decision = Decision.objects.create(consultation=consultation, result=result,
                                           reason="经研究," + {"adopted": "已采纳。", "partly": "部分采纳。",
                                                               "not_adopted": "草案已有规定。"}[result],
                                           changed_provision=changed)  # fmt: skip
        Comment.objects.filter(pk__in=ids).update(decision=decision)
        decisions += 1
    t0 = time.perf_counter()
    workflow.publish_report(consultation, summary="意见采纳情况。")  # builds and stores the report
    return {"decisions": decisions, "publish_report_ms": round((time.perf_counter() - t0) * 1000)}


def measure(urls: dict[str, str], requests: int) -> dict:
    from django.test import Client

    return common.measure_urls(Client(HTTP_HOST="127.0.0.1"), urls, requests, width=40)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--citizens", type=int, default=300)
    parser.add_argument("--writes", type=int, default=600)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument(
        "--server",
        action="store_true",
        help="POST the comments to gunicorn with client threads, as "
        "benchmarks/writes.py does (else: the test client, one process)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8198)
    parser.add_argument("--redis-url", default="",
                        help="with --server: the throttles' and cache's Redis, e.g. "
                        "redis://127.0.0.1:6379/14")  # fmt: skip
    args = parser.parse_args(argv)

    common.reset_database(args.database_url)
    setup_django(args)
    from django.core.management import call_command
    from django.db import connection

    engine = connection.vendor
    print(f"database: {engine}; load {common.loadavg()}", flush=True)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.perf_counter() - t0:.0f} s", flush=True)
    built = build(args)
    print(f"built: {args.articles} articles (saved in {built['save_version_s']} s), "
          f"{args.citizens} citizens", flush=True)  # fmt: skip
    writes = commenting_server(built, args) if args.server else commenting(built, args.writes)
    print(f"commenting: {json.dumps(writes)}", flush=True)
    loaded = load_comments(built, args.comments)
    print(f"loaded {loaded} more comments", flush=True)
    if engine == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    pk = built["consultation"].pk
    print("requests (open):", flush=True)
    results = measure({
        "public draft with counts": f"/api/v1/consultations/{pk}/?site={PROVINCE}",
        "open consultations list": f"/api/v1/consultations/?site={PROVINCE}&status=open",
    }, args.requests)  # fmt: skip
    decided = close_and_decide(built)
    print(f"closed and decided: {json.dumps(decided)}", flush=True)
    if engine == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    print("requests (closed, report published):", flush=True)
    results |= measure({
        "feedback report": f"/api/v1/consultations/{pk}/report/?site={PROVINCE}",
        "comments' texts, page 1": f"/api/v1/consultations/{pk}/comments/?site={PROVINCE}",
        "comments' texts, one article": f"/api/v1/consultations/{pk}/comments/?site={PROVINCE}"
                                        f"&article={built['version'].provisions.filter(kind='article').first().pk}",
    }, args.requests)  # fmt: skip

    # The report is served as stored at publication: it must be what computing it gives.
    from django.test import Client

    from plugins.consultations import report

    served = json.loads(
        Client(HTTP_HOST="127.0.0.1").get(results["feedback report"]["url"]).content
    )
    served.pop("consultation")
    computed = json.loads(json.dumps(report.feedback_report(built["consultation"]), default=str))
    checks = {
        "stored feedback report == computed": served == computed,
        "every answer 200": all(r["status"] == 200 for r in results.values()),
        "every comment POST 201": set(writes["statuses"]) == {201},
        f"public draft and feedback report p95 < {TARGET_P95_MS} ms": all(
            results[k]["p95_ms"] < TARGET_P95_MS
            for k in ("public draft with counts", "feedback report")
        ),
        f"commenting >= {TARGET_WRITES} writes/s": writes["per_second"] >= TARGET_WRITES,
    }
    print("verdict:")
    for name, ok in checks.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    if engine != "postgresql":
        print("  (the targets are for PostgreSQL; this run is on", engine + ")")
    out = {"machine": common.machine(load=common.loadavg()), "args": vars(args),
           "commenting": writes, "requests": results, "decided": decided, "checks": checks}  # fmt: skip
    Path(RESULTS_FILE.format(engine=engine)).write_text(json.dumps(out, ensure_ascii=False, indent=2,
                                                                   default=str))  # fmt: skip
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
