"""Import past sessions' motions and suggestions from Excel, with a row report: all or nothing.

The workbook's first sheet has the header in row 1: the columns ``BASE`` in
this order, then any of the ``OPTIONAL`` ones (in any order; those left out
are empty); one row per item. Every row is checked before anything is
written: the deputies are matched to the register through
``cms.services.directory`` (by name among the people who hold or held a seat
on the site, or by their register id when a name is shared: "张伟(12)"), the
units to the site's handling units by name. A single bad row writes nothing;
the report names the row and the column.

A row holds up to two replies, each rated by the lead deputy (评价, 二次评价)
and by co-signers ("李芳:满意、王强:不满意"): the second is the re-handling
round that a 不满意 rating of the first brings, by the workflow's own rule
(``workflow.after_rating``). An imported item lands in the state its row
describes (see ``state_of``), with one history line "导入"; a re-handled item
then makes the workflow's moves (``workflow.send_back``,
``workflow.record_reply``, ``workflow.move``), so that its history, its
ratings and its re-handling clock are those the live workflow leaves. No
notification is sent and no duty-record entry is written: the past is
recorded, not replayed. A still-open item (assigned, no reply yet) gets its
reply clock from its 交办日期.
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

#: The columns every workbook has, in this order.
BASE = ("编号", "届次会议", "类别", "标题", "内容", "领衔代表", "附议代表", "分类", "主办单位",
        "协办单位", "交办日期", "答复类别", "答复内容", "答复日期", "评价")  # fmt: skip
#: The columns a workbook may add after them, in any order (the template has them all).
OPTIONAL = ("附议代表评价", "承诺事项", "承诺完成时间", "二次答复类别", "二次答复内容",
            "二次答复日期", "二次评价", "附议代表二次评价")  # fmt: skip
COLUMNS = BASE + OPTIONAL
REQUIRED = ("届次会议", "类别", "标题", "内容", "领衔代表")
REPLY_COLUMNS = ("答复类别", "答复内容", "答复日期")
SECOND_REPLY_COLUMNS = ("二次答复类别", "二次答复内容", "二次答复日期")
#: Each reply's columns of ratings: the lead deputy's, the co-signers'.
RATING_COLUMNS = (("评价", "附议代表评价"), ("二次评价", "附议代表二次评价"))
#: The template's example row (second row of the template): left as it is, it is skipped.
EXAMPLE_ROW = ("第0001号", "十七届人大五次会议", "建议", "关于……的建议", "建议内容……", "张三",
               "李四、王五", "交通建设", "某县交通运输局", "某县财政局", "2026-03-20", "B",
               "答复内容……", "2026-06-10", "满意", "李四:满意、王五:基本满意", "列入明年计划实施",
               "2027-06-30", "", "", "", "", "")  # fmt: skip

KINDS = {str(label): value for value, label in Kind.choices} | {"motion": "motion",
                                                                "suggestion": "suggestion"}  # fmt: skip
CATEGORIES = {str(label): value for value, label in Category.choices}
CLASSES = {c: c for c in ReplyClass.values} | {f"{c}类": c for c in ReplyClass.values}
RESULTS = {str(label): value for value, label in RatingResult.choices}
_SPLIT = re.compile(r"[、,，;；\s]+")
_COLON = re.compile(r"\s*[:：]\s*")
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


def _after(rating: str, cosigners: list) -> str:
    """The state a reply's ratings leave the item in (``workflow.after_rating``). The lead
    deputy's rating completes a round: the co-signers who did not rate are not waited for."""
    results = [rating, *(result for _person, result in cosigners)]
    return workflow.after_rating([r for r in results if r], waiting=not rating)


def _sent_back(rating: str, cosigners: list) -> bool:
    return _after(rating, cosigners) == State.REHANDLING


def state_of(row: dict) -> str:
    """The state a row lands in.

    No lead unit: 已立案 (waiting for assignment); a lead unit without a reply:
    办理中 (the reply clock runs from 交办日期). A reply: what its ratings make of
    it (``_after``): 已答复 until the lead deputy rates it, 重新办理 after a 不满意
    (of the lead or a co-signer), else 已办结, or 已评价 while a B/C commitment is
    still open. A second reply (二次答复) ends the re-handling; its ratings decide
    the same way.
    """
    if not row["lead"]:
        return State.ACCEPTED
    if not row["reply_class"]:
        return State.ASSIGNED
    state = _after(row["rating"], row["cosigner_ratings"])
    if state == State.REHANDLING and row["second_class"]:
        state = _after(row["second_rating"], row["second_cosigner_ratings"])
    if state == State.RATED and not (row["commitment_due"] and not row["closed_commitment"]):
        return State.CLOSED
    return state


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

    def ratings(self, number: int, column: str, cell: str, row: dict, known: bool) -> list:
        """A cell of co-signers' ratings, "李芳:满意、王强(12):不满意": [(person, result)].
        ``known``: the row's 附议代表 were all found (else a name missing from them is
        not reported again)."""
        found: list[tuple[directory.Person, str]] = []
        for entry in (e for e in _SPLIT.split(_COLON.sub(":", cell)) if e):
            name, colon, word = entry.partition(":")
            if not (colon and name and word):
                self.error(number, column, f"“{entry}”应写作“姓名:评价”,如“李芳:满意”")
                continue
            try:
                person = self.deputy(name)
                result = _choice(RESULTS, word, "评价")
            except ValueError as exc:
                self.error(number, column, str(exc))
                continue
            lead = row["author"]
            if lead is not None and person.ref == lead.ref:
                own = "评价" if column == RATING_COLUMNS[0][1] else "二次评价"
                self.error(number, column, f"{person.name}是领衔代表,其评价填在“{own}”列")
            elif person.ref not in {p.ref for p in row["cosigners"]}:
                if known:
                    self.error(number, column, f"{person.name}不是这件议案建议的附议代表")
            elif any(p.ref == person.ref for p, _result in found):
                self.error(number, column, f"{person.name}的评价填了两次")
            else:
                found.append((person, result))
        return found

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
                              ("答复内容", 20000), ("二次答复内容", 20000),
                              ("承诺事项", 2000)):  # fmt: skip
            if len(text[column]) > limit:
                self.error(number, column, f"不超过 {limit} 字")
        row = {"number": number, "code": text["编号"], "session": text["届次会议"],
               "title": text["标题"], "text": text["内容"], "reply_text": text["答复内容"],
               "second_text": text["二次答复内容"], "commitment": text["承诺事项"]}  # fmt: skip
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
        row["second_class"] = check(
            "二次答复类别", _choice, CLASSES, text["二次答复类别"].upper(), "二次答复类别"
        )
        row["second_rating"] = check("二次评价", _choice, RESULTS, text["二次评价"], "二次评价")
        row["author"] = (
            check("领衔代表", self.deputy, text["领衔代表"]) if text["领衔代表"] else None
        )
        row["cosigners"] = []
        cosigners_from = len(self.errors)
        for name in (n for n in _SPLIT.split(text["附议代表"]) if n):
            person = check("附议代表", self.deputy, name)
            if person is not None and row["author"] is not None and person.ref == row["author"].ref:
                self.error(number, "附议代表", f"{person.name}是领衔代表,不必附议")
            elif person is not None and person.ref not in {p.ref for p in row["cosigners"]}:
                row["cosigners"].append(person)
        known = len(self.errors) == cosigners_from
        ratings_from = len(self.errors)
        for lead, column, key in (("rating", "附议代表评价", "cosigner_ratings"),
                                  ("second_rating", "附议代表二次评价", "second_cosigner_ratings")):  # fmt: skip
            row[key] = self.ratings(number, column, text[column], row, known)
            results = [row[lead], *(result for _person, result in row[key])]
            if results.count(RatingResult.UNSATISFIED) > 1:
                self.error(number, column, "同一次答复只能有一位代表评价不满意:按办理流程,"
                                           "第一个不满意评价即退回重新办理,其他代表不再评价这次答复")  # fmt: skip
        ratings_ok = len(self.errors) == ratings_from and not any(
            r == number and c in ("评价", "二次评价") for r, c, _m in self.errors
        )
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
        row["second_on"] = (
            check("二次答复日期", parse_date, cells["二次答复日期"])
            if text["二次答复日期"]
            else None
        )
        row["commitment_due"] = (check("承诺完成时间", parse_date, cells["承诺完成时间"])
                                 if text["承诺完成时间"] else None)  # fmt: skip
        for column, key in (("交办日期", "assigned_on"), ("答复日期", "replied_on"),
                            ("二次答复日期", "second_on")):  # fmt: skip
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
        for column in RATING_COLUMNS[0]:
            if text[column] and not filled:
                self.error(number, column, "尚未答复的议案建议不能有评价")
        second = [c for c in SECOND_REPLY_COLUMNS if text[c]]
        if second and len(second) < len(SECOND_REPLY_COLUMNS):
            missing = next(c for c in SECOND_REPLY_COLUMNS if not text[c])
            self.error(number, missing, "二次答复类别、二次答复内容、二次答复日期须一并填写")
        if second and not filled:
            self.error(number, second[0], "尚未答复的议案建议不能有二次答复")
        elif second and ratings_ok and not _sent_back(row["rating"], row["cosigner_ratings"]):
            self.error(number, second[0], "只有第一次答复被评价为不满意(领衔代表或附议代表)、"
                                          "退回重新办理的议案建议才有二次答复")  # fmt: skip
        if row["second_on"] and row["replied_on"] and row["second_on"] <= row["replied_on"]:
            self.error(number, "二次答复日期", "二次答复日期须晚于答复日期(评价不满意后才重新办理)")
        for column in RATING_COLUMNS[1]:
            if text[column] and not second:
                self.error(number, column, "尚未二次答复的议案建议不能有二次评价")
        if bool(text["承诺事项"]) != bool(text["承诺完成时间"]):
            column = "承诺完成时间" if text["承诺事项"] else "承诺事项"
            self.error(number, column, "承诺事项和承诺完成时间须一并填写")
        latest = row["second_class"] if second else row["reply_class"]
        if text["承诺事项"] and latest not in workflow.COMMITTING:
            self.error(number, "承诺事项", "只有B类、C类答复有承诺事项"
                       + ("(有二次答复时,承诺事项是二次答复的)" if second else ""))  # fmt: skip
        row["closed_commitment"] = False  # past promises are followed up like new ones
        for column in ("标题", "内容", "答复内容", "二次答复内容", "承诺事项"):
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


def _header(sheet, names: tuple[str, ...]) -> tuple[str, ...]:
    """Row 1: ``BASE`` in order, then optional columns; the names, or ``ImportFileError``."""
    while names and not names[-1]:
        names = names[:-1]
    if names[: len(BASE)] != BASE:
        raise ImportFileError(
            f"工作表“{sheet.title}”第 1 行应为表头:{' | '.join(COLUMNS)}"
            f"(“{OPTIONAL[0]}”起的{len(OPTIONAL)}列可省略)。请使用导入模板。"
        )
    seen = set(BASE)
    for position, name in enumerate(names[len(BASE) :], start=len(BASE) + 1):
        if name not in OPTIONAL:
            label = f"“{name}”" if name else "没有列名"
            raise ImportFileError(f"工作表“{sheet.title}”第 1 行第 {position} 列{label}不是导入模板的列;"
                                  f"“{BASE[-1]}”之后可有的列:{'、'.join(OPTIONAL)}。")  # fmt: skip
        if name in seen:
            raise ImportFileError(f"工作表“{sheet.title}”第 1 行的列“{name}”重复。")
        seen.add(name)
    return names


def _rows(sheet):
    """(row number, values in ``COLUMNS`` order) of the non-empty rows below the header."""
    rows = spreadsheets.rows(sheet)
    names = _header(sheet, tuple(_text(v) for v in next(rows, ())))
    example = dict(zip(COLUMNS, EXAMPLE_ROW, strict=True))
    for number, values in enumerate(rows, start=2):
        cells = dict(zip(names, values, strict=False))
        texts = {name: _text(value) for name, value in cells.items()}
        if all(texts.get(name, "") == example[name] for name in names):
            continue
        if any(texts.values()):
            yield number, tuple(cells.get(name) for name in COLUMNS)


# --- writing -------------------------------------------------------------------------


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


def _sent_back_by(rating: str, cosigners: list, author) -> directory.Person:
    """Who rated a reply 不满意 (one deputy: the checks refuse two)."""
    if rating == RatingResult.UNSATISFIED:
        return author
    return next(p for p, result in cosigners if result == RatingResult.UNSATISFIED)


def _write(row: dict, site, user, accounts: dict) -> Suggestion:
    author, state = row["author"], row["state"]
    replied = bool(row["reply_class"])
    # Re-handled: the item lands with its first reply (已答复); the workflow's moves follow.
    rehandled = replied and _sent_back(row["rating"], row["cosigner_ratings"])
    second = rehandled and bool(row["second_class"])
    session = row["session"]
    suggestion = Suggestion.objects.create(
        site_id=site.pk, kind=row["kind"], session=session, number=row["code"],
        title=row["title"], text=row["text"], category=row["category"] or "",
        period=Period.RECESS if "闭会" in session else Period.SESSION,
        author=accounts.get(author.ref), deputy_ref=author.ref, deputy_name=author.name,
        entered_by=user if getattr(user, "pk", None) else None, imported=True,
        state=State.REPLIED if rehandled else state,
        submitted_at=_at(row["assigned_on"] or row["replied_on"]) if (row["assigned_on"]
                                                                      or row["replied_on"]) else None,
        assigned_on=row["assigned_on"] or (row["replied_on"] if replied else None),
        round=1 if replied else 0, reply_class=row["reply_class"] or "",
        reply_text=row["reply_text"] if replied else "", reply_signed_by="",
        replied_at=_at(row["replied_on"]) if replied else None,
        # The promise is the latest reply's: the second one's when there is one.
        commitment="" if second else row["commitment"],
        commitment_due=None if second else row["commitment_due"],
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

    def rate(rating: str, cosigners: list) -> None:
        given = [(author, rating)] if rating else []
        for person, result in given + cosigners:
            Rating.objects.create(suggestion=suggestion, user=accounts.get(person.ref),
                                  deputy_name=person.name, round=suggestion.round,
                                  result=result)  # fmt: skip

    rate(row["rating"], row["cosigner_ratings"])
    actor = user if getattr(user, "pk", None) else None
    note = "导入"
    if second:  # the first reply is replaced by the second: its class, day and text stay here
        note += (f";第1次答复({row['reply_class']}类,{workflow.day(row['replied_on'])}):"
                 f"{row['reply_text']}")  # fmt: skip
    Transition.objects.create(suggestion=suggestion, actor=actor,
                              actor_name=workflow._name(user) if actor else "系统",
                              from_state="", to_state=suggestion.state, note=note)  # fmt: skip
    if rehandled:
        _rehandle(suggestion, row, actor, rate)
    if suggestion.state != state:  # the checks and the workflow disagree: store nothing
        raise AssertionError(f"row {row['number']}: {suggestion.state} is not {state}")
    return suggestion


def _rehandle(suggestion: Suggestion, row: dict, actor, rate) -> None:
    """The moves of a re-handled row, as the workflow makes them: the 不满意 sends the first
    reply back (the re-handling clock counts from its 答复日期: the workbook has no rating
    days); the second reply ends the round and stops the clock at its 二次答复日期; its
    ratings then send it back again, leave it 已答复, or make it 已评价 (and 已办结 unless a
    B/C commitment is open, as ``workflow.close`` requires). ``rate(lead's, co-signers')``
    stores a round's ratings."""
    author = row["author"]

    def imported(note: str) -> str:
        return f"{note}(导入)"

    rater = _sent_back_by(row["rating"], row["cosigner_ratings"], author)
    workflow.send_back(suggestion, actor, imported(workflow.rating_note(rater.name,
                       RatingResult.UNSATISFIED)), on=row["replied_on"])  # fmt: skip
    if not row["second_class"]:
        return
    workflow.record_reply(
        suggestion, actor, reply_class=row["second_class"], text=row["second_text"],
        signed_by="", commitment=row["commitment"], commitment_due=row["commitment_due"],
        at=_at(row["second_on"]),
        note=imported(workflow.reply_note(row["second_class"], "", row["commitment"],
                                          row["commitment_due"])),
    )  # fmt: skip
    rate(row["second_rating"], row["second_cosigner_ratings"])
    after = _after(row["second_rating"], row["second_cosigner_ratings"])
    if after == State.REHANDLING:
        rater = _sent_back_by(row["second_rating"], row["second_cosigner_ratings"], author)
        workflow.send_back(suggestion, actor, imported(workflow.rating_note(rater.name,
                           RatingResult.UNSATISFIED)), on=row["second_on"])  # fmt: skip
    elif after == State.RATED:
        note = workflow.rating_note(author.name, row["second_rating"])
        workflow.move(suggestion, State.RATED, actor, imported(note))
        if not suggestion.commitment_open:
            workflow.close(suggestion, actor, imported("办结"))


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
    for row in column_notes():
        spreadsheets.append(notes, row)
    if site is not None:
        units = apps.get_model("accounts", "HandlingUnit").objects.filter(site_id=site.pk)
        spreadsheets.append(notes, ())
        spreadsheets.append(notes, ("本站点的承办单位", "", "、".join(u.name for u in units)))
    return spreadsheets.workbook_bytes(workbook)


def column_notes() -> list[tuple[str, str, str]]:
    """(column, 必填 / 可省略此列 / "", note) for each column: the template's notes, the admin page."""
    return [(column, "必填" if column in REQUIRED else "可省略此列" if column in OPTIONAL else "",
             NOTES[column]) for column in COLUMNS]  # fmt: skip


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
    "评价": (
        "满意、基本满意、不满意(领衔代表的评价);领衔代表评价后即办结,B/C类承诺未落实的为已评价;"
        "领衔代表或附议代表评价不满意的,转为重新办理"
    ),
    "附议代表评价": (
        "附议代表各自的评价,如“李四:满意、王五:不满意”(冒号全角半角均可,姓名的写法同附议代表列);"
        "须是本行的附议代表。同一次答复只能有一位代表评价不满意(第一个不满意即退回重新办理)"
    ),
    "承诺事项": "B类、C类答复承诺办理的事项;有二次答复时是二次答复的承诺",
    "承诺完成时间": "承诺完成的日期,与承诺事项一并填写",
    "二次答复类别": (
        "第一次答复被评价不满意、重新办理后的再次答复:A、B、C、D;与二次答复内容、二次答复日期一并填写;"
        "不填:仍在重新办理中(重新办理期限从答复日期起算)"
    ),
    "二次答复内容": "承办单位重新办理后的答复(替代第一次答复;第一次答复记入办理记录)",
    "二次答复日期": "须晚于答复日期",
    "二次评价": "领衔代表对二次答复的评价,规则同“评价”;再次不满意的,再转为重新办理",
    "附议代表二次评价": "附议代表对二次答复的评价,写法同“附议代表评价”",
}
