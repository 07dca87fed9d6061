"""Admin screens beyond the list: the office's handling page and the units' work queue.

* 办理 (``suggestions_office``, ``/admin/suggestions/office/<id>/``): the office of
  the suggestion's site (``suggestions.change_suggestion`` on a site it manages,
  with the plugin on) accepts or returns, assigns the lead and co-handling
  units with their deadlines, approves a longer reply deadline, closes.
* 录入纸质议案建议 (the list's add button): the office enters a paper submission
  on a deputy's behalf, marked as such (``on_paper``, ``entered_by``).
* 承办件 (``suggestions_queue``, ``/admin/suggestions/units/``): a handling
  unit's staff see only the items assigned to their units
  (``cms.services.accounts.units_of``), with deadlines; the lead unit logs its
  contacts with the deputies and replies (class, text, attachments) in two
  steps: staff draft, the unit's signer (设置 → 承办单位 → 签发领导) signs off
  or sends it back; a co-handling unit sends its views to the lead unit; a
  unit returns a wrongly assigned item within the window.
* Motions: the office records the presidium's decision (列入会议议程, or handle
  as a suggestion) on an accepted motion.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail.models import Site

from cms.plugins import enabled_site_ids, site_access
from cms.services import accounts, deadlines, directory, uploads

from . import duplicates, workflow
from .models import (
    Assignment,
    Category,
    Contact,
    Kind,
    Period,
    ReplyClass,
    ReplyDraft,
    State,
    Suggestion,
)

LABEL = "suggestions"


def handling_units():
    return apps.get_model("accounts", "HandlingUnit").objects.filter(active=True)


# --- forms -------------------------------------------------------------------------


class AcceptForm(forms.Form):
    category = forms.ChoiceField(
        label="分类", choices=[("", "未分类"), *Category.choices], required=False
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(label="主办单位", queryset=None)
    co_units = forms.ModelMultipleChoiceField(label="协办单位", queryset=None, required=False,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    lead_due = forms.DateField(label="主办单位内部期限", required=False,
                               help_text="留空:答复期限(交办之日起3个月,按工作日历顺延)")  # fmt: skip
    co_due = forms.DateField(label="协办单位内部期限", required=False,
                             help_text="留空:交办之日起1个月")  # fmt: skip

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        units = handling_units().filter(site_id=site_id).order_by("name")
        self.fields["lead"].queryset = units
        self.fields["co_units"].queryset = units


class ExtendForm(forms.Form):
    months = forms.IntegerField(label="延长至(月)", min_value=1, max_value=12, initial=6)
    reason = forms.CharField(label="延期理由", max_length=500)


class ReplyForm(forms.Form):
    """The lead unit's reply: sent at once by a signer of the unit, else a draft for one."""

    reply_class = forms.ChoiceField(label="答复类别", choices=ReplyClass.choices)
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))
    attachment = forms.FileField(label="附件", required=False)
    commitment = forms.CharField(label="承诺事项", max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="B类、C类答复必填:承诺办理的事项")  # fmt: skip
    commitment_due = forms.DateField(label="承诺完成时间", required=False,
                                     help_text="B类、C类答复必填,如 2027-06-30")  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("reply_class"):
            try:
                workflow.check_commitment(
                    data["reply_class"], data.get("commitment", ""), data.get("commitment_due")
                )
            except ValidationError as error:
                for field, messages_ in error.message_dict.items():
                    self.add_error(field, messages_)
        due = data.get("commitment_due")
        if due and due < timezone.localdate():
            self.add_error("commitment_due", "承诺完成时间不能早于今天。")
        return data


class CommitmentForm(forms.Form):
    note = forms.CharField(label="落实情况", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class CommitmentReportForm(forms.Form):
    report = forms.CharField(label="落实情况", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class PresidiumForm(forms.Form):
    decision = forms.ChoiceField(label="主席团决定", widget=forms.RadioSelect, choices=[
        (workflow.AGENDA, "列入会议议程"), (workflow.TO_SUGGESTION, "作为建议交有关单位办理"),
    ])  # fmt: skip
    note = forms.CharField(label="说明", max_length=500, required=False)


class OpinionForm(forms.Form):
    opinion = forms.CharField(label="协办意见", max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip


class ContactForm(forms.Form):
    on = forms.DateField(label="沟通日期", widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label="方式", choices=Contact.Method.choices)
    note = forms.CharField(label="沟通情况", max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class SendBackForm(forms.Form):
    note = forms.CharField(label="修改意见", max_length=500,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class PaperForm(forms.Form):
    """A suggestion handed in on paper, entered by the office on the deputy's behalf."""

    site = forms.ModelChoiceField(label="站点", queryset=None)
    deputy = forms.CharField(label="领衔代表编号", max_length=32,
                             help_text="代表履职 → 代表 中该代表的编号")  # fmt: skip
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    period = forms.ChoiceField(label="提出时间", choices=Period.choices)
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 8}))
    submit = forms.BooleanField(label="录入后直接提交", required=False, initial=True)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean(self):
        data = super().clean()
        site, ref = data.get("site"), (data.get("deputy") or "").strip()
        if site is None or not ref:
            return data
        person = directory.person(ref)
        if person is None or not any(s.current and s.site_id == site.pk for s in person.seats):
            raise ValidationError({"deputy": "该编号不是本站点人大的在任代表。"})
        data["person"] = person
        return data


# --- the office ----------------------------------------------------------------------


def paper_view(request):
    """录入纸质议案建议: the office enters a paper submission (marked as such)."""
    if not request.user.has_perm("suggestions.add_suggestion"):
        raise Http404
    sites = Site.objects.filter(pk__in=site_access(request).plugin_site_ids(LABEL))
    form = PaperForm(request.POST or None, sites=sites)
    if request.method == "POST" and form.is_valid():
        data, person = form.cleaned_data, form.cleaned_data["person"]
        author = get_user_model().objects.filter(account__directory_ref=person.ref).first()
        with transaction.atomic():
            suggestion = Suggestion.objects.create(
                site=data["site"], kind=data["kind"], period=data["period"], title=data["title"],
                text=data["text"], author=author, deputy_ref=person.ref, deputy_name=person.name,
                on_paper=True, entered_by=request.user,
            )  # fmt: skip
            workflow.move_created(suggestion, request.user)
            if data["submit"]:
                workflow.submit(suggestion, request.user)
        messages.success(request, f"已录入“{suggestion.title}”。")
        return redirect("suggestions_office", pk=suggestion.pk)
    return TemplateResponse(request, "suggestions/admin/paper.html", {"form": form})


def _office_suggestion(request, pk: int) -> Suggestion:
    if not request.user.has_perm("suggestions.change_suggestion"):
        raise Http404
    sites = site_access(request).plugin_site_ids(LABEL)
    suggestion = Suggestion.objects.filter(pk=pk, site_id__in=sites).first()
    if suggestion is None:
        raise Http404
    return suggestion


def _clock_context(suggestion) -> dict:
    clock = workflow.clock_of(suggestion)
    if clock is None:
        return {"clock": None}
    return {"clock": clock, "clock_state": deadlines.DeadlineState(deadlines.state(clock)).label}


def office_view(request, pk: int):
    suggestion = _office_suggestion(request, pk)
    forms_ = {
        "accept": AcceptForm(initial={"category": suggestion.category}),
        "return": ReturnForm(),
        "assign": AssignForm(site_id=suggestion.site_id),
        "extend": ExtendForm(),
        "commitment": CommitmentForm(),
        "presidium": PresidiumForm(),
    }
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            done = _office_step(request, suggestion, step, forms_)
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
            done = False
        if done:
            messages.success(request, done)
            return redirect("suggestions_office", pk=suggestion.pk)
    return TemplateResponse(request, "suggestions/admin/office.html", {
        "suggestion": suggestion, "forms": forms_, "history": suggestion.history.all(),
        "assignments": suggestion.assignments.select_related("unit"),
        "ratings": suggestion.ratings.all(), "cosigners": suggestion.cosigners.all(),
        "State": State, "is_motion": suggestion.kind == Kind.MOTION,
        "signers": workflow.motion_signers(suggestion) if suggestion.kind == Kind.MOTION else None,
        **_clock_context(suggestion), **_group_context(suggestion),
        "duplicates": intake_duplicates(request, suggestion),
    })  # fmt: skip


def intake_duplicates(request, suggestion) -> list[dict]:
    """Likely duplicates shown at intake (submitted, accepted): on the user's own sites with
    their titles; on the other sites of the lineage only the site, state, number and score."""
    if suggestion.state not in (State.SUBMITTED, State.ACCEPTED):
        return []
    held = site_access(request).plugin_site_ids(LABEL)
    rows = []
    for match in duplicates.likely_duplicates(suggestion):
        mine = match.site_id in held
        rows.append({"match": match, "held": mine, "state": State(match.state).label,
                     "url": reverse("suggestions_office", args=[match.pk]) if mine else ""})  # fmt: skip
    return rows


def _group_context(suggestion) -> dict:
    """The other items of its merged handling (并案办理), if any."""
    if not suggestion.merge_group_id:
        return {"group": None, "group_items": []}
    items = Suggestion.objects.filter(merge_group_id=suggestion.merge_group_id).exclude(
        pk=suggestion.pk
    )
    return {"group": suggestion.merge_group, "group_items": list(items.order_by("pk"))}


def _office_step(request, suggestion, step, forms_) -> str | bool:
    user = request.user
    if step == "accept":
        form = forms_["accept"] = AcceptForm(request.POST)
        if form.is_valid():
            workflow.accept(suggestion, user, form.cleaned_data["category"])
            return "已立案。"
    elif step == "return":
        form = forms_["return"] = ReturnForm(request.POST)
        if form.is_valid():
            workflow.return_to_deputy(suggestion, user, form.cleaned_data["reason"])
            return "已退回代表。"
    elif step == "assign":
        form = forms_["assign"] = AssignForm(request.POST, site_id=suggestion.site_id)
        if form.is_valid():
            data = form.cleaned_data
            done = workflow.assign_with_group(suggestion, user, data["lead"], list(data["co_units"]),
                                              lead_due=data["lead_due"], co_due=data["co_due"])  # fmt: skip
            if len(done) > 1:
                return f"已交办{data['lead']}(并案办理的 {len(done)} 件一并交办)。"
            return f"已交办{data['lead']}。"
    elif step == "extend":
        form = forms_["extend"] = ExtendForm(request.POST)
        if form.is_valid():
            workflow.extend(
                suggestion, user, form.cleaned_data["months"], form.cleaned_data["reason"]
            )
            return "答复期限已延长。"
    elif step == "close":
        workflow.close(suggestion, user)
        return "已办结。"
    elif step == "commitment_done":
        form = forms_["commitment"] = CommitmentForm(request.POST)
        if form.is_valid():
            workflow.confirm_commitment(suggestion, user, form.cleaned_data["note"])
            return "已确认承诺事项落实。"
    elif step == "unmerge":
        workflow.unmerge(suggestion, user)
        return "已取消并案办理。"
    elif step == "presidium":
        form = forms_["presidium"] = PresidiumForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            workflow.presidium(suggestion, user, data["decision"], data["note"])
            return "已记录主席团的决定。"
    return False


# --- handling units ------------------------------------------------------------------


def unit_site_ids(user) -> set[int]:
    """The sites, with the plugin on, of the handling units ``user`` works for."""
    units = accounts.units_of(user)
    if not units:
        return set()
    sites = set(handling_units().filter(pk__in=units).values_list("site_id", flat=True))
    return sites & set(enabled_site_ids(LABEL))


def _unit_assignments(request):
    units = accounts.units_of(request.user)
    return Assignment.objects.filter(
        unit_id__in=units, suggestion__site_id__in=enabled_site_ids(LABEL)
    ).select_related("suggestion", "unit")


def queue_view(request):
    from . import office

    if not unit_site_ids(request.user):
        raise Http404
    rows = list(_unit_assignments(request).order_by("returned_at", "due_on", "pk"))
    # The clocks in bulk (cms.services.deadlines.clocks_of), not one query per row.
    clocks, states = office.clock_states({r.suggestion_id for r in rows})
    labels = dict(office.CLOCK_CHOICES)
    today = timezone.localdate()
    items = [{"row": r, "clock": clocks.get(r.suggestion_id),
              "clock_state": str(labels[states[r.suggestion_id]]) if r.suggestion_id in states else "",
              "late": r.due_on < today and r.suggestion.state in (State.ASSIGNED, State.REHANDLING),
              "commitment_overdue": r.suggestion.commitment_open
              and r.suggestion.commitment_due < today} for r in rows]  # fmt: skip
    if request.GET.get("export") == "xlsx":
        return office._download(office.export_queue(items), "suggestions-units.xlsx")
    return TemplateResponse(request, "suggestions/admin/queue.html", {"items": items})


def return_window_open(assignment, today: dt.date | None = None) -> bool:
    """A unit may return an item within the return window (7 working days by default)."""
    start = timezone.localtime(assignment.assigned_at).date()
    last = deadlines.due_date("suggestion.return", start, assignment.suggestion.site)
    return (today or timezone.localdate()) <= last


def unit_view(request, pk: int):
    assignment = _unit_assignments(request).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    suggestion = assignment.suggestion
    handling = suggestion.state in (State.ASSIGNED, State.REHANDLING)
    is_lead = assignment.role == Assignment.Role.LEAD and assignment.returned_at is None
    signer = is_lead and accounts.signs_for(request.user, assignment.unit)
    awaiting = suggestion.drafts.filter(status=ReplyDraft.Status.AWAITING).first()
    can_reply = is_lead and handling and awaiting is None
    can_return = (assignment.returned_at is None and suggestion.state == State.ASSIGNED
                  and return_window_open(assignment))  # fmt: skip
    can_opine = (assignment.role == Assignment.Role.CO and assignment.returned_at is None
                 and handling)  # fmt: skip
    can_contact = is_lead and suggestion.state in (State.ASSIGNED, State.REHANDLING, State.REPLIED)
    can_report = (is_lead and suggestion.commitment_open
                  and suggestion.commitment_reported_at is None)  # fmt: skip
    forms_ = {"reply": ReplyForm(), "return": ReturnForm(),
              "opinion": OpinionForm(initial={"opinion": assignment.opinion}),
              "contact": ContactForm(initial={"on": timezone.localdate()}),
              "send_back": SendBackForm(), "commitment_report": CommitmentReportForm()}  # fmt: skip
    allowed = {"reply": can_reply, "return": can_return, "opinion": can_opine,
               "contact": can_contact, "approve": signer and awaiting is not None,
               "send_back": signer and awaiting is not None,
               "commitment_report": can_report}  # fmt: skip
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if not allowed.get(step):
                messages.error(request, "现在不能进行这项操作。")
            else:
                done = _unit_step(request, assignment, step, forms_, signer, awaiting)
                if done:
                    messages.success(request, done)
                    if step == "return":
                        return redirect("suggestions_queue")
                    return redirect("suggestions_unit", pk=assignment.pk)
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
    return TemplateResponse(request, "suggestions/admin/unit.html", {
        "assignment": assignment, "suggestion": suggestion, "is_lead": is_lead,
        "signer": signer, "awaiting": awaiting, "forms": forms_, "can": allowed,
        "history": suggestion.history.all(),
        "contacts": suggestion.contacts.all() if is_lead else [],
        "others": suggestion.assignments.exclude(pk=assignment.pk).select_related("unit"),
        "signers": list(assignment.unit.signers.filter(is_active=True)) if is_lead else [],
        **_clock_context(suggestion), **_group_context(suggestion),
    })  # fmt: skip


def _unit_step(request, assignment, step, forms_, signer, awaiting) -> str | bool:
    user, suggestion = request.user, assignment.suggestion
    if step == "reply":
        form = forms_["reply"] = ReplyForm(request.POST, request.FILES)
        if not form.is_valid():
            return False
        data = form.cleaned_data
        files = [data["attachment"]] if data["attachment"] else []
        # A B or C reply's promise goes with it (kept in the draft until it is signed off).
        promise = {}
        if data["reply_class"] in workflow.COMMITTING:
            promise = {"commitment": data["commitment"],
                       "commitment_due": data["commitment_due"].isoformat()}  # fmt: skip
        try:
            if signer:  # a signer of the unit writes and signs in one step
                workflow.reply(suggestion, user, reply_class=data["reply_class"], text=data["text"],
                               signed_by=workflow._name(user), files=files, **promise)  # fmt: skip
                return "已签发答复。"
            workflow.draft_reply(assignment, user, reply_class=data["reply_class"],
                                 text=data["text"], files=files, extra=promise)  # fmt: skip
            return "答复稿已提交,等待本单位签发领导签发。"
        except uploads.UploadError as error:
            form.add_error("attachment", str(error))
            return False
    if step == "approve":
        workflow.approve_reply(awaiting, user)
        return "已签发答复。"
    if step == "send_back":
        form = forms_["send_back"] = SendBackForm(request.POST)
        if form.is_valid():
            workflow.send_back_draft(awaiting, user, form.cleaned_data["note"])
            return "答复稿已退回拟稿人修改。"
    elif step == "return":
        form = forms_["return"] = ReturnForm(request.POST)
        if form.is_valid():
            workflow.unit_return(assignment, user, form.cleaned_data["reason"])
            return "已退回办公室,待重新交办。"
    elif step == "opinion":
        form = forms_["opinion"] = OpinionForm(request.POST)
        if form.is_valid():
            workflow.co_opinion(assignment, user, form.cleaned_data["opinion"])
            return "协办意见已送主办单位。"
    elif step == "contact":
        form = forms_["contact"] = ContactForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            workflow.log_contact(assignment, user, on=data["on"], method=data["method"],
                                 note=data["note"])  # fmt: skip
            return "已记录联系代表情况。"
    elif step == "commitment_report":
        form = forms_["commitment_report"] = CommitmentReportForm(request.POST)
        if form.is_valid():
            workflow.report_commitment(suggestion, user, form.cleaned_data["report"])
            return "已报告落实情况,待办公室确认。"
    return False


def urls() -> list:
    return [
        path("suggestions/office/<int:pk>/", office_view, name="suggestions_office"),
        path("suggestions/units/", queue_view, name="suggestions_queue"),
        path("suggestions/units/<int:pk>/", unit_view, name="suggestions_unit"),
    ]


def office_url(suggestion) -> str:
    return reverse("suggestions_office", args=[suggestion.pk])
