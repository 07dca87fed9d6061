"""Admin screens: import deputies from Excel, download the template, export XLSX and Popolo.

Registered under ``admin/deputies/`` (URL names ``deputies_import``,
``deputies_import_template``, ``deputies_export_xlsx``,
``deputies_export_popolo``); ``wagtail_hooks.py`` imports this module and
links the screen from the plugin's menu. Wagtail's admin URLs already refuse
anonymous users (login redirect); these views also require the deputies
permission and at least one site the user manages that has a congress and
the plugin on.
"""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.models import Site

from cms.services import spreadsheets
from cms.services.sites import UnknownDivisionCode, get_site_profile

from . import exporter, popolo
from .importer import COUNT_LABELS, import_workbook, importable_congresses

#: Row errors shown on the report page; the rest are counted.
SHOWN_ERRORS = 1000


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
            # The upload is read where Django put it (memory or a temporary
            # file): openpyxl streams it in read-only mode.
            report = import_workbook(
                form.cleaned_data["file"],
                user=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
            return TemplateResponse(
                request,
                "deputies/admin/import_report.html",
                {
                    "report": report,
                    "errors": report.errors[:SHOWN_ERRORS],
                    "hidden_errors": max(len(report.errors) - SHOWN_ERRORS, 0),
                    "counts": [
                        (label, report.counts[key])
                        for key, label in COUNT_LABELS
                        if report.counts[key]
                    ],
                },
            )
    else:
        form = ImportForm()
    return TemplateResponse(request, "deputies/admin/import.html", {"form": form, "sites": sites})


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
        path("deputies/import/template/", template_view, name="deputies_import_template"),
        path("deputies/export/xlsx/", export_xlsx_view, name="deputies_export_xlsx"),
        path("deputies/export/popolo/", export_popolo_view, name="deputies_export_popolo"),
    ]
