"""Admin screens of citizens' messages beyond the list.

* 处理 (``liaison_office``, ``/admin/liaison/office/<id>/``): the office of the
  message's site (``liaison.change_message`` on a site it manages, with the
  plugin on) delivers a message to deputies, forwards it to a handling unit,
  rejects it with a reason, closes it; and for an answered message the citizen
  agreed to publish, confirms the redacted public texts and publishes.
* 转办留言 (``liaison_units``, ``/admin/liaison/units/``): a handling unit's
  staff see only the messages forwarded to their units
  (``cms.services.accounts.units_of``) and answer them.
"""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from cms.plugins import enabled_site_ids, site_access
from cms.services import accounts, deadlines, directory

from . import messages as flow
from . import publication
from .models import Message, MessagePublication, MessageState

LABEL = "liaison"


class DeliverForm(forms.Form):
    deputies = forms.MultipleChoiceField(label="送达代表", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = choices


class ForwardForm(forms.Form):
    unit = forms.ModelChoiceField(label="转办单位", queryset=None)
    note = forms.CharField(label="转办说明", max_length=500, required=False)

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        units = apps.get_model("accounts", "HandlingUnit").objects.filter(active=True)
        self.fields["unit"].queryset = units.filter(site_id=site_id).order_by("name")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="不予受理理由(留言人可见)", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class PublicationForm(forms.Form):
    title = forms.CharField(label="公开标题", max_length=100)
    text = forms.CharField(label="公开留言内容", widget=forms.Textarea(attrs={"rows": 5}))
    answer = forms.CharField(label="公开答复内容", widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    text = forms.CharField(label="答复内容", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))  # fmt: skip


def _office_message(request, pk: int) -> Message:
    if not request.user.has_perm("liaison.change_message"):
        raise Http404
    sites = site_access(request).plugin_site_ids(LABEL)
    message = Message.objects.filter(pk=pk, site_id__in=sites).first()
    if message is None:
        raise Http404
    return message


def _deputy_choices(message: Message) -> list[tuple[str, str]]:
    profile = getattr(message.site, "profile", None)
    people = directory.place_deputies(profile.division_code) if profile else []
    return [(p.ref, p.name) for p in people]


def _clock_context(message: Message) -> dict:
    clock = flow.clock_of(message)
    if clock is None:
        return {"clock": None}
    return {"clock": clock, "clock_state": deadlines.DeadlineState(deadlines.state(clock)).label}


def _office_step(request, message: Message, step: str, forms_: dict):
    user = request.user
    if step == "deliver":
        form = forms_["deliver"] = DeliverForm(request.POST, choices=_deputy_choices(message))
        if form.is_valid():
            names = dict(_deputy_choices(message))
            people = [(ref, names[ref]) for ref in form.cleaned_data["deputies"]]
            flow.deliver(message, user, people)
            return "已送达代表。"
    elif step == "forward":
        form = forms_["forward"] = ForwardForm(request.POST, site_id=message.site_id)
        if form.is_valid():
            flow.forward(message, form.cleaned_data["unit"], user, form.cleaned_data["note"])
            return f"已转交{form.cleaned_data['unit'].name}办理。"
    elif step == "reject":
        form = forms_["reject"] = ReasonForm(request.POST)
        if form.is_valid():
            flow.reject(message, user, form.cleaned_data["reason"])
            return "已不予受理,留言人会看到理由。"
    elif step == "close":
        flow.close(message, user, "办公室办结")
        return "已办结。"
    elif step == "confirm":
        form = forms_["publication"] = PublicationForm(request.POST)
        if form.is_valid():
            try:
                publication.confirm(message, user, **form.cleaned_data)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    raise
                for field, errors in error.message_dict.items():  # shown on their fields
                    form.add_error(field if field in form.fields else None, errors)
                return False
            return "已确认公开文本。"
    elif step == "publish":
        publication.publish(message, user)
        return "已公开。"
    elif step == "unpublish":
        publication.unpublish(message, user)
        return "已撤销公开。"
    return False


def office_view(request, pk: int):
    message = _office_message(request, pk)
    public = MessagePublication.objects.filter(message=message).first()
    initial = (
        {"title": public.title, "text": public.text, "answer": public.answer}
        if public is not None else publication.proposal(message)
    )  # fmt: skip
    forms_ = {
        "deliver": DeliverForm(choices=_deputy_choices(message)),
        "forward": ForwardForm(site_id=message.site_id),
        "reject": ReasonForm(),
        "publication": PublicationForm(initial=initial),
    }
    if request.method == "POST":
        try:
            with transaction.atomic():
                done = _office_step(request, message, request.POST.get("step", ""), forms_)
        except ValidationError as error:
            flash.error(request, "".join(error.messages))
            done = False
        if done:
            flash.success(request, done)
            return redirect("liaison_office", pk=message.pk)
    return TemplateResponse(request, "liaison/admin/office.html", {
        "message": message, "forms": forms_, "State": MessageState,
        "history": message.history.all(), "recipients": message.recipients.all(),
        "publication": public, "can_publish": publication.can_publish(message),
        "open": message.state in (MessageState.SCREENED, MessageState.DELIVERED,
                                  MessageState.REOPENED),
        **_clock_context(message),
    })  # fmt: skip


def unit_site_ids(user) -> set[int]:
    units = accounts.units_of(user)
    if not units:
        return set()
    sites = apps.get_model("accounts", "HandlingUnit").objects.filter(pk__in=units)
    return set(sites.values_list("site_id", flat=True)) & set(enabled_site_ids(LABEL))


def _unit_rows(request):
    units = accounts.units_of(request.user)
    if not units:
        raise Http404
    return Message.objects.filter(unit_id__in=units, site_id__in=unit_site_ids(request.user))


def units_view(request):
    rows = _unit_rows(request).select_related("unit").order_by("due_on", "pk")
    today = timezone.localdate()
    return TemplateResponse(request, "liaison/admin/units.html", {
        "rows": rows, "today": today, "State": MessageState,
    })  # fmt: skip


def unit_view(request, pk: int):
    message = _unit_rows(request).filter(pk=pk).first()
    if message is None:
        raise Http404
    form = AnswerForm()
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    flow.answer(message, request.user, form.cleaned_data["text"],
                                message.unit.name)  # fmt: skip
            except ValidationError as error:
                flash.error(request, "".join(error.messages))
            else:
                flash.success(request, "已答复,留言人会收到通知。")
                return redirect("liaison_units")
    return TemplateResponse(request, "liaison/admin/unit.html", {
        "message": message, "form": form, "State": MessageState,
        "history": message.history.all(), "recipients": message.recipients.all(),
        **_clock_context(message),
    })  # fmt: skip


def urls() -> list:
    return [
        path("liaison/office/<int:pk>/", office_view, name="liaison_office"),
        path("liaison/units/", units_view, name="liaison_units"),
        path("liaison/units/<int:pk>/", unit_view, name="liaison_unit"),
    ]


def office_url(message) -> str:
    return reverse("liaison_office", args=[message.pk])
