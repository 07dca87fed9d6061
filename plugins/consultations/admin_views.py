"""The office's screens (立法征询 in the admin menu).

* 从 Word 新建 (``consultations_new``): a draft's ``.docx`` (or pasted text), the
  site, the window; a preview of the recognised structure (编章节条款项, with
  any numbering problem) that the editor confirms before anything is saved.
* 管理 (``consultations_manage``, ``/admin/consultations/<id>/``): publish; a new
  version from Word (the same preview); the versions compared article by
  article; the comments (moderation itself is the core queue, 待审核内容) with
  their decisions, decided alone or ticked together, linked to the changed
  article of a later version; publish the feedback report; a call's proposals
  decided (included, merged, not included).
* 导出 (``consultations_export``): every comment with its decision, Excel.
* 统计 (``consultations_stats``): counts per article, deputies apart, with a
  pygal chart.

Who: a user with ``consultations.change_consultation`` on a site they manage
with the plugin on (``cms.plugins.site_access``); anything else is 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail.models import Site

from cms.plugins import site_access
from cms.services import spreadsheets

from . import charts, report, structure, workflow
from .models import (
    Comment,
    Consultation,
    Kind,
    Outcome,
    Proposal,
    Provision,
    Result,
    Stage,
    default_close,
)

LABEL = "consultations"
MAX_DOCX_BYTES = 20 * 1024 * 1024


def _sites(request):
    if not request.user.has_perm("consultations.change_consultation"):
        raise Http404
    ids = site_access(request).plugin_site_ids(LABEL)
    if not ids:
        raise Http404
    return Site.objects.filter(pk__in=ids).select_related("profile").order_by("pk")


def _consultation(request, pk: int) -> Consultation:
    sites = _sites(request)
    found = Consultation.objects.filter(pk=pk, site__in=sites).select_related("site").first()
    if found is None:
        raise Http404
    return found


def manage_url(obj) -> str:
    return reverse("consultations_manage", args=[obj.pk])


# --- the draft from Word, previewed ------------------------------------------------------


class SourceForm(forms.Form):
    file = forms.FileField(label="Word 文件(.docx)", required=False)
    text = forms.CharField(label="或粘贴草案文本", required=False,
                           widget=forms.Textarea(attrs={"rows": 8}))  # fmt: skip

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if not upload.name.lower().endswith(".docx"):
                raise forms.ValidationError(
                    "只能导入 Word 文档(.docx);.doc 请先在 Word 中另存为 .docx。"
                )
            if upload.size > MAX_DOCX_BYTES:
                raise forms.ValidationError("文件过大(不超过 20 MB)。")
            try:
                data["text"] = structure.docx_text(upload)
            except Exception as error:  # python-docx: not a Word package
                raise forms.ValidationError("无法读取这个 Word 文件。") from error
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请上传 Word 文件或粘贴草案文本。")
        return data


class NewForm(SourceForm):
    site = forms.ModelChoiceField(label="站点", queryset=Site.objects.none())
    title = forms.CharField(label="标题", max_length=200, required=False,
                            help_text="不填则用草案标题加“征求意见”")  # fmt: skip
    explanation = forms.CharField(
        label="起草说明", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    opens_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label="截止日期", required=False,
                                widget=forms.DateInput(attrs={"type": "date"}),
                                help_text="不填则按本级默认期限;不得短于法定最短期限")  # fmt: skip

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class VersionForm(SourceForm):
    stage = forms.ChoiceField(label="稿次", choices=Stage.choices, initial=Stage.SECOND)
    note = forms.CharField(
        label="修改说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def _preview(request, template_context: dict) -> TemplateResponse:
    return TemplateResponse(request, "consultations/admin/preview.html", template_context)


def new_view(request):
    """从 Word 新建: form → preview → confirm (the text travels back in the form)."""
    sites = _sites(request)
    form = NewForm(request.POST or None, request.FILES or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        draft = structure.parse_text(data["text"])
        closes = data["closes_on"] or default_close(data["site"], data["opens_on"])
        consultation = Consultation(
            site=data["site"], kind=Kind.DRAFT,
            title=(data["title"] or f"{draft.title}征求意见")[:200], explanation=data["explanation"],
            opens_on=data["opens_on"], closes_on=closes,
        )  # fmt: skip
        try:
            consultation.full_clean()
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            if request.POST.get("confirm") == "1" and draft.articles:
                consultation.save()
                workflow.save_version(consultation, draft, user=request.user)
                messages.success(request, f"已保存:共 {len(draft.articles)} 条。请核对后发布。")
                return redirect(manage_url(consultation))
            return _preview(request, {"form": form, "draft": draft, "consultation": consultation,
                                      "text": data["text"], "action": reverse("consultations_new"),
                                      "title": "从 Word 新建征求意见:预览"})  # fmt: skip
    return TemplateResponse(request, "consultations/admin/new.html", {"form": form})


# --- managing one ------------------------------------------------------------------------


class DecisionForm(forms.Form):
    comments = forms.CharField(widget=forms.HiddenInput, required=False)
    result = forms.ChoiceField(label="采纳情况", choices=Result.choices)
    reason = forms.CharField(label="理由(公开)", widget=forms.Textarea(attrs={"rows": 2}))
    changed_provision = forms.ModelChoiceField(label="修改的条文(新版本)", required=False,
                                               queryset=Provision.objects.none())  # fmt: skip

    def __init__(self, *args, consultation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["changed_provision"].queryset = (
            Provision.objects.filter(
                version__consultation=consultation, version__number__gt=1, kind=structure.ARTICLE
            )
            .select_related("version")
            .order_by("version__number", "position")
        )
        self.fields["changed_provision"].label_from_instance = lambda p: (
            f"{p.version.get_stage_display()}{p.label}"
        )


class ProposalDecisionForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="处理结果", choices=Outcome.choices)
    reason = forms.CharField(label="处理说明(公开)", widget=forms.Textarea(attrs={"rows": 2}))
    merged_into = forms.CharField(label="合并列入的项目", required=False, max_length=200)


def _comments_page(consultation, request):
    rows = (
        Comment.objects.filter(consultation=consultation)
        .select_related("article", "decision")
        .order_by("article__position", "pk")
    )
    show = request.GET.get("show", "")
    if show == "undecided":
        rows = rows.filter(decision__isnull=True, moderation_status="approved")
    elif show == "held":
        rows = rows.exclude(moderation_status="approved")
    return rows[:500]


def manage_view(request, pk: int):
    consultation = _consultation(request, pk)
    decision_form = DecisionForm(consultation=consultation)
    version_form = VersionForm()
    step = request.POST.get("step") if request.method == "POST" else None
    try:
        if step == "publish":
            workflow.publish(consultation, request.user)
            messages.success(request, "已发布。")
            return redirect(manage_url(consultation))
        if step == "decide":
            decision_form = DecisionForm(request.POST, consultation=consultation)
            ids = [int(i) for i in request.POST.getlist("comment") if i.isdigit()]
            if decision_form.is_valid():
                data = decision_form.cleaned_data
                workflow.decide(consultation, ids, result=data["result"], reason=data["reason"],
                                changed_provision=data["changed_provision"], user=request.user)  # fmt: skip
                messages.success(request, f"已处理 {len(ids)} 条意见。")
                return redirect(manage_url(consultation) + "?show=undecided")
        if step == "decide_proposal":
            form = ProposalDecisionForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                proposal = Proposal.objects.filter(call=consultation, pk=data["proposal"]).first()
                if proposal is None:
                    raise Http404
                workflow.decide_proposal(proposal, outcome=data["outcome"], reason=data["reason"],
                                         merged_into=data["merged_into"], user=request.user)  # fmt: skip
                messages.success(request, "已处理。")
                return redirect(manage_url(consultation))
            messages.error(request, "请选择处理结果并填写说明。")
        if step == "report":
            workflow.publish_report(consultation, request.user, request.POST.get("summary", ""))
            messages.success(request, "已发布意见采纳情况。")
            return redirect(manage_url(consultation))
        if step == "version":
            version_form = VersionForm(request.POST, request.FILES)
            if version_form.is_valid():
                data = version_form.cleaned_data
                draft = structure.parse_text(data["text"])
                if request.POST.get("confirm") == "1" and draft.articles:
                    workflow.save_version(consultation, draft, stage=data["stage"], note=data["note"],
                                          user=request.user)  # fmt: skip
                    messages.success(request, "已保存新版本。")
                    return redirect(manage_url(consultation))
                return _preview(request, {"form": version_form, "draft": draft,
                                          "consultation": consultation, "text": data["text"],
                                          "action": manage_url(consultation), "step": "version",
                                          "title": "上传新版本:预览"})  # fmt: skip
    except ValidationError as error:
        messages.error(request, "".join(error.messages))
    versions = list(consultation.versions.order_by("number"))
    context = {
        "consultation": consultation,
        "versions": versions,
        "comparison": report.comparison(versions[0], versions[-1]) if len(versions) > 1 else None,
        "comments": _comments_page(consultation, request)
        if consultation.kind == Kind.DRAFT
        else [],
        "proposals": consultation.proposals.order_by("pk")
        if consultation.kind == Kind.CALL
        else [],
        "decision_form": decision_form,
        "version_form": version_form,
        "proposal_form": ProposalDecisionForm(),
        "counts": _status_counts(consultation),
        "show": request.GET.get("show", ""),
    }
    return TemplateResponse(request, "consultations/admin/manage.html", context)


def _status_counts(consultation) -> dict:
    rows = consultation.comments if consultation.kind == Kind.DRAFT else consultation.proposals
    approved = Q(moderation_status="approved")
    decided = Q(decision__isnull=False) if consultation.kind == Kind.DRAFT else ~Q(outcome="")
    return rows.aggregate(total=Count("id"), approved=Count("id", filter=approved),
                          held=Count("id", filter=~approved),
                          decided=Count("id", filter=approved & decided))  # fmt: skip


# --- export and statistics ---------------------------------------------------------------


def export_view(request, pk: int):
    """Every comment (or proposal) with its moderation state and decision, as Excel."""
    from openpyxl import Workbook

    consultation = _consultation(request, pk)
    workbook = Workbook()
    sheet = workbook.active
    if consultation.kind == Kind.DRAFT:
        sheet.title = "意见"
        spreadsheets.append(sheet, ("编号", "条款", "身份", "意见", "提交时间", "审核状态",
                                    "采纳情况", "理由", "修改的条文"))  # fmt: skip
        rows = (
            Comment.objects.filter(consultation=consultation)
            .select_related("article", "provision", "decision__changed_provision__version")
            .order_by("pk")
        )
        for c in rows.iterator(chunk_size=2000):
            decision = c.decision
            changed = decision.changed_provision if decision else None
            where = c.article.label if c.article else "草案整体"
            if c.provision and c.provision.kind == structure.PARAGRAPH:
                where += f"第{structure.int_to_cn(c.provision.number)}款"
            spreadsheets.append(sheet, (
                c.pk, where, "人大代表" if c.as_deputy else "群众", c.text,
                timezone.localtime(c.created_at).strftime("%Y-%m-%d %H:%M"),
                c.get_moderation_status_display(),
                decision.get_result_display() if decision else "", decision.reason if decision else "",
                f"{changed.version.get_stage_display()}{changed.label}" if changed else "",
            ))  # fmt: skip
    else:
        sheet.title = "项目建议"
        spreadsheets.append(sheet, ("编号", "项目名称", "提出人类型", "单位", "立项理由", "主要内容",
                                    "审核状态", "处理结果", "处理说明", "合并列入的项目"))  # fmt: skip
        for p in consultation.proposals.order_by("pk"):
            spreadsheets.append(sheet, (
                p.pk, p.title, p.get_proposer_type_display(), p.organisation, p.reasons, p.content,
                p.get_moderation_status_display(), p.get_outcome_display(), p.outcome_reason,
                p.merged_into,
            ))  # fmt: skip
    return spreadsheets.download(workbook, f"consultation-{consultation.pk}.xlsx")


def stats_view(request, pk: int):
    consultation = _consultation(request, pk)
    if consultation.kind != Kind.DRAFT:
        raise Http404
    data = report.feedback_report(consultation)
    rows = data["articles"]
    chart = charts.per_article(rows) if rows else ""
    return TemplateResponse(request, "consultations/admin/stats.html",
                            {"consultation": consultation, "data": data, "chart": chart})  # fmt: skip


def urls() -> list:
    return [
        path("consultations/new/", new_view, name="consultations_new"),
        path("consultations/<int:pk>/", manage_view, name="consultations_manage"),
        path("consultations/<int:pk>/export/", export_view, name="consultations_export"),
        path("consultations/<int:pk>/stats/", stats_view, name="consultations_stats"),
    ]
