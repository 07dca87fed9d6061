"""Running an inspection: every indicator on every site, a score, findings, the staff told.

One run, three steps, so that a whole group's links are checked together (a host
linked from every site is asked once per URL, politely):

1. **Read** each site: its live pages, their texts re-scanned with today's word
   lists, their links; the content indicators are evaluated there and then.
2. **Check** every outbound link of every site (``linkcheck``).
3. **Score** each site: the remaining indicators (links, availability, messages,
   suggestions), the deductions (100 points; ``score.pass`` to pass) and the
   single-item vetoes (a veto fails the site whatever its score); the result and
   its findings are written in one transaction, the site's newest result marked,
   and the site's staff notified of what is new.

Running twice gives the same findings (every indicator is a function of the data;
findings are ordered); a fixed cause is not found again, and a lasting problem
keeps the date it was first found. A scheduled run has a key (its day): a worker
that died in the middle runs it again and carries on with the sites not done.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cms.plugins import enabled_site_ids
from cms.services import notifications

from . import linkcheck
from .indicators import ALL, Result, SiteContext
from .indicators.base import ZERO
from .models import Finding, InspectionRun, SiteInspection, Trigger
from .thresholds import Numbers

logger = logging.getLogger(__name__)
HISTORY = 12
KIND = "evaluation.findings"
Progress = Callable[[str, int, int], None]


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def sites_to_inspect(profiles=None) -> list:
    """The sites (``SiteProfile``) with the plugin on, in tree order; all of them by default."""
    from wagtail.models import Site

    ids = set(enabled_site_ids("evaluation"))
    if profiles is not None:
        ids &= {p.site_id for p in profiles}
    sites = Site.objects.filter(pk__in=ids).select_related("root_page", "profile__parent")
    chosen = [s.profile for s in sites if getattr(s, "profile", None) is not None]
    return sorted(chosen, key=lambda p: (p.site.root_page.path, p.division_code))


def run(
    profiles=None,
    *,
    trigger: str = Trigger.MANUAL,
    user=None,
    key: str | None = None,
    progress: Progress | None = None,
    check_outbound: bool | None = None,
) -> InspectionRun:
    """Inspect ``profiles`` (default: every site with the plugin on) as one run."""
    from django.apps import apps

    progress = progress or _quiet
    config = apps.get_app_config("evaluation").plugin_settings
    if check_outbound is None:
        check_outbound = bool(config["CHECK_OUTBOUND_LINKS"])
    chosen = sites_to_inspect(profiles)
    run_row = _open_run(key, trigger, user, len(chosen))
    done = set(run_row.results.values_list("site_id", flat=True))
    todo = [p for p in chosen if p.site_id not in done]
    numbers = Numbers()
    now = timezone.now()
    contexts, partial = [], {}
    for i, profile in enumerate(todo, 1):
        ctx = SiteContext(profile, numbers.for_site(profile.site_id, profile.level), now)
        ctx.read_texts()
        partial[profile.site_id] = [ind.evaluate(ctx) for ind in ALL if ind.phase == "content"]
        ctx.release()
        contexts.append(ctx)
        progress("读取站点内容", i, len(todo))
    urls = set().union(*(ctx.outbound_urls() for ctx in contexts)) if contexts else set()
    outcomes = linkcheck.check(urls, progress) if check_outbound and urls else {}
    for i, ctx in enumerate(contexts, 1):
        ctx.outcomes = outcomes
        late = {ind.code: ind.evaluate(ctx) for ind in ALL if ind.phase == "late"}
        early = {r.code: r for r in partial.pop(ctx.site.pk)}
        results = [early.get(ind.code) or late[ind.code] for ind in ALL]
        save(run_row, ctx, results)
        progress("评分并保存", i, len(contexts))
    InspectionRun.objects.filter(pk=run_row.pk).update(
        finished_at=timezone.now(), links_checked=run_row.links_checked + len(urls),
        site_count=run_row.results.count(),
    )  # fmt: skip
    run_row.refresh_from_db()
    return run_row


def _open_run(key, trigger, user, count) -> InspectionRun:
    fields = {"trigger": trigger, "site_count": count,
              "started_by": user if getattr(user, "is_authenticated", False) else None}  # fmt: skip
    if key is None:
        return InspectionRun.objects.create(**fields)
    try:
        with transaction.atomic():
            return InspectionRun.objects.create(key=key, **fields)
    except IntegrityError:
        return InspectionRun.objects.get(key=key)


# --- scoring and saving -----------------------------------------------------------------


def score_of(ctx: SiteContext, results: list[Result]) -> tuple[Decimal, Decimal, bool, bool]:
    """(score, deductions, vetoed, passed): 100 less the deductions (at most 100)."""
    deductions = min(sum((r.deduction for r in results if r.applicable), ZERO), Decimal(100))
    score = Decimal(100) - deductions
    vetoed = any(r.veto for r in results if r.applicable)
    return score, deductions, vetoed, (not vetoed and score >= ctx.n("score.pass"))


def save(run_row: InspectionRun, ctx: SiteContext, results: list[Result]) -> SiteInspection:
    score, deductions, vetoed, passed = score_of(ctx, results)
    with transaction.atomic():
        previous = (
            SiteInspection.objects.select_for_update()
            .filter(site=ctx.site, is_latest=True)
            .order_by("-inspected_at", "-pk")
            .first()
        )
        seen: dict[tuple[str, str], dt.datetime] = {}
        if previous is not None:
            seen = {(i, k): at for i, k, at in previous.findings.values_list(
                "indicator", "key", "first_seen_at")}  # fmt: skip
        history = [*(previous.history if previous else [])][-(HISTORY - 1) :]
        history.append([timezone.localdate(ctx.now).isoformat(), float(score), vetoed])
        SiteInspection.objects.filter(site=ctx.site, is_latest=True).update(is_latest=False)
        inspection = SiteInspection.objects.create(
            run=run_row, site=ctx.site, inspected_at=ctx.now, score=score, deductions=deductions,
            vetoed=vetoed, passed=passed, veto_count=sum(1 for r in results if r.veto),
            finding_count=sum(len(r.findings) for r in results),
            indicators=[r.as_json() for r in results], is_latest=True, history=history,
        )  # fmt: skip
        rows, position = [], 0
        for result in results:
            for found in result.findings:
                position += 1
                rows.append(Finding(
                    site=ctx.site, inspection=inspection, position=position,
                    indicator=result.code, key=found.key[:255], severity=found.severity,
                    points=found.points, title=found.title[:300], detail=found.detail,
                    target_label=found.target_label[:300], target_url=found.target_url[:500],
                    link_url=found.link_url[:2000],
                    first_seen_at=seen.get((result.code, found.key[:255]), ctx.now),
                ))  # fmt: skip
        Finding.objects.bulk_create(rows, batch_size=500)
        _tell_staff(ctx, inspection, rows, previous)
    return inspection


def site_url(profile) -> str:
    return reverse("evaluation_site", args=[profile.division_code])


def _staff(profile) -> list:
    users = []
    for group in (profile.editors_group, profile.first_reviewers_group,
                  profile.final_reviewers_group):  # fmt: skip
        if group is not None:
            users += list(group.user_set.filter(is_active=True))
    return users


def _tell_staff(ctx, inspection, rows, previous) -> None:
    """New findings (or a new veto) go to the site's staff: inbox first, then their channels."""
    new = [f for f in rows if f.first_seen_at == ctx.now]
    newly_vetoed = inspection.vetoed and not (previous is not None and previous.vetoed)
    if not new and not newly_vetoed:
        return
    profile = ctx.profile
    verdict = "单项否决" if inspection.vetoed else ("合格" if inspection.passed else "不合格")
    lines = [f"· {f.title}" for f in new[:5]]
    if len(new) > 5:
        lines.append(f"……共{len(new)}项新问题")
    body = (f"{profile.name}本次考评得分{inspection.score_text}分({verdict}),"
            f"发现{len(new)}项新问题:\n" + "\n".join(lines) + "\n请登录后台“网站考评”查看并整改。")  # fmt: skip
    notifications.notify(
        _staff(profile), f"网站考评:{profile.name}{inspection.score_text}分({verdict})", body,
        kind=KIND, site=ctx.site, url=site_url(profile), dedupe_key=f"evaluation:{inspection.pk}",
    )  # fmt: skip
