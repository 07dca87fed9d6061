"""Workbooks: the import template, and the XLSX export of a site's deputies.

The export has the import's columns minus the private ones (ID number,
mobile, address): no export ever carries them. It is written with openpyxl's
write-only mode, so a province-wide register streams row by row. Every cell
goes through ``cms.services.spreadsheets``: text that looks like a formula
(``=HYPERLINK(…)`` typed into an occupation) stays text.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cms.services import spreadsheets

from . import models as m
from .importer import (
    CHOICES,
    COLUMNS,
    DELEGATION_COLUMNS,
    DELEGATION_SHEET,
    ETHNICITIES,
    EXAMPLE_ROW,
    PRIVATE_COLUMNS,
    REQUIRED,
    SHEET,
)

PUBLIC_COLUMNS = tuple(c for c in COLUMNS if c not in PRIVATE_COLUMNS)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Typed as text, so Excel keeps ID numbers whole and "1975.10" from becoming 1975.1.
TEXT_COLUMNS = ("人大代码", "届次", "出生年月", "当选日期", "终止日期", "身份证号", "手机号码")
#: Rows the template's drop-downs cover.
TEMPLATE_ROWS = 200_000

#: What the 说明 sheet says of each column.
HELP = {
    "人大代码": "人民代表大会的行政区划代码（全国人大代表填 100000）；下拉可选您可导入的人大",
    "届次": "届次，如 18 或“第十八届”；该届次须已在后台添加",
    "姓名": "不超过 50 字",
    "出生年月": "如 1975-03、1975.03、1975年3月；只公开年月",
    "工作单位及职务": "不超过 200 字",
    "职称": "不超过 100 字",
    "代表团": "须为该届次已有的代表团，或在“代表团”工作表中列出（人大代码 | 届次 | 名称）",
    "代表小组": "不存在时自动在该届次创建",
    "选区": "选区或选举单位名称；不存在时自动在该届次创建",
    "选举方式": "不填时：县、乡两级为直接选举，其余为间接选举",
    "当选日期": "如 2021-12-01；不填时为该届次开始日期",
    "终止日期": "代表资格终止的日期，如 2024-06-30",
    "终止原因": "填写终止原因时须填写终止日期",
    "职务": "可填多项，以“；”分隔，如“常务委员会委员；法制委员会主任”；只写职务时为常务委员会",
    "身份证号": "18 位，用于识别同一人；以文本格式填写；不公开、不导出",
    "手机号码": "不公开、不导出",
    "通讯地址": "不公开、不导出",
}


def _choice_labels(column: str) -> list[str]:
    """The official labels of a choice column (not the abbreviations it also accepts)."""
    choices = {
        "性别": m.Gender,
        "政治面貌": m.Party,
        "学历": m.Education,
        "职业构成": m.OccupationCategory,
        "选举方式": m.Election,
        "终止原因": m.EndReason,
    }[column]
    return [str(label) for _, label in choices.choices]


def build_template(congresses) -> bytes:
    """The import template: header, an example row, 说明, drop-downs, the 代表团 sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    spreadsheets.append(sheet, COLUMNS)
    spreadsheets.append(sheet, EXAMPLE_ROW)
    bold, grey = Font(bold=True), Font(color="808080", italic=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(10, len(column) * 2 + 4)
        header = sheet.cell(row=1, column=index)
        header.font = bold
        if column in REQUIRED:
            header.fill = PatternFill("solid", fgColor="FFF2CC")
        sheet.cell(row=2, column=index).font = grey
        if column in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    sheet.cell(row=1, column=1).comment = Comment("第 2 行为示例，原样保留时导入会忽略它。", "联系")
    sheet.freeze_panes = "A2"

    options = workbook.create_sheet("选项")
    lists = {column: _choice_labels(column) for column in CHOICES}
    lists["民族"] = list(ETHNICITIES)
    lists["人大代码"] = [c.division_code for c in congresses]
    for index, (column, values) in enumerate(lists.items(), start=1):
        options.cell(row=1, column=index, value=column)
        for row, value in enumerate(values, start=2):
            options.cell(row=row, column=index, value=value)
        if not values:
            continue
        letter = get_column_letter(index)
        validation = DataValidation(
            type="list",
            formula1=f"选项!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="不是可选值",
            error=f"请从下拉列表中选择{column}。",
        )
        target = get_column_letter(COLUMNS.index(column) + 1)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
    options.sheet_state = "hidden"

    notes = workbook.create_sheet("说明")
    spreadsheets.append(notes, ("列名", "是否必填", "说明", "可选值"))
    for column in COLUMNS:
        allowed = "、".join(lists.get(column, []))
        if column == "职务":
            allowed = "主任、副主任、秘书长、委员（前可加机构，如“法制委员会”）"
        spreadsheets.append(
            notes, (column, "必填" if column in REQUIRED else "", HELP.get(column, ""), allowed)
        )
    for letter, width in zip("ABCD", (16, 10, 60, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = bold
    notes.append(())
    notes.append(
        ("第 2 行为示例，原样保留时导入会忽略它；整个文件全部正确才会导入，否则不写入任何数据。",)
    )
    notes.append(("同一人（同一身份证号）可在多个人大各占一行，各行的个人信息须一致。",))

    delegations = workbook.create_sheet(DELEGATION_SHEET)
    spreadsheets.append(delegations, DELEGATION_COLUMNS)
    for cell in delegations[1]:
        cell.font = bold
    return _save(workbook)


def _save(workbook) -> bytes:
    return spreadsheets.workbook_bytes(workbook)


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def memberships_of_site(site_id: int):
    """Seats in the congresses the site hosts, with everything a row shows."""
    return (
        m.Membership.objects.filter(congress__site_id=site_id)
        .select_related("person", "congress", "term", "delegation", "deputy_group", "constituency")
        .order_by("congress__division_code", "-term__number", "person__name_pinyin", "pk")
    )


def export_rows(site_id: int):
    """One tuple per seat, in ``PUBLIC_COLUMNS`` order, labels as the import reads them."""
    labels = m.choice_labels
    gender, party, education = labels(m.Gender), labels(m.Party), labels(m.Education)
    category, election = labels(m.OccupationCategory), labels(m.Election)
    reason = labels(m.EndReason)
    holdings: dict[tuple[int, int], list[str]] = {}
    posts = m.PostHolding.objects.filter(post__term__congress__site_id=site_id).select_related(
        "post"
    )
    for holding in posts.order_by("post__body", "post__role"):
        holdings.setdefault((holding.person_id, holding.post.term_id), []).append(
            holding.post.label
        )
    for seat in memberships_of_site(site_id).iterator(chunk_size=2000):
        person = seat.person
        yield (
            seat.congress.division_code,
            seat.term.ordinal,
            person.name,
            gender.get(person.gender, ""),
            person.ethnicity,
            person.birth_date.strftime("%Y-%m") if person.birth_date else "",
            party.get(person.party, ""),
            education.get(person.education, ""),
            category.get(person.occupation_category, ""),
            person.occupation,
            person.title,
            seat.delegation.name if seat.delegation else "",
            seat.deputy_group.name if seat.deputy_group else "",
            seat.constituency.name if seat.constituency else "",
            election.get(seat.election, ""),
            _date(seat.start_date),
            _date(seat.end_date),
            reason.get(seat.end_reason, ""),
            "；".join(holdings.get((person.pk, seat.term_id), [])),
        )


def export_workbook(site_id: int) -> bytes:
    """The site's deputies as XLSX: public columns only."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    spreadsheets.append(sheet, PUBLIC_COLUMNS)
    for row in export_rows(site_id):
        spreadsheets.append(sheet, [str(v) for v in row])
    return _save(workbook)
