"""Admin: 留言统计, the office's figures of citizens' messages (its sites, rolled up), with
SVG charts and an Excel export.

The figures are ``stats.statistics`` over the sites the user holds with the plugin on;
the scope is one of them with everything below it that the user also holds. Sites are
listed in division-code order unless the user sorts by a column: no league table by
default. Neither the page nor the export names a citizen or quotes a message.
"""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from cms.plugins import site_access
from cms.services import spreadsheets
from cms.services.charts import cached

from . import charts, committee_admin, stats
from .models import Topic

LABEL = stats.LABEL
SORTS = (
    ("", "按区划代码"),
    ("received", "按收到件数"),
    ("answered", "按答复率"),
    ("on_time", "按按期答复率"),
    ("overdue", "按逾期未答复件数"),
    ("solved", "按解决率"),
    ("satisfaction", "按满意率"),
)


class StatsForm(forms.Form):
    site = forms.ChoiceField(label="统计范围", required=False)
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    since = forms.DateField(label="收到日期自", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label="至", required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    topic = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), *Topic.choices])
    sort = forms.ChoiceField(label="站点排列", required=False, choices=SORTS)

    def __init__(self, *args, profiles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(p.division_code, f"{p.name}(含下级)") for p in profiles]

    def clean(self):
        data = super().clean()
        if data.get("year") and (data.get("since") or data.get("until")):
            self.add_error("year", "年度和收到日期只能选一种。")
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "结束日期不能早于开始日期。")
        return data


def held_profiles(request) -> tuple[list, frozenset[int]]:
    """The user's sites with the plugin on, the highest first (scope choices), and their ids;
    404 without ``liaison.view_message`` or such a site."""
    profiles = committee_admin.held_profiles(request, "liaison.view_message")
    return profiles, site_access(request).plugin_site_ids(LABEL)


def can_see(request) -> bool:
    if not request.user.has_perm("liaison.view_message"):
        return False
    return bool(site_access(request).plugin_site_ids(LABEL))


def _figures(request):
    """(form, figures or None): the figures of the chosen scope and filters."""
    profiles, held = held_profiles(request)
    form = StatsForm(request.GET or None, profiles=profiles)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    code = data.get("site") or profiles[0].division_code
    scope = next(p for p in profiles if p.division_code == code)
    filters = {k: data.get(k) for k in ("year", "since", "until", "topic")}
    figures = stats.statistics(scope, allowed=held, filters=filters)
    figures["sites"] = stats.sort_sites(figures["sites"], data.get("sort") or "")
    for row in figures["sites"]:
        row["label"] = row["site"]["name"] + ("(本级)" if row["own"] else "")
    return form, figures


# --- the page ------------------------------------------------------------------------


def show(figure: dict) -> str:
    """A rate as the tables show it: “50.0%(1/2)”, “—(0/0)” without a denominator."""
    if figure["percent"] is None:
        return "—(0/0)"
    return f"{figure['percent']}%({figure['numerator']}/{figure['denominator']})"


def cells(row: dict) -> list[str]:
    """The table cells of one row after its name."""
    counts = row["counts"]
    ratings = " · ".join(f"{label} {counts[f'rated_{key}']}" for key, label in
                         (("satisfied", "满意"), ("basically", "基本满意"),
                          ("unsatisfied", "不满意")))  # fmt: skip
    days = "—" if row["average_days"] is None else f"{row['average_days']}"
    return [str(counts["received"]), show(row["valid"]), str(counts["forwarded"]),
            show(row["answered"]), show(row["on_time"]), show(row["overdue"]),
            show(row["replied"]), show(row["solved"]), show(row["satisfaction"]), ratings,
            days]  # fmt: skip


HEADERS = ("收到", "有效(有效/收到)", "转办单位", "答复率(已答复/有效)", "按期答复率(按期/已答复)",
           "逾期未答复(逾期/未答复)", "解决情况回复率(已回复/已询问)", "解决率(已解决/已回复)",
           "满意率((满意+基本满意)/已评价)", "评价(条)", "平均答复天数(自然日)")  # fmt: skip


def stats_view(request):
    form, figures = _figures(request)
    if figures is None:
        context = {"form": form, "figures": None, "headers": HEADERS}
        return TemplateResponse(request, "liaison/admin/stats.html", context, status=400)
    for row in [figures["total"], *figures["sites"], *figures["topics"]]:
        row["cells"] = cells(row)
    site_labels = [r["label"] for r in figures["sites"]]
    topic_labels = [r["label"] for r in figures["topics"]]
    context = {
        "form": form, "figures": figures, "headers": HEADERS,
        "query": request.GET.urlencode(),
        "charts": {
            "sites": _chart(charts.handling, site_labels,
                            [charts.plotted_handling(r) for r in figures["sites"]],
                            "各站点答复情况(件)"),
            "ratings": _chart(charts.ratings, site_labels,
                              [charts.plotted_ratings(r) for r in figures["sites"]]),
            "topics": _chart(charts.handling, topic_labels,
                             [charts.plotted_handling(r) for r in figures["topics"]],
                             "各类别答复情况(件)"),
        },
    }  # fmt: skip
    return TemplateResponse(request, "liaison/admin/stats.html", context)


def _chart(draw, labels: list[str], rows: list[dict], *title) -> str:
    """A chart, kept in the cache by what it shows (drawing one takes pygal ~100 ms)."""
    if not labels:
        return ""
    return cached(draw, labels, rows, *title, seconds=stats.CACHE_SECONDS)


# --- the export ----------------------------------------------------------------------

#: (header, value of a row's figures): counts, then each rate as a percentage whose
#: numerator and denominator are columns of their own.
COLUMNS = (
    ("收到(件)", lambda r: r["counts"]["received"]),
    ("有效(件)", lambda r: r["counts"]["valid"]),
    ("转办单位(件)", lambda r: r["counts"]["forwarded"]),
    ("已答复(件)", lambda r: r["counts"]["answered"]),
    ("按期答复(件)", lambda r: r["counts"]["on_time"]),
    ("超期答复(件)", lambda r: r["late"]["numerator"]),
    ("未答复(件)", lambda r: r["counts"]["open"]),
    ("逾期未答复(件)", lambda r: r["counts"]["overdue"]),
    ("已询问是否解决(件)", lambda r: r["counts"]["asked"]),
    ("已回复是否解决(件)", lambda r: r["counts"]["replied"]),
    ("已解决(件)", lambda r: r["counts"]["solved"]),
    ("已评价(件)", lambda r: r["counts"]["rated"]),
    ("满意(件)", lambda r: r["counts"]["rated_satisfied"]),
    ("基本满意(件)", lambda r: r["counts"]["rated_basically"]),
    ("不满意(件)", lambda r: r["counts"]["rated_unsatisfied"]),
    ("有效率%(有效/收到)", lambda r: r["valid"]["percent"]),
    ("答复率%(已答复/有效)", lambda r: r["answered"]["percent"]),
    ("按期答复率%(按期答复/已答复)", lambda r: r["on_time"]["percent"]),
    ("逾期率%(逾期未答复/未答复)", lambda r: r["overdue"]["percent"]),
    ("解决情况回复率%(已回复/已询问)", lambda r: r["replied"]["percent"]),
    ("解决率%(已解决/已回复)", lambda r: r["solved"]["percent"]),
    ("满意率%((满意+基本满意)/已评价)", lambda r: r["satisfaction"]["percent"]),
    ("平均答复天数(自然日)", lambda r: r["average_days"]),
)

DEFINITIONS = (
    ("收到", "统计期间收到的全部留言(含待审核、不予受理和撤回的)。"),
    ("有效", "通过审核且未被不予受理、未被撤回的留言。"),
    ("转办单位", "有效留言中转交承办单位办理的。"),
    ("已答复", "有效留言中已由代表或承办单位答复的(重新办理的以最近一次答复计)。"),
    ("按期答复", "答复日期不晚于答复期限(收到之日起三个月,遇节假日顺延;重新办理的以新的期限计)。"),
    ("未答复", "待分办、已送达代表、已转办、重新办理中的留言。"),
    (
        "逾期未答复",
        "未答复且已过答复期限的(统计日计)。待分办且尚未送达或转办的留言没有期限,不计逾期。",
    ),
    ("已询问是否解决", "已答复的留言中,已询问群众问题是否解决的(答复后14日)。"),
    ("已回复是否解决 / 已解决", "群众回答了“问题解决了吗”的;其中回答已解决的。"),
    ("评价", "已答复的留言中群众评价为满意、基本满意、不满意的;满意率的分子为满意加基本满意。"),
    ("平均答复天数", "已答复留言从收到到答复的平均自然日(不扣除节假日),保留一位小数。"),
    ("汇总", "下级站点的行含其所辖各级站点;比率由汇总后的件数计算,不做平均。"),
)


def _sheet_rows(sheet, name_header: str, rows: list[tuple[str, dict]]) -> None:
    spreadsheets.append(sheet, (name_header, *(h for h, _ in COLUMNS)))
    for name, row in rows:
        spreadsheets.append(sheet, (name, *(value(row) for _, value in COLUMNS)))


def export_view(request):
    """The figures as Excel: the sites with the total, the topics, and what each figure means."""
    from openpyxl import Workbook

    form, figures = _figures(request)
    if figures is None:
        errors = "；".join(f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}"
                          for k, v in form.errors.items())  # fmt: skip
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "各站点"
    _sheet_rows(sheet, "站点", [*((r["label"], r) for r in figures["sites"]),
                                ("合计", figures["total"])])  # fmt: skip
    _sheet_rows(workbook.create_sheet("按类别"), "类别",
                [*((r["label"], r) for r in figures["topics"]), ("合计", figures["total"])])  # fmt: skip
    about = workbook.create_sheet("说明")
    period = figures["period"]
    topic = figures["topic"]
    for line in (
        ("统计范围", f"{figures['scope']['name']}及其下启用本功能的站点(共{figures['sites_counted']}个)"),
        ("收到日期", f"{period['start'] or '不限'} 至 {period['end'] or '不限'}"),
        ("类别", Topic(topic).label if topic else "全部"),
        ("统计日", figures["as_of"]),
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("", ""),
        *DEFINITIONS,
    ):  # fmt: skip
        spreadsheets.append(about, line)
    filename = f"liaison-statistics-{figures['scope']['code']}-{figures['as_of']}.xlsx"
    return spreadsheets.download(workbook, filename)


def urls() -> list:
    return [
        path("liaison/statistics/", stats_view, name="liaison_stats"),
        path("liaison/statistics/export/", export_view, name="liaison_stats_export"),
    ]
