"""Admin: 答复公开, the office's redaction and publication step.

* ``suggestions_publications`` (``/admin/suggestions/publication/``): the
  replied suggestions of the user's sites (plugin on) with their publication
  state and clock, filtered by site, session and state; "公开本届次会议所有
  已确认的答复" publishes every confirmed reply of one site's session at once.
* ``suggestions_publication`` (``/admin/suggestions/publication/<id>/``): the
  originals beside the proposed public texts (contact details and ID numbers
  already removed, each finding listed); staff edit and confirm them (who and
  when are recorded), publish, or unpublish with a reason.

The office is whoever may change suggestions on a site they manage (as for 办理).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from wagtail.models import Site

from cms.plugins import site_access
from cms.services import deadlines, redaction

from . import publication
from .admin_views import LABEL, _office_suggestion
from .models import Suggestion


class RedactionForm(forms.Form):
    title = forms.CharField(label="公开标题", max_length=200)
    text = forms.CharField(label="公开内容", widget=forms.Textarea(attrs={"rows": 10}))
    reply_text = forms.CharField(label="公开答复内容", widget=forms.Textarea(attrs={"rows": 10}))


class UnpublishForm(forms.Form):
    reason = forms.CharField(label="撤销公开理由", max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class SessionForm(forms.Form):
    site = forms.ModelChoiceField(label="站点", queryset=None)
    session = forms.CharField(label="届次会议", max_length=100,
                              help_text="与议案建议的“届次会议”完全一致,如“十七届人大五次会议”")  # fmt: skip

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if sites.count() == 1:
            self.fields["site"].initial = sites.first()


def _can_office(request) -> frozenset[int]:
    if not request.user.has_perm("suggestions.change_suggestion"):
        raise Http404
    site_ids = site_access(request).plugin_site_ids(LABEL)
    if not site_ids:
        raise Http404  # no site of the user's has the plugin on
    return site_ids


def _state_of(suggestion) -> tuple[str, str]:
    row = publication.publication_of(suggestion)
    if row is not None and row.is_published:
        if row.round != suggestion.round:
            return "newer", "已公开(有新的答复待确认)"
        return "published", "已公开"
    if row is not None and row.unpublished_at:
        return "unpublished", "已撤销公开"
    if publication.is_confirmed(suggestion):
        return "confirmed", "已确认,待公开"
    return "unconfirmed", "待确认公开文本"


def _clock_info(suggestion) -> dict:
    clock = publication.clock_of(suggestion)
    if clock is None:
        return {"clock": None, "clock_state": ""}
    return {"clock": clock, "clock_state": deadlines.DeadlineState(deadlines.state(clock)).label}


def list_view(request):
    site_ids = _can_office(request)
    sites = Site.objects.filter(pk__in=site_ids).order_by("pk")
    rows = (
        Suggestion.objects.filter(site_id__in=site_ids, state__in=publication.REPLIED_STATES,
                                  replied_at__isnull=False)
        .select_related("site", "publication").order_by("-replied_at", "-pk")
    )  # fmt: skip
    site, session, wanted = (
        request.GET.get("site"),
        request.GET.get("session", ""),
        request.GET.get("state", ""),
    )
    if site and site.isdigit():
        rows = rows.filter(site_id=int(site))
    if session:
        rows = rows.filter(session=session)
    form = SessionForm(request.POST or None, sites=sites,
                       initial={"session": session, "site": site})  # fmt: skip
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                counts = publication.publish_session(data["site"].pk, data["session"].strip(),
                                                     request.user)  # fmt: skip
            except ValidationError as error:
                messages.error(request, "".join(error.messages))
            else:
                messages.success(
                    request,
                    f"“{data['session']}”:公开 {counts['published']} 件;此前已公开 {counts['already']} 件;"
                    f"{counts['unconfirmed']} 件的公开文本尚未确认,{counts['withdrawn']} 件已撤销公开,均未公开。",
                )
                return redirect(f"{reverse('suggestions_publications')}?site={data['site'].pk}"
                                f"&session={data['session'].strip()}")  # fmt: skip
    rows = list(rows[:500])
    clocks = publication.clocks_of(rows)
    items = []
    for suggestion in rows:
        state, label = _state_of(suggestion)
        if wanted and state != wanted:
            continue
        clock = clocks.get(suggestion.pk)
        items.append({"suggestion": suggestion, "state": state, "label": label, "clock": clock,
                      "clock_state": deadlines.DeadlineState(deadlines.state(clock)).label
                      if clock else ""})  # fmt: skip
    sessions = (
        Suggestion.objects.filter(site_id__in=site_ids).exclude(session="")
        .values_list("session", flat=True).distinct().order_by("session")
    )  # fmt: skip
    return TemplateResponse(request, "suggestions/admin/publications.html", {
        "items": items, "form": form, "sites": sites, "sessions": list(sessions),
        "site": site or "", "session": session, "wanted": wanted,
        "states": [("unconfirmed", "待确认公开文本"), ("confirmed", "已确认,待公开"),
                   ("published", "已公开"), ("newer", "已公开(有新的答复待确认)"),
                   ("unpublished", "已撤销公开")],
    })  # fmt: skip


def detail_view(request, pk: int):
    suggestion = _office_suggestion(request, pk)
    if not publication.can_publish(suggestion):
        messages.error(request, "这件议案建议尚未答复,不能公开。")
        return redirect("suggestions_office", pk=suggestion.pk)
    proposal = publication.proposal(suggestion)
    form, unpublish_form = RedactionForm(initial=proposal), UnpublishForm()
    if request.method == "POST":
        step = request.POST.get("step", "")
        try:
            if step == "confirm":
                form = RedactionForm(request.POST)
                if form.is_valid():
                    try:
                        publication.confirm(suggestion, request.user, **form.cleaned_data)
                    except ValidationError as error:
                        if hasattr(error, "error_dict"):
                            for field, errors in error.message_dict.items():
                                form.add_error(field if field in form.fields else None, errors)
                        else:
                            raise
                    else:
                        messages.success(request, "公开文本已确认。")
                        return redirect("suggestions_publication", pk=suggestion.pk)
            elif step == "publish":
                publication.publish(suggestion, request.user)
                messages.success(request, "已公开。")
                return redirect("suggestions_publication", pk=suggestion.pk)
            elif step == "unpublish":
                unpublish_form = UnpublishForm(request.POST)
                if unpublish_form.is_valid():
                    publication.unpublish(
                        suggestion, request.user, unpublish_form.cleaned_data["reason"]
                    )
                    messages.success(request, "已撤销公开。")
                    return redirect("suggestions_publication", pk=suggestion.pk)
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
    known = publication.known_contacts(suggestion)
    findings = {
        label: redaction.find(value, known)
        for label, value in (("标题", suggestion.title), ("内容", suggestion.text),
                             ("答复", suggestion.reply_text))
    }  # fmt: skip
    state, label = _state_of(suggestion)
    return TemplateResponse(request, "suggestions/admin/publication.html", {
        "suggestion": suggestion, "form": form, "unpublish_form": unpublish_form,
        "row": publication.publication_of(suggestion), "state": state, "state_label": label,
        "findings": {k: v for k, v in findings.items() if v},
        "public_url": _public_url(suggestion), "today": timezone.localdate(),
        "can_publish_now": state in ("confirmed", "unpublished")
        and publication.is_confirmed(suggestion),
        **_clock_info(suggestion),
    })  # fmt: skip


def _public_url(suggestion) -> str:
    profile = getattr(suggestion.site, "profile", None)
    code = profile.division_code if profile is not None else ""
    return f"/api/v1/suggestions/published/{suggestion.pk}/?site={code}"


def urls() -> list:
    return [
        path("suggestions/publication/", list_view, name="suggestions_publications"),
        path("suggestions/publication/<int:pk>/", detail_view, name="suggestions_publication"),
    ]


def can_see_menu(request) -> bool:
    return request.user.has_perm("suggestions.change_suggestion") and bool(
        site_access(request).plugin_site_ids(LABEL)
    )
