"""The province's view (网站考评 in the admin menu), and each site's own.

* 考评总览 (``evaluation_overview``): every site the user holds with the plugin on —
  the province sees every city and county, a city its counties, a county itself —
  with its newest score, vetoes and trend, worst first; the figures over the sites
  with their denominators; two SVG charts; ``?scope=<code>`` narrows to a site and
  the sites under it (a city over its counties), ``?level=`` to a level.
* 站点考评 (``evaluation_site``): one site's inspection (the newest, or
  ``?inspection=<id>``): each indicator's figure, deduction and veto, every finding
  with the page or record to fix, the score's history.
* 考评发现 (``evaluation_finding``): one finding, and since when it has been found.
* 考评记录 (``evaluation_runs``) and the Excel report of any run or site inspection.
* 立即考评 (``evaluation_start``, POST): runs an inspection of the chosen sites as a
  background job with a progress page.

Who: a user with ``evaluation.view_siteinspection`` sees the sites they hold with the
plugin on (``cms.plugins.site_access``); another site's rows answer 404. Running an
inspection needs ``evaluation.run_inspection``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from wagtail.models import Site

from cms.plugins import site_access
from cms.services import audit, jobs, spreadsheets
from cms.services import charts as chart_service

from . import charts, report
from .indicators import ALL, NAMES
from .models import Finding, InspectionRun, SiteInspection

LABEL = "evaluation"
LEVELS = (("", "全部层级"), ("province", "省级"), ("municipal", "设区的市级"), ("county", "县级"))


def held_ids(request) -> frozenset[int]:
    """The sites whose results the user may read; 404 for anyone else."""
    if not request.user.has_perm("evaluation.view_siteinspection"):
        raise Http404
    ids = site_access(request).plugin_site_ids(LABEL)
    if not ids:
        raise Http404
    return ids


def can_see(request) -> bool:
    return request.user.has_perm("evaluation.view_siteinspection") and bool(
        site_access(request).plugin_site_ids(LABEL)
    )


def _profiles(ids) -> dict[int, object]:
    sites = Site.objects.filter(pk__in=ids).select_related("profile__parent")
    return {s.pk: s.profile for s in sites if getattr(s, "profile", None) is not None}


def _scope(profiles: dict, code: str) -> set[int]:
    """The site with ``code`` and every held site below it (by ``SiteProfile.parent``)."""
    by_pk = {p.pk: p for p in profiles.values()}
    top = next((p for p in profiles.values() if p.division_code == code), None)
    if top is None:
        raise Http404

    def under(p) -> bool:
        seen = set()
        while p is not None and p.pk not in seen:
            if p.pk == top.pk:
                return True
            seen.add(p.pk)
            p = by_pk.get(p.parent_id)
        return False

    return {site_id for site_id, p in profiles.items() if under(p)}


def verdict_html(inspection) -> str:
    """合格 / 不合格 / 单项否决 (or 尚未考评), as the tables show it."""
    if inspection is None:
        return mark_safe('<span class="w-text-grey-400">尚未考评</span>')
    if inspection.vetoed:
        return mark_safe('<strong class="w-text-critical-200">单项否决</strong>')
    if inspection.passed:
        return mark_safe("<span>合格</span>")
    return mark_safe('<strong class="w-text-critical-200">不合格</strong>')


def _sort_key(row):
    inspection = row["inspection"]
    if inspection is None:
        return (2, 0, row["profile"].division_code)
    return (0 if inspection.vetoed else 1, float(inspection.score), row["profile"].division_code)


def overview(request):
    ids = held_ids(request)
    profiles = _profiles(ids)
    parents = {p.parent_id for p in profiles.values() if p.parent_id}
    scopes = sorted((p for p in profiles.values() if p.pk in parents),
                    key=lambda p: (p.level != "province", p.division_code))  # fmt: skip
    code, level = request.GET.get("scope", ""), request.GET.get("level", "")
    shown = _scope(profiles, code) if code else set(profiles)
    if level:
        shown = {i for i in shown if profiles[i].level == level}
    latest = {
        si.site_id: si
        for si in SiteInspection.objects.filter(site_id__in=shown, is_latest=True).defer("run_id")
    }
    rows = []
    for site_id in shown:
        inspection = latest.get(site_id)
        profile = profiles[site_id]
        history = inspection.history if inspection else []
        delta = round(history[-1][1] - history[-2][1], 1) if len(history) > 1 else None
        rows.append({
            "profile": profile, "inspection": inspection, "code": profile.division_code,
            "name": profile.name, "url": reverse("evaluation_site", args=[profile.division_code]),
            "parent": (profile.parent.short_name or profile.parent.name) if profile.parent else "—",
            "verdict": verdict_html(inspection),
            "score": inspection.score_text if inspection else "—",
            "vetoes": "、".join(inspection.vetoes) or "—" if inspection else "",
            "findings": inspection.finding_count if inspection else "",
            "when": timezone.localtime(inspection.inspected_at).strftime("%Y-%m-%d %H:%M")
            if inspection else "",
            "trend": charts.sparkline(history, f"{profile.name}得分走势"),
            "delta": "—" if delta is None else f"{delta:+g}",
        })  # fmt: skip
    rows.sort(key=_sort_key)
    inspected = [r["inspection"] for r in rows if r["inspection"] is not None]
    figures = {
        "sites": len(rows), "inspected": len(inspected),
        "passed": sum(1 for i in inspected if i.passed),
        "vetoed": sum(1 for i in inspected if i.vetoed),
        "failed": sum(1 for i in inspected if not i.passed and not i.vetoed),
        "mean": round(sum(float(i.score) for i in inspected) / len(inspected), 1) if inspected else None,
    }  # fmt: skip
    per_indicator = _per_indicator(inspected)
    context = {
        "rows": rows, "figures": figures, "per_indicator": per_indicator, "scopes": scopes,
        "scope": code, "level": level, "levels": LEVELS,
        "can_run": request.user.has_perm("evaluation.run_inspection"),
        "charts": {
            "bands": chart_service.cached(charts.score_bands, charts.band_counts(
                [(float(i.score), i.vetoed) for i in inspected])) if inspected else "",
            "indicators": chart_service.cached(charts.indicators, [f["name"] for f in per_indicator],
                                               per_indicator) if inspected else "",
        },
    }  # fmt: skip
    return TemplateResponse(request, "evaluation/overview.html", context)


def _per_indicator(inspected) -> list[dict]:
    figures = {i.code: {"code": i.code, "name": i.name, "applicable": 0, "vetoed": 0,
                        "deducted": 0} for i in ALL}  # fmt: skip
    for inspection in inspected:
        for item in inspection.indicators:
            f = figures.get(item["code"])
            if f is None or not item.get("applicable"):
                continue
            f["applicable"] += 1
            f["vetoed"] += bool(item.get("veto"))
            f["deducted"] += bool(item.get("deduction")) and not item.get("veto")
    return list(figures.values())


# --- one site ---------------------------------------------------------------------------


def _site_profile(request, code: str):
    ids = held_ids(request)
    site = Site.objects.filter(pk__in=ids, profile__division_code=code).select_related(
        "profile__parent"
    )
    found = site.first()
    if found is None:
        raise Http404
    return found.profile


def site_view(request, code: str):
    profile = _site_profile(request, code)
    inspections = SiteInspection.objects.filter(site_id=profile.site_id)
    wanted = request.GET.get("inspection", "")
    inspection = (
        inspections.filter(pk=int(wanted)).first() if wanted.isdigit()
        else inspections.filter(is_latest=True).first()
    )  # fmt: skip
    if wanted and inspection is None:
        raise Http404
    findings = list(inspection.findings.all()) if inspection else []
    groups = []
    for item in inspection.indicators if inspection else []:
        groups.append({"indicator": item,
                       "findings": [f for f in findings if f.indicator == item["code"]]})  # fmt: skip
    recent = list(inspections.select_related("run").only(
        "pk", "inspected_at", "score", "vetoed", "passed", "finding_count", "run__trigger")[:30])  # fmt: skip
    history = inspection.history if inspection else []
    context = {
        "profile": profile, "inspection": inspection, "groups": groups, "recent": recent,
        "can_run": request.user.has_perm("evaluation.run_inspection"),
        "chart": chart_service.cached(charts.score_history, history) if len(history) > 1 else "",
    }  # fmt: skip
    return TemplateResponse(request, "evaluation/site.html", context)


def finding_view(request, pk: int):
    ids = held_ids(request)
    finding = Finding.objects.filter(pk=pk, site_id__in=ids).select_related(
        "inspection", "site__profile").first()  # fmt: skip
    if finding is None:
        raise Http404
    same = list(
        Finding.objects.filter(site_id=finding.site_id, indicator=finding.indicator,
                               key=finding.key)
        .select_related("inspection").order_by("-inspection__inspected_at")[:30]
    )  # fmt: skip
    latest = SiteInspection.objects.filter(site_id=finding.site_id, is_latest=True).first()
    still = latest is not None and any(f.inspection_id == latest.pk for f in same)
    context = {"finding": finding, "profile": finding.site.profile, "same": same,
               "latest": latest, "still": still, "indicator_name": NAMES.get(finding.indicator, "")}  # fmt: skip
    return TemplateResponse(request, "evaluation/finding.html", context)


# --- runs, exports, starting one -----------------------------------------------------------


def runs_view(request):
    ids = held_ids(request)
    runs = list(InspectionRun.objects.filter(results__site_id__in=ids).distinct()[:50])
    counts: dict[int, dict] = {r.pk: {"sites": 0, "vetoed": 0, "passed": 0} for r in runs}
    for run_id, vetoed, passed in SiteInspection.objects.filter(
        run_id__in=counts, site_id__in=ids
    ).values_list("run_id", "vetoed", "passed"):
        c = counts[run_id]
        c["sites"] += 1
        c["vetoed"] += vetoed
        c["passed"] += passed
    rows = [{"run": r, **counts[r.pk]} for r in runs]
    return TemplateResponse(request, "evaluation/runs.html", {"rows": rows})


def run_export(request, pk: int):
    ids = held_ids(request)
    run = InspectionRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    results = list(
        SiteInspection.objects.filter(run=run, site_id__in=ids)
        .select_related("site__profile__parent").order_by("site__profile__division_code")
    )  # fmt: skip
    if not results:
        raise Http404
    book = report.workbook(results, request.build_absolute_uri("/"))
    return spreadsheets.download(book, f"evaluation-run-{run.pk}.xlsx")


def inspection_export(request, pk: int):
    ids = held_ids(request)
    inspection = SiteInspection.objects.filter(pk=pk, site_id__in=ids).select_related(
        "site__profile__parent").first()  # fmt: skip
    if inspection is None:
        raise Http404
    book = report.workbook([inspection], request.build_absolute_uri("/"))
    code = inspection.site.profile.division_code
    return spreadsheets.download(book, f"evaluation-{code}-{inspection.pk}.xlsx")


@require_POST
def start_view(request):
    ids = held_ids(request)
    if not request.user.has_perm("evaluation.run_inspection"):
        raise Http404
    profiles = _profiles(ids)
    codes = request.POST.getlist("site")
    scope = request.POST.get("scope", "")
    chosen = _scope(profiles, scope) if scope else set(profiles)
    if codes:
        chosen = {i for i in chosen if profiles[i].division_code in codes}
    if not chosen:
        messages.error(request, "没有可以考评的站点。")
        return redirect("evaluation_overview")
    from .tasks import inspect_job

    job = jobs.start("evaluation.inspect", request.user, inspect_job, site_ids=sorted(chosen))
    audit.audit(job, "evaluation.run", user=request.user,
                data={"sites": sorted(profiles[i].division_code for i in chosen)})  # fmt: skip
    return redirect("evaluation_job", pk=job.pk)


def job_view(request, pk: int):
    held_ids(request)
    job = jobs.BackgroundJob.objects.filter(pk=pk, kind="evaluation.inspect").first()
    if job is None or (job.user_id != request.user.pk and not request.user.is_superuser):
        raise Http404
    if job.status == jobs.JobStatus.DONE:
        result = job.result or {}
        messages.success(request, f"考评完成:{result.get('sites', 0)}个站点。")
        return redirect("evaluation_overview")
    return jobs.status_response(
        request, job, title="网站考评", back_url=reverse("evaluation_overview"),
        stages={"读取站点内容": "读取站点内容", "检查外部链接": "检查外部链接",
                "评分并保存": "评分并保存"},
    )  # fmt: skip


def urls() -> list:
    return [
        path("evaluation/", overview, name="evaluation_overview"),
        path("evaluation/site/<str:code>/", site_view, name="evaluation_site"),
        path("evaluation/finding/<int:pk>/", finding_view, name="evaluation_finding"),
        path("evaluation/runs/", runs_view, name="evaluation_runs"),
        path("evaluation/runs/<int:pk>/export/", run_export, name="evaluation_run_export"),
        path(
            "evaluation/inspections/<int:pk>/export/",
            inspection_export,
            name="evaluation_inspection_export",
        ),  # fmt: skip
        path("evaluation/start/", start_view, name="evaluation_start"),
        path("evaluation/jobs/<int:pk>/", job_view, name="evaluation_job"),
    ]
