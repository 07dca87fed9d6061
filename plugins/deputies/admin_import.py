"""Admin screens: import deputies from Excel, download the template, export XLSX and Popolo.

Registered under ``admin/deputies/`` (URL names ``deputies_import``,
``deputies_import_template``, ``deputies_export_xlsx``,
``deputies_export_popolo``); ``wagtail_hooks.py`` imports this module and
links the screen from the plugin's menu. Wagtail's admin URLs already refuse
anonymous users (login redirect); these views also require the deputies
permission and at least one site the user manages that has a congress and
the plugin on.

An upload larger than ``LIANXI_IMPORT_INLINE_MAX_BYTES`` is imported by a
worker (``cms.services.jobs``): the user lands on ``deputies_import_status``,
which reloads itself showing the stage and rows done, then shows the same
report as an inline import (errors by row, counts).
"""

from __future__ import annotations

import json
from collections import Counter

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import Site

from cms.services import jobs, spreadsheets
from cms.services.sites import UnknownDivisionCode, get_site_profile
from cms.services.tasks import task

from . import exporter, popolo
from .importer import COUNT_LABELS, ImportReport, import_workbook, importable_congresses

#: Row errors shown on the report page; the rest are counted.
SHOWN_ERRORS = 1000
JOB_KIND = "deputies.import"
STAGES = {"check": "逐行校验", "plan": "比对已有数据", "write": "写入"}


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件"), help_text=gettext_lazy("使用导入模板填写的 .xlsx 文件")
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("仅校验，不写入"), required=False, initial=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("只能导入 Excel 工作簿（.xlsx）；.xls 或 .csv 请先在 Excel 中另存为 .xlsx。")
            )
        # A large register is checked and written for minutes: not inside a web request
        # (manage.py import_deputies takes any size).
        spreadsheets.check_upload(upload)
        return upload


def _sites(user) -> list[dict]:
    """The sites whose congresses the user may import into and export: code, name, id."""
    site_ids = importable_congresses(user).values("site_id")
    return list(
        Site.objects.filter(pk__in=site_ids)
        .order_by("profile__division_code")
        .values("pk", "site_name", code=F("profile__division_code"))
    )


def _require(request, permission: str) -> list[dict]:
    sites = _sites(request.user)
    if not request.user.has_perm(permission) or not sites:
        raise PermissionDenied
    return sites


def import_view(request):
    sites = _require(request, "deputies.add_person")
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload, dry_run = form.cleaned_data["file"], form.cleaned_data["dry_run"]
            if upload.size > settings.LIANXI_IMPORT_INLINE_MAX_BYTES:
                # A large register: checked and written by a worker, watched on a status page.
                job = jobs.start(
                    JOB_KIND, request.user, import_workbook_job, upload=upload, dry_run=dry_run
                )
                return redirect("deputies_import_status", job.pk)
            # The upload is read where Django put it (memory or a temporary
            # file): openpyxl streams it in read-only mode.
            report = import_workbook(upload, user=request.user, dry_run=dry_run)
            return _report_response(request, report)
    else:
        form = ImportForm()
    return TemplateResponse(request, "deputies/admin/import.html", {"form": form, "sites": sites})


def _report_response(request, report: ImportReport):
    return TemplateResponse(
        request,
        "deputies/admin/import_report.html",
        {
            "report": report,
            "errors": report.errors[:SHOWN_ERRORS],
            "hidden_errors": max(len(report.errors) - SHOWN_ERRORS, 0),
            "counts": [
                (label, report.counts[key]) for key, label in COUNT_LABELS if report.counts[key]
            ],
        },
    )


def _report_data(report: ImportReport) -> dict:
    return {
        "errors": [list(error) for error in report.errors],
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "counts": dict(report.counts),
        "congresses": list(report.congresses),
        "dry_run": report.dry_run,
    }


def _report_from(data: dict) -> ImportReport:
    return ImportReport(
        errors=[tuple(error) for error in data.get("errors", [])],
        rows=data.get("rows", 0),
        created=data.get("created", 0),
        updated=data.get("updated", 0),
        unchanged=data.get("unchanged", 0),
        counts=Counter(data.get("counts", {})),
        congresses=data.get("congresses", []),
        dry_run=data.get("dry_run", False),
    )


@task()
def import_workbook_job(job_id: int, dry_run: bool = False) -> None:
    """A large workbook uploaded in the admin, imported by a worker (cms.services.jobs)."""

    def work(job, progress):
        with job.file.open("rb") as upload:
            report = import_workbook(upload, user=job.user, dry_run=dry_run, progress=progress)
        return _report_data(report)

    jobs.run(job_id, work)


def import_status_view(request, job_id: int):
    """How far a background import got; its report once finished (the uploader's only)."""
    _require(request, "deputies.add_person")
    job = get_object_or_404(jobs.BackgroundJob, pk=job_id, kind=JOB_KIND)
    if job.user_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied
    if job.status == jobs.JobStatus.DONE:
        return _report_response(request, _report_from(job.result))
    return jobs.status_response(
        request, job, title=_("代表名册导入"), back_url=reverse("deputies_import"), stages=STAGES
    )


def template_view(request):
    _require(request, "deputies.add_person")
    congresses = importable_congresses(request.user).order_by("division_code")
    return _download(
        exporter.build_template(congresses), exporter.XLSX_TYPE, "deputies-template.xlsx"
    )


def _export_site(request) -> tuple[int, str]:
    sites = _require(request, "deputies.view_person")
    code = request.GET.get("site", "")
    try:
        site_id = get_site_profile(code).site_id
    except UnknownDivisionCode:
        raise Http404 from None
    if site_id not in {s["pk"] for s in sites}:
        raise PermissionDenied
    return site_id, code


def export_xlsx_view(request):
    site_id, code = _export_site(request)
    return _download(exporter.export_workbook(site_id), exporter.XLSX_TYPE, f"deputies-{code}.xlsx")


def export_popolo_view(request):
    site_id, code = _export_site(request)
    document = popolo.export_site(site_id, base_url=request.build_absolute_uri("/"))
    data = json.dumps(document, ensure_ascii=False, indent=2).encode()
    return _download(data, popolo.JSON_TYPE, f"deputies-{code}.popolo.json")


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("deputies/import/", import_view, name="deputies_import"),
        path("deputies/import/<int:job_id>/", import_status_view, name="deputies_import_status"),
        path("deputies/import/template/", template_view, name="deputies_import_template"),
        path("deputies/export/xlsx/", export_xlsx_view, name="deputies_export_xlsx"),
        path("deputies/export/popolo/", export_popolo_view, name="deputies_export_popolo"),
    ]
