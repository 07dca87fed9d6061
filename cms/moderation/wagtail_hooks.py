"""Admin: 审核 → 待审核内容, each site's queue of held user submissions.

Staff of a site see its pending items (oldest first, with their age and the
words that held them), and for each: approve, reject with a reason the author
sees, or edit the text (the original is kept) and approve. The site's
reviewers (初审, 终审) and editors may decide (``moderation.change_moderationitem``,
granted when a site is provisioned).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.services import moderation
from cms.sitegroup.access import site_access

from .models import ModerationItem, Status

PERMISSION = "moderation.change_moderationitem"


def _items(user):
    items = ModerationItem.objects.select_related("site__profile", "author", "content_type")
    access = site_access(user)
    return items if access.is_superuser else items.filter(site_id__in=access.site_ids)


def _require(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def queue_view(request):
    _require(request)
    pending = _items(request.user).filter(status=Status.PENDING)
    now = timezone.now()
    rows = [
        {"item": item, "age_hours": int((now - item.created_at).total_seconds() // 3600)}
        for item in pending
    ]
    decided = _items(request.user).exclude(status=Status.PENDING).order_by("-decided_at")[:20]
    return TemplateResponse(request, "moderation/queue.html", {"rows": rows, "decided": decided})


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由(提交人会看到)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def item_view(request, pk: int):
    _require(request)
    item = get_object_or_404(_items(request.user), pk=pk)
    record = item.record
    fields = list(getattr(type(record), "moderated_fields", ())) if record is not None else []
    reject_form = RejectForm()
    if request.method == "POST" and item.status == Status.PENDING:
        action = request.POST.get("action")
        try:
            if action == "approve":
                moderation.approve(item, request.user)
                messages.success(request, _("已通过。"))
                return redirect("moderation_queue")
            if action == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    moderation.reject(item, request.user, reject_form.cleaned_data["reason"])
                    messages.success(request, _("已退回,提交人会看到退回理由。"))
                    return redirect("moderation_queue")
            if action == "edit":
                edited = {
                    name: request.POST.get(f"field-{name}", "")
                    for name in fields
                    if request.POST.get(f"field-{name}", "") != item.original.get(name, "")
                }
                moderation.edit_and_approve(item, request.user, edited)
                messages.success(request, _("已修改并通过,原文已保留。"))
                return redirect("moderation_queue")
        except moderation.ModerationError as exc:
            messages.error(request, str(exc))
    current = {name: getattr(record, name, "") for name in fields} if record is not None else {}
    # Images held for a person's look (``moderated_images``): shown from the private upload.
    images = []
    for name in getattr(type(record), "moderated_images", ()) if record is not None else ():
        upload = getattr(record, name, None)
        if upload is not None:
            label = str(type(record)._meta.get_field(name).verbose_name)
            images.append((label, f"/api/v1/uploads/{upload.token}/"))
    return TemplateResponse(
        request,
        "moderation/item.html",
        {"item": item, "fields": [(n, item.original.get(n, ""), current.get(n, "")) for n in fields],
         "images": images, "reject_form": reject_form},
    )  # fmt: skip


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("moderation/", queue_view, name="moderation_queue"),
        path("moderation/<int:pk>/", item_view, name="moderation_item"),
    ]


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return QueueMenuItem(_("待审核内容"), reverse("moderation_queue"), name="moderation", icon_name="warning",
                         order=250)  # fmt: skip
