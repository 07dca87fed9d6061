"""The Excel report of an inspection (openpyxl through ``cms.services.spreadsheets``).

Sheet 汇总: one row per site (score, verdict, vetoes, then per indicator its figure
with its denominator, its deduction and 否决). Sheet 问题清单: every finding with the
address where it is fixed. Text is written as text (a finding quoting a page that
begins with "=" stays text).
"""

from __future__ import annotations

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from cms.services import spreadsheets

from .indicators import ALL
from .models import Finding, Severity

SEVERITY = {value: str(label) for value, label in Severity.choices}


def verdict(inspection) -> str:
    if inspection.vetoed:
        return "单项否决"
    return "合格" if inspection.passed else "不合格"


def figure(item: dict) -> str:
    if not item.get("applicable"):
        return f"不适用({item.get('reason', '')})"
    return f"{item.get('numerator', 0)}/{item.get('denominator', 0)}{item.get('counted', '')}"


def workbook(inspections: list, base_url: str) -> Workbook:
    """The report of ``inspections`` (SiteInspection rows with ``site__profile__parent``)."""
    base = base_url.rstrip("/")
    book = Workbook()
    summary = book.active
    summary.title = "汇总"
    head = ["站点", "行政区划代码", "层级", "上级站点", "考评时间", "得分", "扣分", "结论",
            "否决项", "问题数"]  # fmt: skip
    for indicator in ALL:
        head += [f"{indicator.name}(数值/分母)", f"{indicator.name}扣分", f"{indicator.name}否决"]
    spreadsheets.append(summary, head)
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for inspection in inspections:
        profile = inspection.site.profile
        by_code = {item["code"]: item for item in inspection.indicators}
        row = [profile.name, profile.division_code, str(profile.get_level_display()),
               profile.parent.name if profile.parent else "",
               timezone.localtime(inspection.inspected_at).strftime("%Y-%m-%d %H:%M"),
               float(inspection.score), float(inspection.deductions), verdict(inspection),
               "、".join(inspection.vetoes), inspection.finding_count]  # fmt: skip
        for indicator in ALL:
            item = by_code.get(indicator.code, {})
            row += [figure(item), item.get("deduction", 0), "是" if item.get("veto") else ""]
        spreadsheets.append(summary, row)
    findings = book.create_sheet("问题清单")
    spreadsheets.append(findings, ["站点", "行政区划代码", "指标", "性质", "扣分", "问题", "说明",
                                   "整改对象", "整改地址", "相关网址", "首次发现"])  # fmt: skip
    for cell in findings[1]:
        cell.font = Font(bold=True)
    names = {indicator.code: indicator.name for indicator in ALL}
    by_inspection = {i.pk: i.site.profile for i in inspections}
    rows = Finding.objects.filter(inspection_id__in=by_inspection).order_by(
        "inspection_id", "position"
    )
    for f in rows.iterator(chunk_size=2000):
        profile = by_inspection[f.inspection_id]
        spreadsheets.append(findings, [
            profile.name, profile.division_code, names.get(f.indicator, f.indicator),
            SEVERITY.get(f.severity, f.severity), float(f.points), f.title, f.detail,
            f.target_label, base + f.target_url if f.target_url.startswith("/") else f.target_url,
            f.link_url, timezone.localtime(f.first_seen_at).strftime("%Y-%m-%d"),
        ])  # fmt: skip
    for sheet, widths in (
        (summary, {"A": 24, "E": 17}),
        (findings, {"A": 24, "F": 60, "G": 50, "I": 40}),
    ):
        for column, width in widths.items():
            sheet.column_dimensions[column].width = width
    return book
