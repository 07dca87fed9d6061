"""The audit administrator's screen: every audit log entry, filtered, and its export.

``/admin/audit-log/`` needs ``review.view_audit_log`` (the 审计管理员 role;
superusers too). It lists page and object log entries together, newest first,
with the source address, and downloads the filtered entries as XLSX or CSV
through ``cms.services.spreadsheets``. Wagtail's own "site history" report
stays for editors (each sees the history of what they may edit).
"""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from cms.services import spreadsheets
from cms.services.audit import audit, register_action

from .audit_chain import export_rows

PAGE_SIZE = 50
EXPORTED = "lianxi.audit_exported"
register_action(EXPORTED, "导出审计日志", "导出了审计日志")


class FilterForm(forms.Form):
    start = forms.DateField(label="起始日期", required=False)
    end = forms.DateField(label="截止日期", required=False)
    action = forms.CharField(label="操作", required=False, max_length=100)
    username = forms.CharField(label="用户名", required=False, max_length=150)
    ip = forms.CharField(label="来源地址", required=False, max_length=64)


def _require(request):
    if not request.user.has_perm("review.view_audit_log"):
        raise PermissionDenied


def _filtered(model, values: dict):
    qs = model.objects.select_related("user", "content_type").order_by("-timestamp", "-pk")
    tz = timezone.get_current_timezone()
    if values.get("start"):
        qs = qs.filter(timestamp__gte=dt.datetime.combine(values["start"], dt.time(), tz))
    if values.get("end"):
        end = dt.datetime.combine(values["end"] + dt.timedelta(days=1), dt.time(), tz)
        qs = qs.filter(timestamp__lt=end)
    if values.get("action"):
        qs = qs.filter(action__icontains=values["action"])
    if values.get("username"):
        qs = qs.filter(user__username=values["username"])
    if values.get("ip"):
        qs = qs.filter(data__ip=values["ip"])
    return qs


def _merged(values: dict, limit: int | None):
    streams = [
        (_filtered(m, values) if limit is None else _filtered(m, values)[:limit]).iterator()
        for m in (PageLogEntry, ModelLogEntry)
    ]
    merged = heapq.merge(*streams, key=lambda e: (e.timestamp, e.pk), reverse=True)
    for index, entry in enumerate(merged):
        if limit is not None and index >= limit:
            return
        yield entry


def audit_log_view(request):
    _require(request)
    form = FilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        return _export(request, values, export)
    try:
        page = max(int(request.GET.get("p", "1")), 1)
    except ValueError:
        page = 1
    entries = list(_merged(values, page * PAGE_SIZE + 1))
    shown = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    query = request.GET.copy()
    query.pop("p", None)
    return TemplateResponse(
        request,
        "review/audit_log.html",
        {
            "form": form,
            "entries": [(e, e.data if isinstance(e.data, dict) else {}) for e in shown],
            "page": page,
            "has_next": len(entries) > page * PAGE_SIZE,
            "query": query.urlencode(),
        },
    )


def _export(request, values: dict, kind: str) -> HttpResponse:
    rows = export_rows(_merged(values, None))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if kind == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        count = -1
        for row in rows:
            writer.writerow([spreadsheets.csv_value(v) for v in row])
            count += 1
        data, content_type = ("\ufeff" + buffer.getvalue()).encode(), "text/csv; charset=utf-8"
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("审计日志")
        count = -1
        for row in rows:
            spreadsheets.append(sheet, row)
            count += 1
        data = spreadsheets.workbook_bytes(book)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filters = {k: str(v) for k, v in values.items() if v}
    audit(
        request.user, EXPORTED, user=request.user, data={"format": kind, "rows": count, **filters}
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.{kind}"'
    return response
