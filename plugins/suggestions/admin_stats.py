"""Admin: 议案建议统计, the office's statistics page (its sites, rolled up) with SVG charts.

The figures are ``stats.statistics`` over the sites the user holds with the
plugin on; the scope is one of them with everything below it that the user also
holds. Units are listed by name unless the user sorts by a column: no league
table by default.
"""

from __future__ import annotations

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path

from cms.plugins import site_access
from cms.services.charts import cached

from . import charts, stats
from .models import Kind, Period

LABEL = "suggestions"
SORTS = (
    ("name", "按名称"),
    ("handled", "按办复件数"),
    ("on_time", "按按期答复率"),
    ("satisfaction", "按满意率"),
    ("rehandling", "按重新办理率"),
)


class StatsForm(forms.Form):
    site = forms.ChoiceField(label="统计范围", required=False)
    session = forms.ChoiceField(label="届次会议", required=False)
    period = forms.ChoiceField(label="提出时间", required=False,
                               choices=[("", "全部"), *Period.choices])  # fmt: skip
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Kind.choices])
    since = forms.DateField(label="提交日期自", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label="至", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    sort = forms.ChoiceField(label="承办单位排列", required=False, choices=SORTS)

    def __init__(self, *args, profiles, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [
            (p.division_code, f"{p.name}(含下级)") for p in profiles
        ]  # fmt: skip
        self.fields["session"].choices = [("", "全部"), *((s, s) for s in sessions)]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "结束日期不能早于开始日期。")
        return data


def _held_profiles(request) -> tuple[list, frozenset[int]]:
    """The user's sites with the plugin on, the highest first (scope choices), and their ids."""
    if not request.user.has_perm("suggestions.view_suggestion"):
        raise Http404
    held = site_access(request).plugin_site_ids(LABEL)
    if not held:
        raise Http404
    from wagtail.models import Site

    profiles = [s.profile for s in Site.objects.filter(pk__in=held).select_related("profile")
                if hasattr(s, "profile")]  # fmt: skip
    # Each site's depth in the tree from one read of the parent links (not a walk per site).
    parent = dict(type(profiles[0]).objects.values_list("pk", "parent_id")) if profiles else {}

    def depth_of(pk, seen=()):
        up = parent.get(pk)
        return 0 if up is None or up in seen else 1 + depth_of(up, (*seen, pk))

    depth = {p.pk: depth_of(p.pk) for p in profiles}
    profiles.sort(key=lambda p: (depth[p.pk], p.division_code))
    return profiles, held


def stats_view(request):
    profiles, held = _held_profiles(request)
    form = StatsForm(request.GET or None, profiles=profiles, sessions=stats.sessions(held))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    code = data.get("site") or profiles[0].division_code
    scope = next(p for p in profiles if p.division_code == code)
    filters = {k: data.get(k) for k in ("session", "period", "kind", "since", "until")}
    sort = data.get("sort") or "name"
    figures = stats.statistics(scope, allowed=held, filters=filters, sort=sort)
    site_labels = [
        row["site"]["name"] + ("(本级)" if row["site"]["code"] == scope.division_code else "")
        for row in figures["sites"]
    ]
    for row, label in zip(figures["sites"], site_labels, strict=True):
        row["label"] = label
    for row in [figures["total"], *figures["sites"], *figures["units"]]:
        row["cells"] = cells(row)
    unit_labels = [u["name"] for u in figures["units"]]
    context = {
        "form": form,
        "figures": figures,
        "classes": stats.CLASSES,
        "charts": {
            "class_mix": _chart(charts.class_mix, site_labels, figures["sites"]),
            "satisfaction": _chart(charts.satisfaction, site_labels, figures["sites"]),
            "on_time": _chart(charts.on_time, unit_labels, figures["units"]),
        },
    }
    return TemplateResponse(request, "suggestions/admin/stats.html", context)


def _chart(draw, labels: list[str], rows: list[dict]) -> str:
    """A chart, kept in the cache by what it shows (drawing one takes pygal ~100 ms)."""
    if not labels:
        return ""
    plotted = [{k: r[k] for k in ("classes", "ratings", "on_time")} for r in rows]
    return cached(draw, labels, plotted, seconds=stats.CACHE_SECONDS)


def show(figure: dict | None) -> str:
    """A rate as the tables show it: “50.0%(1/2)”, “—(0/0)” without a denominator."""
    if figure is None:
        return "不足以统计"
    if figure["percent"] is None:
        return "—(0/0)"
    return f"{figure['percent']}%({figure['numerator']}/{figure['denominator']})"


def cells(row: dict) -> list[str]:
    """The table cells of one row after its name: counts, rates, the class mix."""
    classes = " · ".join(f"{c} {r['numerator']}" for c, r in (row["classes"] or {}).items())
    return [str(row["counts"]["accepted"]), show(row["handled"]), show(row["on_time"]),
            show(row["overdue_open"]), classes, show(row["satisfaction"]),
            show(row["rehandling"])]  # fmt: skip


def urls() -> list:
    return [path("suggestions/statistics/", stats_view, name="suggestions_stats")]


def can_see(request) -> bool:
    if not request.user.has_perm("suggestions.view_suggestion"):
        return False
    return bool(site_access(request).plugin_site_ids(LABEL))
