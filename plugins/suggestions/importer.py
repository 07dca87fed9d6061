"""Import past sessions' motions and suggestions from Excel, with a row report: all or nothing.

The workbook's first sheet has the header ``COLUMNS`` in row 1 (the last
columns, ``OPTIONAL``, may be left out); one row per item. Every row is
checked before anything is written: the deputies are matched to the register
through ``cms.services.directory`` (by name among the people who hold or
held a seat on the site, or by their register id when a name is shared:
"张伟(12)"), the units to the site's handling units by name. A single bad row
writes nothing; the report names the row and the column.

An imported item lands in the state its row describes, with one history line
"导入" (see ``state_of``); no notification is sent and no duty-record entry
is written: the past is recorded, not replayed. A still-open item (assigned,
no reply yet) gets its reply clock from its 交办日期.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.services import deadlines, directory, sensitive, spreadsheets
from cms.services.spreadsheets import cell_text as _text

from . import workflow
from .models import (
    Assignment,
    Category,
    CoSigner,
    Kind,
    Period,
    Rating,
    RatingResult,
    ReplyClass,
    State,
    Suggestion,
    Transition,
)

COLUMNS = ("编号", "届次会议", "类别", "标题", "内容", "领衔代表", "附议代表", "分类", "主办单位",
           "协办单位", "交办日期", "答复类别", "答复内容", "答复日期", "评价", "承诺事项",
           "承诺完成时间")  # fmt: skip
#: Trailing columns a workbook may leave out.
OPTIONAL = ("承诺事项", "承诺完成时间")
REQUIRED = ("届次会议", "类别", "标题", "内容", "领衔代表")
REPLY_COLUMNS = ("答复类别", "答复内容", "答复日期")
#: The template's example row (second row of the template): left as it is, it is skipped.
EXAMPLE_ROW = ("第0001号", "十七届人大五次会议", "建议", "关于……的建议", "建议内容……", "张三",
               "李四、王五", "交通建设", "某县交通运输局", "某县财政局", "2026-03-20", "B",
               "答复内容……", "2026-06-10", "满意", "列入明年计划实施", "2027-06-30")  # fmt: skip

KINDS = {str(label): value for value, label in Kind.choices} | {"motion": "motion",
                                                                "suggestion": "suggestion"}  # fmt: skip
CATEGORIES = {str(label): value for value, label in Category.choices}
CLASSES = {c: c for c in ReplyClass.values} | {f"{c}类": c for c in ReplyClass.values}
RESULTS = {str(label): value for value, label in RatingResult.choices}
_SPLIT = re.compile(r"[、,，;；\s]+")
_REF = re.compile(r"^(.*?)[(（](\d+)[)）]$")


class ImportFileError(Exception):
    """The upload is not a workbook of the expected shape (message for the user)."""


@dataclass
class ImportReport:
    """What an import did, or why it did nothing (``errors``: (row, column, message))."""

    errors: list[tuple[int | None, str, str]] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    states: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [f"第{row}行 {column}:{message}" if row else message
                for row, column, message in self.errors]  # fmt: skip

    def state_counts(self) -> list[tuple[str, int]]:
        return [(str(State(s).label), n) for s, n in self.states.items()]

    def summary(self) -> str:
        if not self.ok:
            return f"文件有 {len(self.errors)} 处错误,未导入任何数据。"
        verb = "校验通过(未写入)" if self.dry_run else "导入完成"
        detail = "、".join(f"{label} {n} 件" for label, n in self.state_counts())
        return f"{verb}:共 {self.rows} 行,新增 {self.created} 件议案建议。" + (
            f"({detail})" if detail else ""
        )

    def as_text(self, limit: int | None = None) -> str:
        errors = self.error_lines()
        shown = errors if limit is None else errors[:limit]
        lines = [self.summary(), *shown]
        if len(errors) > len(shown):
            lines.append(f"…另有 {len(errors) - len(shown)} 处错误")
        return "\n".join(lines)


# --- cells ---------------------------------------------------------------------------


def parse_date(value) -> datetime.date:
    """A date cell, or text such as "2026-06-10" (``spreadsheets.cell_date``)."""
    return spreadsheets.cell_date(value, example="2026-06-10")


def _choice(mapping: dict[str, str], value: str, what: str) -> str:
    if not value:
        return ""
    try:
        return mapping[value]
    except KeyError:
        allowed = "、".join(k for k in mapping if not k.isascii() or len(k) == 1)
        raise ValueError(f"“{value}”不是{what}的可选值({allowed})") from None


def state_of(row: dict) -> str:
    """The state a row lands in.

    No lead unit: 已立案 (waiting for assignment); a lead unit without a reply:
    办理中 (the reply clock runs from 交办日期); a reply: 已答复; a reply and a
    rating: 已办结, or 已评价 while a B/C commitment is still open.
    """
    if not row["lead"]:
        return State.ACCEPTED
    if not row["reply_class"]:
        return State.ASSIGNED
    if not row["rating"]:
        return State.REPLIED
    return State.RATED if row["commitment_due"] and not row["closed_commitment"] else State.CLOSED


# --- checking ------------------------------------------------------------------------


class _Checker:
    """Checks rows one by one against lookups loaded once; collects (row, column, message)."""

    def __init__(self, site):
        self.site = site
        units = apps.get_model("accounts", "HandlingUnit").objects.filter(site_id=site.pk)
        self.units = {u.name: u for u in units}
        self.numbers = set(
            Suggestion.objects.filter(site_id=site.pk).exclude(number="")
            .values_list("number", flat=True)
        )  # fmt: skip
        self.seen_numbers: dict[str, int] = {}
        self.people: dict[str, directory.Person | str] = {}  # cell text → person or error
        self.scan = sensitive.scanner(site.pk)
        self.errors: list[tuple[int | None, str, str]] = []

    def error(self, number, column, message):
        self.errors.append((number, column, message))

    def deputy(self, text: str) -> directory.Person:
        """A deputy as offices write them: a name, "张伟(12)", or the register id."""
        if text in self.people:
            found = self.people[text]
            if isinstance(found, str):
                raise ValueError(found)
            return found
        try:
            found = self._deputy(text)
        except ValueError as exc:
            self.people[text] = str(exc)
            raise
        self.people[text] = found
        return found

    def _deputy(self, text: str) -> directory.Person:
        match = _REF.match(text)
        name, ref = (
            (match[1].strip(), match[2]) if match else (text, text if text.isdigit() else "")
        )
        if ref:
            person = directory.person(ref)
            if person is None or (name != ref and person.name != name):
                raise ValueError(f"代表名册中没有编号为 {ref} 的“{name}”")
            if not any(seat.site_id == self.site.pk for seat in person.seats):
                raise ValueError(f"{person.name}(编号 {ref})不是本级人大的代表")
            return person
        found = directory.find(name, self.site.pk)
        if not found:
            raise ValueError(f"代表名册中没有本级人大代表“{name}”")
        if len(found) > 1:
            refs = "、".join(f"{name}({p.ref})" for p in found)
            raise ValueError(f"本级人大有 {len(found)} 位代表名为“{name}”,请写明编号:{refs}")
        return found[0]

    def row(self, number: int, values) -> dict | None:
        cells = dict(zip(COLUMNS, values, strict=True))
        text = {c: _text(v) for c, v in cells.items()}
        before = len(self.errors)

        def check(column, parse, *args):
            try:
                return parse(*args)
            except ValueError as exc:
                self.error(number, column, str(exc))
                return None

        for column in REQUIRED:
            if not text[column]:
                self.error(number, column, "必填")
        for column, limit in (("编号", 32), ("届次会议", 100), ("标题", 200), ("内容", 10000),
                              ("答复内容", 20000), ("承诺事项", 2000)):  # fmt: skip
            if len(text[column]) > limit:
                self.error(number, column, f"不超过 {limit} 字")
        row = {"number": number, "code": text["编号"], "session": text["届次会议"],
               "title": text["标题"], "text": text["内容"], "reply_text": text["答复内容"],
               "commitment": text["承诺事项"]}  # fmt: skip
        if row["code"]:
            first = self.seen_numbers.setdefault(row["code"], number)
            if first != number:
                self.error(number, "编号", f"与第{first}行的编号重复")
            elif row["code"] in self.numbers:
                self.error(number, "编号", f"本站点已有编号为“{row['code']}”的议案建议")
        row["kind"] = check("类别", _choice, KINDS, text["类别"], "类别")
        row["category"] = check("分类", _choice, CATEGORIES, text["分类"], "分类")
        row["reply_class"] = check(
            "答复类别", _choice, CLASSES, text["答复类别"].upper(), "答复类别"
        )
        row["rating"] = check("评价", _choice, RESULTS, text["评价"], "评价")
        row["author"] = (
            check("领衔代表", self.deputy, text["领衔代表"]) if text["领衔代表"] else None
        )
        row["cosigners"] = []
        for name in (n for n in _SPLIT.split(text["附议代表"]) if n):
            person = check("附议代表", self.deputy, name)
            if person is not None and row["author"] is not None and person.ref == row["author"].ref:
                self.error(number, "附议代表", f"{person.name}是领衔代表,不必附议")
            elif person is not None and person.ref not in {p.ref for p in row["cosigners"]}:
                row["cosigners"].append(person)
        row["lead"] = None
        if text["主办单位"]:
            row["lead"] = self.units.get(text["主办单位"])
            if row["lead"] is None:
                self.error(number, "主办单位", f"本站点没有承办单位“{text['主办单位']}”")
        row["co_units"] = []
        for name in (n for n in _SPLIT.split(text["协办单位"]) if n):
            unit = self.units.get(name)
            if unit is None:
                self.error(number, "协办单位", f"本站点没有承办单位“{name}”")
            elif row["lead"] is not None and unit.pk == row["lead"].pk:
                self.error(number, "协办单位", f"{name}已是主办单位")
            elif unit not in row["co_units"]:
                row["co_units"].append(unit)
        if row["co_units"] and not text["主办单位"]:
            self.error(number, "主办单位", "填写协办单位时须填写主办单位")
        today = timezone.localdate()
        row["assigned_on"] = (
            check("交办日期", parse_date, cells["交办日期"]) if text["交办日期"] else None
        )
        row["replied_on"] = (
            check("答复日期", parse_date, cells["答复日期"]) if text["答复日期"] else None
        )
        row["commitment_due"] = (check("承诺完成时间", parse_date, cells["承诺完成时间"])
                                 if text["承诺完成时间"] else None)  # fmt: skip
        for column in ("交办日期", "答复日期"):
            key = "assigned_on" if column == "交办日期" else "replied_on"
            if row[key] and row[key] > today:
                self.error(number, column, "不能晚于今天")
        if row["assigned_on"] and not text["主办单位"]:
            self.error(number, "交办日期", "填写交办日期时须填写主办单位")
        filled = [c for c in REPLY_COLUMNS if text[c]]
        if filled and len(filled) < len(REPLY_COLUMNS):
            missing = next(c for c in REPLY_COLUMNS if not text[c])
            self.error(number, missing, "答复类别、答复内容、答复日期须一并填写")
        if filled and not text["主办单位"]:
            self.error(number, "主办单位", "已答复的议案建议须填写主办单位")
        if text["主办单位"] and not filled and not text["交办日期"]:
            self.error(number, "交办日期", "尚未答复的议案建议须填写交办日期(答复期限由此起算)")
        if row["assigned_on"] and row["replied_on"] and row["replied_on"] < row["assigned_on"]:
            self.error(number, "答复日期", "答复日期不能早于交办日期")
        if text["评价"] and not filled:
            self.error(number, "评价", "尚未答复的议案建议不能有评价")
        if bool(text["承诺事项"]) != bool(text["承诺完成时间"]):
            column = "承诺完成时间" if text["承诺事项"] else "承诺事项"
            self.error(number, column, "承诺事项和承诺完成时间须一并填写")
        if text["承诺事项"] and row["reply_class"] not in workflow.COMMITTING:
            self.error(number, "承诺事项", "只有B类、C类答复有承诺事项")
        row["closed_commitment"] = False  # past promises are followed up like new ones
        for column in ("标题", "内容", "答复内容", "承诺事项"):
            hits = self.scan(text[column]) if text[column] else []
            if hits:
                self.error(number, column, sensitive.describe_hits(hits))
        if len(self.errors) > before:
            return None
        row["state"] = state_of(row)
        return row


def _open(file):
    try:
        return spreadsheets.open_workbook(file)
    except spreadsheets.SpreadsheetError as exc:
        raise ImportFileError(str(exc)) from None


def _rows(sheet):
    """(row number, values) of the non-empty rows below the header; checks the header."""
    rows = spreadsheets.rows(sheet)
    names = tuple(_text(v) for v in next(rows, ()))
    while names and not names[-1]:
        names = names[:-1]
    short = COLUMNS[: len(COLUMNS) - len(OPTIONAL)]
    if names not in (COLUMNS, short):
        raise ImportFileError(
            f"工作表“{sheet.title}”第 1 行应为表头:{' | '.join(COLUMNS)}"
            f"(最后{len(OPTIONAL)}列可省略)。请使用导入模板。"
        )
    width = len(COLUMNS)
    for number, values in enumerate(rows, start=2):
        values = tuple(values[: len(names)]) + (None,) * (width - min(len(values), len(names)))
        if tuple(_text(v) for v in values) == EXAMPLE_ROW:
            continue
        if any(_text(v) for v in values):
            yield number, values


# --- writing -------------------------------------------------------------------------


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _write(row: dict, site, user, accounts: dict) -> Suggestion:
    author, state = row["author"], row["state"]
    replied = bool(row["reply_class"])
    session = row["session"]
    suggestion = Suggestion.objects.create(
        site_id=site.pk, kind=row["kind"], session=session, number=row["code"],
        title=row["title"], text=row["text"], category=row["category"] or "",
        period=Period.RECESS if "闭会" in session else Period.SESSION,
        author=accounts.get(author.ref), deputy_ref=author.ref, deputy_name=author.name,
        entered_by=user if getattr(user, "pk", None) else None, imported=True, state=state,
        submitted_at=_at(row["assigned_on"] or row["replied_on"]) if (row["assigned_on"]
                                                                      or row["replied_on"]) else None,
        assigned_on=row["assigned_on"] or (row["replied_on"] if replied else None),
        round=1 if replied else 0, reply_class=row["reply_class"] or "",
        reply_text=row["reply_text"] if replied else "", reply_signed_by="",
        replied_at=_at(row["replied_on"]) if replied else None,
        commitment=row["commitment"], commitment_due=row["commitment_due"],
    )  # fmt: skip
    for person in row["cosigners"]:
        CoSigner.objects.create(suggestion=suggestion, deputy_ref=person.ref, name=person.name,
                                user=accounts.get(person.ref), confirmed_at=suggestion.submitted_at
                                or timezone.now())  # fmt: skip
    if row["lead"] is not None:
        start = row["assigned_on"] or row["replied_on"]
        due = deadlines.due_date(workflow.REPLY_RULE, start, site)
        co_due = deadlines.due_date(workflow.CO_HANDLING_RULE, start, site)
        Assignment.objects.create(suggestion=suggestion, unit=row["lead"], due_on=due,
                                  role=Assignment.Role.LEAD, assigned_at=_at(start))  # fmt: skip
        for unit in row["co_units"]:
            Assignment.objects.create(suggestion=suggestion, unit=unit, due_on=co_due,
                                      role=Assignment.Role.CO, assigned_at=_at(start))  # fmt: skip
        if state == State.ASSIGNED:
            deadlines.start(suggestion, workflow.REPLY_RULE, site, start=start)
    if row["rating"]:
        Rating.objects.create(suggestion=suggestion, user=accounts.get(author.ref),
                              deputy_name=author.name, round=1, result=row["rating"])  # fmt: skip
    actor = user if getattr(user, "pk", None) else None
    Transition.objects.create(suggestion=suggestion, actor=actor,
                              actor_name=workflow._name(user) if actor else "系统",
                              from_state="", to_state=state, note="导入")  # fmt: skip
    return suggestion


def import_workbook(file, *, site, user=None, dry_run: bool = False) -> ImportReport:
    """Check every row of ``file`` for ``site`` (a wagtail Site); write them all or none."""
    report = ImportReport(dry_run=dry_run)
    try:
        workbook = _open(file)
        sheet = workbook.worksheets[0]
        checker = _Checker(site)
        rows = []
        for number, values in _rows(sheet):
            report.rows += 1
            row = checker.row(number, values)
            if row is not None:
                rows.append(row)
    except ImportFileError as exc:
        report.errors.append((None, "", str(exc)))
        return report
    if report.rows == 0:
        report.errors.append((None, "", "文件中没有数据行。"))
    report.errors = checker.errors + report.errors
    if not report.ok:
        return report
    for row in rows:
        report.states[row["state"]] = report.states.get(row["state"], 0) + 1
    if dry_run:
        return report
    refs = {r["author"].ref for r in rows} | {p.ref for r in rows for p in r["cosigners"]}
    accounts = dict(
        get_user_model().objects.filter(account__directory_ref__in=refs)
        .values_list("account__directory_ref", "pk")
    )  # fmt: skip
    users = get_user_model().objects.in_bulk(list(accounts.values()))
    accounts = {ref: users[pk] for ref, pk in accounts.items()}
    with transaction.atomic():
        for row in rows:
            _write(row, site, user, accounts)
            report.created += 1
    return report


# --- the template ------------------------------------------------------------------------


def build_template(site=None) -> bytes:
    """The import template: the header, an example row, and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "议案建议"
    spreadsheets.append(sheet, COLUMNS)
    spreadsheets.append(sheet, EXAMPLE_ROW)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    notes = workbook.create_sheet("填写说明")
    spreadsheets.append(notes, ("列名", "是否必填", "说明"))
    for column, note in NOTES.items():
        spreadsheets.append(notes, (column, "必填" if column in REQUIRED else "", note))
    if site is not None:
        units = apps.get_model("accounts", "HandlingUnit").objects.filter(site_id=site.pk)
        spreadsheets.append(notes, ())
        spreadsheets.append(notes, ("本站点的承办单位", "", "、".join(u.name for u in units)))
    return spreadsheets.workbook_bytes(workbook)


NOTES = {
    "编号": "办公室的立案编号,如“第0012号”;同一站点内不能重复(重复导入同一文件会被拒绝)",
    "届次会议": "如“十七届人大五次会议”;闭会期间提出的写“闭会期间(2026年)”",
    "类别": "议案 或 建议",
    "标题": "不超过 200 字",
    "内容": "不超过 10000 字",
    "领衔代表": "代表姓名(须是本级人大的代表,含往届);同名时写“姓名(编号)”,编号见代表履职 → 代表",
    "附议代表": "姓名,用顿号分隔",
    "分类": "、".join(str(label) for _value, label in Category.choices),
    "主办单位": "设置 → 承办单位 中的单位名称;不填:已立案、待交办",
    "协办单位": "单位名称,用顿号分隔",
    "交办日期": "尚未答复的须填写:答复期限由此起算",
    "答复类别": "A、B、C、D;与答复内容、答复日期一并填写",
    "答复内容": "承办单位的答复",
    "答复日期": "如 2026-06-10",
    "评价": "满意、基本满意、不满意(领衔代表的评价);有评价的导入为已办结,B/C类承诺未落实的为已评价",
    "承诺事项": "B类、C类答复承诺办理的事项(可省略此列)",
    "承诺完成时间": "承诺完成的日期,与承诺事项一并填写",
}
