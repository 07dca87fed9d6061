"""The office's screens (知情知政 in the admin menu).

* 管理 (``resources_manage``, ``/admin/resources/<id>/``): the audience
  (levels, congresses, terms, delegations, groups, sites' staff, named deputies
  and accounts, former deputies or not: ``cms.services.audience``), the files
  (private uploads; PDFs are served only with a watermark), publish or withdraw,
  the readers with their first read time and downloads, 提醒未读, and the
  Excel export of the reads.
* 阅读情况 (``resources_reads``): per person over every published item of the
  user's sites: received, read, unread, downloads; with the same export.

Who: ``resources.view_resource`` to look, ``resources.change_resource`` to
change, on a site the user manages with the plugin on (``cms.plugins.site_access``);
anything else is 404.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from cms.plugins import site_access
from cms.plugins.forms import AudienceForm
from cms.services import audience as audiences
from cms.services import audit, spreadsheets, uploads

from . import service, watermark
from .models import Download, Receipt, Resource, Status

LABEL = "resources"


def _site_ids(request, perm: str = "view") -> set[int]:
    if not request.user.has_perm(f"resources.{perm}_resource"):
        raise Http404
    ids = set(site_access(request).plugin_site_ids(LABEL))
    if not ids:
        raise Http404
    return ids


def _resource(request, pk: int, perm: str = "view") -> Resource:
    found = (
        Resource.objects.filter(pk=pk, site_id__in=_site_ids(request, perm))
        .select_related("site__profile", "audience", "category")
        .first()
    )
    if found is None:
        raise Http404
    return found


def manage_url(obj) -> str:
    return reverse("resources_manage", args=[obj.pk])


# --- the audience (cms.plugins.forms.AudienceForm) and the files --------------------------


class FileForm(forms.Form):
    file = forms.FileField(label="上传附件", help_text="PDF 或图片;PDF 下载时加阅读人水印")
    title = forms.CharField(label="文件名", max_length=200, required=False)


# --- 管理 ---------------------------------------------------------------------------------


def _receipts(resource):
    counts = dict(
        Download.objects.filter(resource=resource)
        .values_list("user_id")
        .annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )
    rows = list(Receipt.objects.filter(resource=resource).order_by("first_read_at", "name", "pk"))
    for row in rows:
        row.download_count = counts.get(row.user_id, 0)
    return rows


def manage(request, pk: int):
    resource = _resource(request, pk)
    can_change = request.user.has_perm("resources.change_resource")
    audience_form = AudienceForm(site_id=resource.site_id,
                                 initial=AudienceForm.initial_for(resource.audience))  # fmt: skip
    file_form = FileForm()
    if request.method == "POST":
        if not can_change:
            raise Http404
        step = request.POST.get("step", "")
        try:
            if step == "audience":
                audience_form = AudienceForm(request.POST, site_id=resource.site_id)
                if audience_form.is_valid():
                    service.set_audience(resource, audience_form.spec(), request.user)
                    messages.success(request, "发送范围已保存。")
                    return redirect(manage_url(resource))
            elif step == "file":
                file_form = FileForm(request.POST, request.FILES)
                if file_form.is_valid():
                    try:
                        service.add_file(resource, file_form.cleaned_data["file"], request.user,
                                         file_form.cleaned_data["title"])  # fmt: skip
                    except uploads.UploadError as error:
                        file_form.add_error("file", str(error))
                    else:
                        messages.success(request, "附件已上传。")
                        return redirect(manage_url(resource))
            elif step == "remove_file":
                file_id = request.POST.get("file", "")
                if file_id.isdigit():
                    service.remove_file(resource, int(file_id), request.user)
                messages.success(request, "附件已删除。")
                return redirect(manage_url(resource))
            elif step == "publish":
                service.publish(resource, request.user)
                messages.success(request, "已发布,正在推送给发送范围内的人员。")
                return redirect(manage_url(resource))
            elif step == "withdraw":
                service.withdraw(resource, request.user)
                messages.success(request, "已撤回,代表不再看到这份材料。")
                return redirect(manage_url(resource))
            elif step == "remind":
                count = service.remind_unread(resource, request.user)
                messages.success(
                    request,
                    f"已提醒 {count} 位未读人员。"
                    if count
                    else "没有需要提醒的未读人员(今天已提醒过的不再提醒)。",
                )
                return redirect(manage_url(resource))
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
            return redirect(manage_url(resource))
    receipts = _receipts(resource)
    read = sum(1 for r in receipts if r.first_read_at)
    return TemplateResponse(request, "resources/admin/manage.html", {
        "resource": resource, "audience_form": audience_form, "file_form": file_form,
        "audience_text": audiences.describe(resource.audience),
        "files": resource.files.select_related("upload"), "receipts": receipts,
        "counts": {"total": len(receipts), "read": read, "unread": len(receipts) - read},
        "can_change": can_change, "published": resource.status == Status.PUBLISHED,
    })  # fmt: skip


def download(request, pk: int, file_id: int):
    """The office reads a file as a reader does: a PDF carries their own watermark."""
    resource = _resource(request, pk)
    found = resource.files.select_related("upload", "resource").filter(pk=file_id).first()
    if found is None:
        raise Http404
    try:
        data, _marked = service.file_content(found, request.user)
    except watermark.WatermarkError as error:
        messages.error(request, str(error))
        return redirect(manage_url(resource))
    response = HttpResponse(data, content_type=found.upload.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(found.title)}"
    return response


# --- 阅读情况 ------------------------------------------------------------------------------


def _published(request):
    return Resource.objects.filter(site_id__in=_site_ids(request), status=Status.PUBLISHED)


def reads(request):
    """Per person: received, read, unread, downloads, the last read; one query each."""
    items = _published(request)
    per_person = list(
        Receipt.objects.filter(resource__in=items)
        .values("user_id", "name", "deputy_ref")
        .annotate(
            received=Count("pk"),
            read=Count("pk", filter=Q(first_read_at__isnull=False)),
            last_read=Max("first_read_at"),
        )  # fmt: skip
        .order_by("-received", "name", "user_id")
    )
    downloads = dict(
        Download.objects.filter(resource__in=items).values_list("user_id").annotate(n=Count("pk"))
        .values_list("user_id", "n")
    )  # fmt: skip
    for row in per_person:
        row["unread"] = row["received"] - row["read"]
        row["downloads"] = downloads.get(row["user_id"], 0)
    per_item = (
        items.select_related("site__profile")
        .annotate(
            received=Count("receipts", distinct=True),
            read=Count("receipts", filter=Q(receipts__first_read_at__isnull=False), distinct=True),
        )  # fmt: skip
        .order_by("-published_at", "-pk")
    )
    per_item = list(per_item)
    for item in per_item:
        item.unread = item.received - item.read
    return TemplateResponse(request, "resources/admin/reads.html",
                            {"people": per_person, "items": per_item})  # fmt: skip


HEADER = ("材料标题", "类型", "发布站点", "发布时间", "姓名", "代表编号", "推送时间",
          "首次阅读时间", "提醒次数", "下载次数")  # fmt: skip


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export(request, pk: int | None = None):
    """阅读情况 as Excel: one row per reader of each item (one item, or all published)."""
    from openpyxl import Workbook

    items = _published(request) if pk is None else Resource.objects.filter(
        pk=_resource(request, pk).pk
    )  # fmt: skip
    receipts = (
        Receipt.objects.filter(resource__in=items)
        .select_related("resource__site__profile")
        .order_by("-resource__published_at", "resource_id", "name", "pk")
    )
    downloads: dict[tuple[int, int], int] = {}
    for resource_id, user_id, n in (
        Download.objects.filter(resource__in=items)
        .values("resource_id", "user_id")
        .annotate(n=Count("pk"))
        .values_list("resource_id", "user_id", "n")
    ):
        downloads[(resource_id, user_id)] = n
    book = Workbook()
    sheet = book.active
    sheet.title = "阅读情况"
    spreadsheets.append(sheet, HEADER)
    for row in receipts.iterator(chunk_size=1000):
        resource = row.resource
        spreadsheets.append(sheet, (
            resource.title, resource.get_kind_display(), resource.site.profile.name,
            _when(resource.published_at), row.name, row.deputy_ref, _when(row.notified_at),
            _when(row.first_read_at), row.reminders, downloads.get((resource.pk, row.user_id), 0),
        ))  # fmt: skip
    for resource in items.order_by("pk")[:1]:  # the log names a record: the first exported
        audit.audit(resource, "resources.exported", user=request.user,
                    data={"items": items.count(), "rows": sheet.max_row - 1})  # fmt: skip
    stamp = timezone.localdate().strftime("%Y%m%d")
    return spreadsheets.download(book, f"知情知政阅读情况-{stamp}.xlsx")


def urls():
    return [
        path("resources/<int:pk>/", manage, name="resources_manage"),
        path("resources/<int:pk>/files/<int:file_id>/", download, name="resources_download"),
        path("resources/<int:pk>/export/", export, name="resources_export_item"),
        path("resources/reads/", reads, name="resources_reads"),
        path("resources/reads/export/", export, name="resources_export"),
    ]
