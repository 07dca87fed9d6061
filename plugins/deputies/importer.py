"""Import deputies from the Excel register congress offices keep: one row per seat.

The workbook's sheet "代表" has the header ``COLUMNS`` in row 1; an optional
sheet "代表团" (人大代码 | 届次 | 名称) creates delegations. Every row is
checked before anything is written, against lookups loaded once (congresses,
terms, their delegations/groups/constituencies/posts, the people already
known by ID-number digest and their seats), so a province-wide register of
100,000+ rows validates in seconds and a single bad row costs no partial
import. Rows are then written with ``bulk_create``/``bulk_update`` in one
transaction; a re-imported file changes nothing (rows compare equal and are
counted as unchanged, ``updated_at`` stays).

A row identifies the person by the ID number's keyed digest and the seat by
(person, term). Error messages name the row and column and never carry a
private value: ID numbers appear masked, mobile numbers and addresses not at
all.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Site

from cms.plugins import enabled_site_ids
from cms.services import sensitive, spreadsheets
from cms.services.apicache import invalidate_sites
from cms.services.audit import audit
from cms.services.spreadsheets import cell_text as _text

from . import models as m
from . import privacy
from .pinyin import name_keys
from .search import reindex_people

PLUGIN = "deputies"
SHEET = "代表"
DELEGATION_SHEET = "代表团"
COLUMNS = ("人大代码", "届次", "姓名", "性别", "民族", "出生年月", "政治面貌", "学历",
           "职业构成", "工作单位及职务", "职称", "代表团", "代表小组", "选区", "选举方式",
           "当选日期", "终止日期", "终止原因", "职务", "身份证号", "手机号码", "通讯地址")  # fmt: skip
PRIVATE_COLUMNS = ("身份证号", "手机号码", "通讯地址")
DELEGATION_COLUMNS = ("人大代码", "届次", "名称")
#: Columns a row must fill in; the others may stay empty.
REQUIRED = ("人大代码", "届次", "姓名", "性别", "身份证号")

#: The template's example row (second row): left as it is, it is skipped.
EXAMPLE_ROW = ("340123", "第十八届", "张三", "男", "汉族", "1975-03", "中国共产党", "大学本科",
               "农民", "某村党支部书记", "", "", "第一代表小组", "第一选区", "直接选举",
               "2021-12-01", "", "", "", "340123197503010011", "13900000000",
               "肥西县上派镇某路 1 号")  # fmt: skip

ETHNICITIES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 土家族 "
    "哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 景颇族 "
    "柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 普米族 "
    "塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 独龙族 "
    "鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()

ROLE_LABELS = {str(label): value for value, label in m.Post.Role.choices}
#: Longest first, so "副主任" is not read as "…副" + "主任".
_ROLE_SUFFIXES = sorted(ROLE_LABELS, key=len, reverse=True)
BODY_ALIASES = {"": m.Post.STANDING_COMMITTEE, "常委会": m.Post.STANDING_COMMITTEE}


def _labels(choices, **aliases) -> dict[str, str]:
    found = {str(label): value for value, label in choices.choices}
    found.update(aliases)
    return found


#: Column → accepted labels → stored value (labels first, then common abbreviations).
CHOICES: dict[str, dict[str, str]] = {
    "性别": _labels(m.Gender),
    "政治面貌": _labels(
        m.Party,
        中共党员="cpc",
        中共="cpc",
        民革="rcck",
        民盟="cdl",
        民建="cdnca",
        民进="capd",
        农工党="cpwdp",
        致公党="czgd",
        台盟="tdsgl",
        无党派="independent",
    ),
    "学历": _labels(m.Education, 本科="university", 大专="college"),
    "职业构成": _labels(m.OccupationCategory),
    "选举方式": _labels(m.Election, 直接="direct", 间接="indirect"),
    "终止原因": _labels(m.EndReason),
}


Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    """What an import did, or why it did nothing (``errors``: (row, column, message))."""

    errors: list[tuple[int | None, str, str]] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: People, seats, delegations… created or updated, for the summary.
    counts: Counter = field(default_factory=Counter)
    #: Division codes of the congresses the file writes to.
    congresses: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_lines(self) -> list[str]:
        return [
            f"第{row}行 {column}：{message}" if row else message
            for row, column, message in self.errors
        ]

    def summary(self) -> str:
        if not self.ok:
            return f"文件有 {len(self.errors)} 处错误，未导入任何数据。"
        verb = "校验通过（未写入）" if self.dry_run else "导入完成"
        detail = "，".join(
            f"{label} {self.counts[key]}" for key, label in COUNT_LABELS if self.counts[key]
        )
        text = (
            f"{verb}：共 {self.rows} 行，新增 {self.created} 行，"
            f"更新 {self.updated} 行，未变 {self.unchanged} 行。"
        )
        return text + (f"（{detail}）" if detail else "")

    def as_text(self, limit: int | None = None) -> str:
        lines = [self.summary()]
        errors = self.error_lines()
        shown = errors if limit is None else errors[:limit]
        lines += shown
        if len(errors) > len(shown):
            lines.append(f"…and {len(errors) - len(shown)} more")
        return "\n".join(lines)


COUNT_LABELS = (
    ("people_created", "新增代表"),
    ("people_updated", "更新代表信息"),
    ("memberships_created", "新增代表资格"),
    ("memberships_updated", "更新代表资格"),
    ("delegations_created", "新增代表团"),
    ("groups_created", "新增代表小组"),
    ("constituencies_created", "新增选区"),
    ("posts_created", "新增职务"),
    ("holdings_created", "新增任职"),
)

PERSON_FIELDS = ("name", "gender", "ethnicity", "birth_date", "party", "education",
                 "occupation_category", "occupation", "title")  # fmt: skip
PERSON_COLUMNS = ("姓名", "性别", "民族", "出生年月", "政治面貌", "学历", "职业构成",
                  "工作单位及职务", "职称")  # fmt: skip
PRIVATE_FIELDS = ("mobile", "address")
BATCH = 1000


class ImportFileError(Exception):
    """The upload is not a workbook of the expected shape (message for the user)."""


# --- cell parsing ------------------------------------------------------------------


_MONTH = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*(?:月|[-./]\s*\d{1,2}\s*日?)?$")
_TERM = re.compile(r"^第?([0-9零一二三四五六七八九十]+)届?$")


def parse_date(value) -> datetime.date:
    """A date cell, or text such as "2021-12-01" (``spreadsheets.cell_date``)."""
    return spreadsheets.cell_date(value, example="2021-12-01")


def parse_month(value) -> datetime.date:
    """A birth month: "1975-03", "1975.03", "1975年3月", a date, or the number 1975.03."""
    if isinstance(value, datetime.datetime | datetime.date):
        return parse_date(value).replace(day=1)
    if isinstance(value, float):  # typed as a number: 1975.1 is how Excel keeps 1975.10
        value = f"{value:.2f}"
    match = _MONTH.match(_text(value))
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError("出生年月格式应为 1975-03")
    return datetime.date(int(match[1]), int(match[2]), 1)


def parse_term_number(value) -> int:
    """17, "17", "第17届" or "第十七届"."""
    match = _TERM.match(_text(value).replace(" ", ""))
    if not match:
        raise ValueError
    digits = match[1]
    if digits.isdigit():
        return int(digits)
    tens, _, ones = digits.rpartition("十")
    if "十" not in digits:
        if len(digits) != 1:
            raise ValueError
        return m.CHINESE_NUMERALS.index(digits)
    return (m.CHINESE_NUMERALS.index(tens) if tens else 1) * 10 + (
        m.CHINESE_NUMERALS.index(ones) if ones else 0
    )


def parse_posts(value: str) -> list[tuple[str, str]]:
    """ "常务委员会委员；法制委员会主任" → [(body, role), …]; body defaults to the standing committee."""
    found = []
    for item in re.split(r"[;；]", value):
        item = item.strip()
        if not item:
            continue
        role = next((r for r in _ROLE_SUFFIXES if item.endswith(r)), None)
        if role is None:
            raise ValueError(f"职务“{item}”应以{'、'.join(ROLE_LABELS)}结尾")
        body = item[: -len(role)].strip()
        body = BODY_ALIASES.get(body, body)
        if not body.endswith("委员会") or len(body) > 60:
            raise ValueError(f"职务“{item}”的机构应为常务委员会或某专门委员会")
        found.append((body, ROLE_LABELS[role]))
    return found


# --- what the file may write to ------------------------------------------------------


def importable_congresses(user=None, site_ids=None):
    """Congresses rows may name: the user's sites (``Congress.objects.for_user``), the plugin on."""
    congresses = m.Congress.objects.filter(site_id__in=enabled_site_ids(PLUGIN))
    if user is not None:
        congresses = congresses & m.Congress.objects.for_user(user)
    if site_ids is not None:
        congresses = congresses.filter(site_id__in=site_ids)
    return congresses


@dataclass
class _Row:
    """One valid row, resolved against the lookups."""

    number: int
    congress: m.Congress
    term: m.Term
    digest: str
    id_number: str
    profile: dict
    private: dict
    parts: dict  # "delegation"/"deputy_group"/"constituency" → name ("" for none)
    seat: dict  # election, start_date, end_date, end_reason
    posts: list


class _Lookups:
    """Everything a row is checked against, loaded once per import."""

    def __init__(self, user, site_ids):
        self.congresses = {c.division_code: c for c in m.Congress.objects.all()}
        self.allowed = set(importable_congresses(user, site_ids).values_list("pk", flat=True))
        self.enabled_sites = enabled_site_ids(PLUGIN)
        self.site_ids = site_ids
        terms = m.Term.objects.filter(congress_id__in=self.allowed).select_related("congress")
        self.terms = {(t.congress_id, t.number): t for t in terms}
        term_ids = [t.pk for t in self.terms.values()]
        self.parts = {
            kind: {(p.term_id, p.name): p for p in model.objects.filter(term_id__in=term_ids)}
            for kind, model in PART_MODELS.items()
        }
        self.new_delegations: dict[tuple[int, str], int] = {}  # from the 代表团 sheet → row

    def congress(self, code: str) -> m.Congress:
        if not re.fullmatch(r"\d{6}|\d{9}", code):
            raise ValueError("应为 6 位或 9 位行政区划代码")
        congress = self.congresses.get(code)
        if congress is None:
            raise ValueError(f"没有代码为 {code} 的人民代表大会")
        if congress.pk not in self.allowed:
            if self.site_ids is not None and congress.site_id not in self.site_ids:
                raise ValueError(f"{congress.name}不属于所选站点")
            if congress.site_id not in self.enabled_sites:
                raise ValueError(f"{congress.name}所在站点未启用代表履职插件")
            raise ValueError(f"无权导入该人大的代表（{congress.name}）")
        return congress

    def term(self, congress: m.Congress, value) -> m.Term:
        try:
            number = parse_term_number(value)
        except ValueError:
            raise ValueError("届次应为数字或“第十八届”的形式") from None
        term = self.terms.get((congress.pk, number))
        if term is None:
            raise ValueError(f"{congress.name}没有第{m.chinese_number(number)}届，请先在后台添加")
        return term


PART_MODELS = {
    "delegation": m.Delegation,
    "deputy_group": m.DeputyGroup,
    "constituency": m.Constituency,
}


# --- reading and checking -------------------------------------------------------------


def _open(file):
    try:
        return spreadsheets.open_workbook(file)
    except spreadsheets.SpreadsheetError as exc:
        if "过大" in str(exc):
            raise ImportFileError(str(exc)) from None
        raise ImportFileError("文件不是有效的 Excel 工作簿（.xlsx），请使用导入模板。") from None


def _rows(sheet, columns):
    """(row number, values) of the non-empty rows below the header; checks the header.

    Every row is read, whatever the sheet's ``<dimension>`` claims (the core reader)."""
    rows = spreadsheets.rows(sheet)
    header = next(rows, ())
    names = tuple(_text(v) for v in header)
    while names and not names[-1]:
        names = names[:-1]
    if names != columns:
        raise ImportFileError(
            f"工作表“{sheet.title}”第 1 行应为表头：{' | '.join(columns)}。请使用导入模板。"
        )
    width = len(columns)
    for number, values in enumerate(rows, start=2):
        values = tuple(values[:width]) + (None,) * (width - len(values))
        if any(v is not None and _text(v) for v in values):
            yield number, values


def _choice(column: str, value: str) -> str:
    if not value:
        return ""
    try:
        return CHOICES[column][value]
    except KeyError:
        allowed = "、".join(str(label) for label in dict.fromkeys(CHOICES[column]))
        raise ValueError(f"“{value}”不是可选值（{allowed}）") from None


class _Checker:
    """Checks rows one by one, collecting (row, column, message) errors."""

    def __init__(self, lookups: _Lookups):
        self.lookups = lookups
        self.errors: list[tuple[int | None, str, str]] = []
        self.seats: dict[tuple[str, int], int] = {}  # (digest, term) → first row
        self.people: dict[str, tuple[int, dict, dict]] = {}  # digest → first row, profile, private
        self.scanners: dict[int, Callable] = {}  # site id → its word lists, loaded once

    def error(self, number, column, message):
        self.errors.append((number, column, message))

    def words(self, number, congress, texts: dict[str, str]) -> None:
        """Public text passes the site's sensitive-word check, as the admin's forms do."""
        scan = self.scanners.get(congress.site_id)
        if scan is None:
            scan = self.scanners[congress.site_id] = sensitive.scanner(congress.site_id)
        for column, text in texts.items():
            hits = scan(text)
            if hits:
                self.error(number, column, sensitive.describe_hits(hits))

    def delegation_row(self, number, values):
        code, term_value, name = (_text(v) for v in values)
        column = "人大代码（代表团表）"
        try:
            congress = self.lookups.congress(code)
            column = "届次（代表团表）"
            term = self.lookups.term(congress, term_value)
        except ValueError as exc:
            self.error(number, column, str(exc))
            return
        if not name or len(name) > 100:
            self.error(number, "名称（代表团表）", "代表团名称必填，且不超过 100 字")
            return
        self.words(number, congress, {"名称（代表团表）": name})
        self.lookups.new_delegations.setdefault((term.pk, name), number)

    def row(self, number, values) -> _Row | None:
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
        congress = term = None
        if text["人大代码"]:
            congress = check("人大代码", self.lookups.congress, text["人大代码"])
        if congress and text["届次"]:
            term = check("届次", self.lookups.term, congress, cells["届次"])
        profile = {"name": text["姓名"], "ethnicity": text["民族"] or "汉族"}
        if len(profile["name"]) > 50:
            self.error(number, "姓名", "不超过 50 字")
        if profile["ethnicity"] not in ETHNICITIES and profile["ethnicity"] + "族" in ETHNICITIES:
            profile["ethnicity"] += "族"
        if profile["ethnicity"] not in ETHNICITIES:
            self.error(number, "民族", f"“{text['民族']}”不是 56 个民族之一（如：汉族、回族）")
        for column, name in (
            ("性别", "gender"),
            ("政治面貌", "party"),
            ("学历", "education"),
            ("职业构成", "occupation_category"),
        ):
            profile[name] = check(column, _choice, column, text[column])
        profile["birth_date"] = None
        if text["出生年月"]:
            born = check("出生年月", parse_month, cells["出生年月"])
            if born and not datetime.date(1900, 1, 1) <= born <= timezone.localdate():
                self.error(number, "出生年月", "出生年月不在合理范围内")
            profile["birth_date"] = born
        for column, name, limit in (("工作单位及职务", "occupation", 200), ("职称", "title", 100)):
            profile[name] = text[column]
            if len(text[column]) > limit:
                self.error(number, column, f"不超过 {limit} 字")
        seat = self._seat(number, cells, text, congress, term, check)
        parts = self._parts(number, text, term)
        posts = check("职务", parse_posts, text["职务"]) or []
        if congress is not None:
            public = ("姓名", "工作单位及职务", "职称", "代表团", "代表小组", "选区", "职务")
            self.words(number, congress, {column: text[column] for column in public})
        id_number, digest = self._id_number(number, cells["身份证号"], term)
        private = {"mobile": text["手机号码"], "address": text["通讯地址"]}
        if private["mobile"] and not re.fullmatch(r"\+?[\d\- ]{7,20}", private["mobile"]):
            self.error(number, "手机号码", "格式不正确，应为手机或电话号码")
        if len(private["address"]) > 200:
            self.error(number, "通讯地址", "不超过 200 字")
        if len(self.errors) > before or digest is None:
            return None
        first = self.people.setdefault(digest, (number, profile, private))
        if first[0] != number:
            self._same_person(number, first, profile, private)
            if len(self.errors) > before:
                return None
        return _Row(number, congress, term, digest, id_number, profile, private, parts, seat, posts)

    def _seat(self, number, cells, text, congress, term, check) -> dict:
        election = check("选举方式", _choice, "选举方式", text["选举方式"])
        if not election and congress is not None and not text["选举方式"]:
            direct = congress.level in m.DIRECT_LEVELS
            election = m.Election.DIRECT if direct else m.Election.INDIRECT
        start = end = None
        if text["当选日期"]:
            start = check("当选日期", parse_date, cells["当选日期"])
        elif term is not None:
            start = term.start_date
        if text["终止日期"]:
            end = check("终止日期", parse_date, cells["终止日期"])
        reason = check("终止原因", _choice, "终止原因", text["终止原因"])
        if reason and not text["终止日期"]:
            self.error(number, "终止原因", "填写终止原因时须填写终止日期")
        if start and end and end < start:
            self.error(number, "终止日期", "终止日期不能早于当选日期")
        return {"election": election, "start_date": start, "end_date": end, "end_reason": reason}

    def _parts(self, number, text, term) -> dict:
        parts = {
            "delegation": text["代表团"],
            "deputy_group": text["代表小组"],
            "constituency": text["选区"],
        }
        for column, kind in (
            ("代表团", "delegation"),
            ("代表小组", "deputy_group"),
            ("选区", "constituency"),
        ):
            if len(parts[kind]) > 100:
                self.error(number, column, "不超过 100 字")
        name = parts["delegation"]
        if name and term is not None:
            key = (term.pk, name)
            if (
                key not in self.lookups.parts["delegation"]
                and key not in self.lookups.new_delegations
            ):
                self.error(number, "代表团", f"{term}没有“{name}”，请先添加或在“代表团”表中列出")
        return parts

    def _id_number(self, number, value, term) -> tuple[str, str | None]:
        if value is None or _text(value) == "":
            return "", None
        if isinstance(value, int | float):
            self.error(number, "身份证号", "请以文本格式填写（数字格式会丢失末几位）")
            return "", None
        id_number = privacy.normalise_id_number(value)
        problem = privacy.id_number_problem(id_number)
        masked = privacy.mask_id_number(id_number)
        if problem:
            self.error(number, "身份证号", f"{masked} {problem}")
            return "", None
        digest = privacy.digest(id_number)
        if term is not None:
            first = self.seats.setdefault((digest, term.pk), number)
            if first != number:
                self.error(number, "身份证号", f"{masked} 与第{first}行重复（同一届次）")
                return "", None
        return id_number, digest

    def _same_person(self, number, first, profile, private):
        """Rows of the same person in several congresses must agree on who they are."""
        first_number, first_profile, first_private = first
        for column, name in zip(PERSON_COLUMNS, PERSON_FIELDS, strict=True):
            if profile[name] != first_profile[name]:
                self.error(number, column, f"与第{first_number}行（同一身份证号）不一致")
        for column, name in (("手机号码", "mobile"), ("通讯地址", "address")):
            if private[name] != first_private[name]:
                self.error(number, column, f"与第{first_number}行（同一身份证号）不一致")


# --- writing ---------------------------------------------------------------------------


class _Writer:
    """Turns checked rows into creates and updates; ``apply()`` writes them."""

    def __init__(self, rows: list[_Row], lookups: _Lookups, report: ImportReport):
        self.rows, self.lookups, self.report = rows, lookups, report
        self.counts = report.counts
        self.new_parts: dict[str, dict] = {kind: {} for kind in PART_MODELS}
        self.new_posts: dict[tuple, m.Post] = {}
        self.new_people: dict[str, m.Person] = {}
        self.changed_people: dict[int, m.Person] = {}
        self.people_fields: set[str] = set()
        self.new_memberships: list[m.Membership] = []
        self.changed_memberships: list[m.Membership] = []
        self.membership_fields: set[str] = set()
        self.new_holdings: list[m.PostHolding] = []
        self.pending_holdings: set[tuple[int, int]] = set()
        self.touched: set[str] = set()  # digests of people whose record or seats change
        self.people: dict[str, m.Person] = {}  # the touched people by digest

    def plan(self, progress: Progress | None):
        digests = list(dict.fromkeys(r.digest for r in self.rows))
        people = {}
        for i in range(0, len(digests), BATCH):
            for person in m.Person.objects.filter(id_number_digest__in=digests[i : i + BATCH]):
                people[person.id_number_digest] = person
        term_ids = {r.term.pk for r in self.rows}
        seats = {
            (s.person_id, s.term_id): s for s in m.Membership.objects.filter(term_id__in=term_ids)
        }
        posts = {
            (p.term_id, p.body, p.role): p for p in m.Post.objects.filter(term_id__in=term_ids)
        }
        held = set(
            m.PostHolding.objects.filter(post__term_id__in=term_ids).values_list(
                "person_id", "post_id"
            )
        )
        self._delegations_from_sheet()
        seen_people: set[str] = set()
        per_congress: dict[int, Counter] = defaultdict(Counter)
        for done, row in enumerate(self.rows, start=1):
            person, person_changed = self._person(row, people, seen_people)
            seat_state = self._seat(row, person, seats)
            holdings_added = self._holdings(row, person, posts, held)
            if seat_state == "created":
                status = "created"
            elif seat_state == "updated" or person_changed or holdings_added:
                status = "updated"
            else:
                status = "unchanged"
            if status != "unchanged":
                self.touched.add(row.digest)
                self.people[row.digest] = person
            setattr(self.report, status, getattr(self.report, status) + 1)
            per_congress[row.congress.pk][status] += 1
            if progress and done % BATCH == 0:
                progress("plan", done, len(self.rows))
        self.per_congress = per_congress
        self.counts.update(
            people_created=len(self.new_people),
            people_updated=len(self.changed_people),
            memberships_created=len(self.new_memberships),
            memberships_updated=len(self.changed_memberships),
            delegations_created=len(self.new_parts["delegation"]),
            groups_created=len(self.new_parts["deputy_group"]),
            constituencies_created=len(self.new_parts["constituency"]),
            posts_created=len(self.new_posts),
            holdings_created=len(self.new_holdings),
        )

    def _delegations_from_sheet(self):
        terms = {t.pk: t for t in self.lookups.terms.values()}
        for term_id, name in self.lookups.new_delegations:
            self._part("delegation", terms[term_id], name)

    def _part(self, kind: str, term: m.Term, name: str):
        if not name:
            return None
        key = (term.pk, name)
        found = self.lookups.parts[kind].get(key) or self.new_parts[kind].get(key)
        if found is None:
            extra = {}
            if kind == "constituency":
                direct = term.congress.level in m.DIRECT_LEVELS
                extra["kind"] = m.Constituency.Kind.DISTRICT if direct else m.Constituency.Kind.UNIT
            found = PART_MODELS[kind](term=term, name=name, site_id=term.site_id, **extra)
            self.new_parts[kind][key] = found
        return found

    def _person(self, row: _Row, people: dict, seen: set) -> tuple[m.Person, bool]:
        person = people.get(row.digest) or self.new_people.get(row.digest)
        first = row.digest not in seen
        seen.add(row.digest)
        if person is None:
            person = m.Person(site_id=row.congress.site_id, **row.profile)
            person.id_number = row.id_number
            person.mobile, person.address = row.private["mobile"], row.private["address"]
            person.name_pinyin, person.name_initials, person.pinyin_keys = _keys(person.name)
            self.new_people[row.digest] = person
            return person, True
        if not first or person.pk is None:
            return person, False
        changed = [f for f in PERSON_FIELDS if getattr(person, f) != row.profile[f]]
        changed += [f for f in PRIVATE_FIELDS if getattr(person, f) != row.private[f]]
        if not changed:
            return person, False
        for name in changed:
            setattr(person, name, (row.profile | row.private)[name])
            self.people_fields.add(f"{name}_encrypted" if name in PRIVATE_FIELDS else name)
        if "name" in changed:
            person.name_pinyin, person.name_initials, person.pinyin_keys = _keys(person.name)
            self.people_fields.update(("name_pinyin", "name_initials", "pinyin_keys"))
        self.changed_people[person.pk] = person
        return person, True

    def _seat(self, row: _Row, person: m.Person, seats: dict) -> str:
        values = dict(row.seat)
        for kind in PART_MODELS:
            part = self._part(kind, row.term, row.parts[kind])
            values[kind] = part
        seat = seats.get((person.pk, row.term.pk)) if person.pk else None
        if seat is None:
            self.new_memberships.append(
                m.Membership(
                    person=person,
                    term=row.term,
                    congress_id=row.term.congress_id,
                    site_id=row.term.site_id,
                    **values,
                )
            )
            return "created"
        changed = False
        for name, value in values.items():
            if name in PART_MODELS:
                new_part = value is not None and value.pk is None
                differs = new_part or (value.pk if value else None) != getattr(seat, f"{name}_id")
            else:
                differs = getattr(seat, name) != value
            if differs:
                setattr(seat, name, value)
                self.membership_fields.add(name)
                changed = True
        if changed:
            self.changed_memberships.append(seat)
            return "updated"
        return "unchanged"

    def _holdings(self, row: _Row, person: m.Person, posts: dict, held: set) -> bool:
        added = False
        for body, role in row.posts:
            key = (row.term.pk, body, role)
            post = posts.get(key) or self.new_posts.get(key)
            if post is None:
                post = m.Post(term=row.term, body=body, role=role, site_id=row.term.site_id)
                self.new_posts[key] = post
            if person.pk and post.pk and (person.pk, post.pk) in held:
                continue
            pending = (id(person), id(post))  # unsaved rows have no pk to key on
            if pending in self.pending_holdings:
                continue
            self.pending_holdings.add(pending)
            self.new_holdings.append(
                m.PostHolding(
                    person=person,
                    post=post,
                    site_id=post.site_id,
                    start_date=row.seat["start_date"],
                )
            )
            added = True
        return added

    def apply(self, progress: Progress | None) -> list[int]:
        """Write everything planned; returns the ids of the people touched."""
        for kind, created in self.new_parts.items():
            PART_MODELS[kind].objects.bulk_create(created.values(), batch_size=BATCH)
        m.Post.objects.bulk_create(self.new_posts.values(), batch_size=BATCH)
        total = len(self.new_people) + len(self.new_memberships)
        people = list(self.new_people.values())
        for i in range(0, len(people), BATCH):
            m.Person.objects.bulk_create(people[i : i + BATCH])
            if progress:
                progress("write", i + len(people[i : i + BATCH]), total)
        if self.changed_people:
            now = timezone.now()
            for person in self.changed_people.values():
                person.updated_at = now
            m.Person.objects.bulk_update(
                self.changed_people.values(),
                sorted(self.people_fields | {"updated_at"}),
                batch_size=BATCH,
            )
        for i in range(0, len(self.new_memberships), BATCH):
            m.Membership.objects.bulk_create(self.new_memberships[i : i + BATCH])
            if progress:
                progress("write", min(len(people) + i + BATCH, total), total)
        if self.changed_memberships:
            m.Membership.objects.bulk_update(
                self.changed_memberships, sorted(self.membership_fields), batch_size=BATCH
            )
        m.PostHolding.objects.bulk_create(self.new_holdings, batch_size=BATCH)
        return sorted({self.people[digest].pk for digest in self.touched})


_pinyin_cache: dict[str, tuple[str, str, str]] = {}


def _keys(name: str) -> tuple[str, str, str]:
    """``pinyin.name_keys``, remembered: registers repeat common names many times."""
    if name not in _pinyin_cache:
        if len(_pinyin_cache) > 50_000:
            _pinyin_cache.clear()
        _pinyin_cache[name] = name_keys(name)
    return _pinyin_cache[name]


# --- the entry point ---------------------------------------------------------------------


def import_workbook(
    file, *, user=None, site_ids=None, dry_run: bool = False, progress: Progress | None = None
) -> ImportReport:
    """Check every row of ``file`` and, only if all are valid, write them in one transaction.

    ``user`` limits the congresses rows may name to those of the sites the user
    manages; ``site_ids`` to those sites (the command's ``--site``). ``progress``
    is called as ``progress(stage, done, total)`` with stage "check", "plan" or
    "write".
    """
    report = ImportReport(dry_run=dry_run)
    try:
        workbook = _open(file)
        try:
            lookups = _Lookups(user, site_ids)
            rows = _check(workbook, lookups, report, progress)
        finally:
            workbook.close()
    except ImportFileError as exc:
        report.errors.append((None, "", str(exc)))
        return report
    if not report.ok:
        return report
    writer = _Writer(rows, lookups, report)
    with transaction.atomic():
        writer.plan(progress)
        report.congresses = sorted({r.congress.division_code for r in rows})
        if dry_run:
            return report
        person_ids = writer.apply(progress)
        _audit(writer, user)
    _refresh_planner_statistics(len(person_ids))
    reindex_people(person_ids)  # bulk writes send no signals:
    invalidate_sites(*_site_codes({r.congress.site_id for r in rows}))  # nor cache invalidation
    return report


def _site_codes(site_ids) -> list[str]:
    return list(
        Site.objects.filter(pk__in=site_ids, profile__isnull=False).values_list(
            "profile__division_code", flat=True
        )
    )


#: Written people above which PostgreSQL's statistics are refreshed at once.
ANALYZE_ABOVE = 5000


def _refresh_planner_statistics(written: int) -> None:
    """After a large import on PostgreSQL, ``ANALYZE`` the register's tables: until
    autovacuum gets to them the planner believes they are nearly empty, and the
    re-indexing that follows (and the first API requests) get its worst plans."""
    if written < ANALYZE_ABOVE or connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (m.Person, m.Membership, m.Constituency,
                                                  m.DeputyGroup, m.Post, m.PostHolding)]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _check(workbook, lookups: _Lookups, report: ImportReport, progress) -> list[_Row]:
    if SHEET not in workbook.sheetnames:
        raise ImportFileError(f"找不到工作表“{SHEET}”。请使用导入模板。")
    checker = _Checker(lookups)
    if DELEGATION_SHEET in workbook.sheetnames:
        for number, values in _rows(workbook[DELEGATION_SHEET], DELEGATION_COLUMNS):
            checker.delegation_row(number, values)
    sheet = workbook[SHEET]
    total = max((sheet.max_row or 1) - 1, 0)
    rows = []
    for number, values in _rows(sheet, COLUMNS):
        if number == 2 and tuple(_text(v) for v in values) == EXAMPLE_ROW:
            continue
        row = checker.row(number, values)
        if row is not None:
            rows.append(row)
        report.rows += 1
        if progress and report.rows % BATCH == 0:
            progress("check", number - 1, total)
    if report.rows == 0 and not checker.errors:
        checker.error(None, "", "工作表“代表”中没有数据行。")
    report.errors = checker.errors
    return rows


def _audit(writer: _Writer, user) -> None:
    """One audit entry per congress written to: the site, the congress, row counts. No names."""
    codes = dict(Site.objects.values_list("pk", "profile__division_code"))
    congresses = {r.congress.pk: r.congress for r in writer.rows}
    for pk, counts in writer.per_congress.items():
        congress = congresses[pk]
        audit(
            congress,
            "deputies.imported",
            user=user,
            data={
                "site": codes.get(congress.site_id, ""),
                "congress": congress.division_code,
                "rows": sum(counts.values()),
                "created": counts["created"],
                "updated": counts["updated"],
                "unchanged": counts["unchanged"],
            },
        )
