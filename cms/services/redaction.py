"""Removing contact details and secrets from the texts the public will see.

``redact(text)`` proposes the public version of a title, a suggestion's text or
a reply: mobile and landline numbers, ID-card numbers (checked with
``cms.services.idnumbers``) and other long numbers (bank cards, accounts),
e-mail addresses, WeChat and QQ ids, and house numbers of addresses
(门牌号: "长江路12号3栋502室") are replaced by a mark that says what was
removed. ``find(text)`` lists what it would remove (for the office's
side-by-side view); ``leftovers(text)`` is what the office may not confirm:
the contact details and numbers still in an edited text (house numbers are
only flagged, since a public building's address may stay).

Names of private persons are not detected: the office removes them by hand.
Full-width digits and letters count as their ASCII forms.

``public_text_problems(texts, labels, site=…)`` is the check every publication
step runs on the texts the office confirms (suggestions' replies, citizens'
messages): none empty, no contact detail or number left, and no word of the
site's lists (``cms.services.sensitive``: what the public reads passes the same
word check as pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cms.services import idnumbers

MARKS = {
    "mobile": "〔电话已隐去〕",
    "landline": "〔电话已隐去〕",
    "contact": "〔联系方式已隐去〕",
    "email": "〔邮箱已隐去〕",
    "id_number": "〔身份证号已隐去〕",
    "number": "〔号码已隐去〕",
    "address": "〔门牌号已隐去〕",
    "known": "〔联系方式已隐去〕",
}
LABELS = {
    "mobile": "手机号码",
    "landline": "固定电话",
    "contact": "微信号、QQ号等联系方式",
    "email": "电子邮箱",
    "id_number": "身份证号码",
    "number": "证件号、银行卡号等长号码",
    "address": "门牌号",
    "known": "当事人本人的联系方式",
}
#: What the office may not confirm in a public text (an address's house number may stay).
BLOCKING = frozenset(MARKS) - {"address"}

# Full-width digits, letters and signs (U+FF01-FF5E) → ASCII, one for one (offsets stay).
_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}

_SEP = r"[-\s]?"
PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    # 18-digit ID numbers (and mistyped ones), then any other run of 15-19 digits.
    ("id_number", re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")),
    ("number", re.compile(r"(?<![0-9A-Za-z])\d(?:[\s-]?\d){14,18}(?![0-9A-Za-z])")),
    ("mobile", re.compile(rf"(?<![0-9])(?:(?:\+|00)?86{_SEP})?1[3-9]\d(?:{_SEP}\d){{8}}(?![0-9])")),
    (
        "landline",
        re.compile(
            r"(?<![0-9])(?:\(0\d{2,3}\)|0\d{2,3})[-\s]?[2-9]\d{2,3}[-\s]?\d{4}"
            r"(?:(?:-|转)\d{1,6})?(?![0-9])"
        ),
    ),  # fmt: skip
    # After a word that announces one: 微信号:abc_123, QQ 123456, 电话:6512345.
    (
        "contact",
        re.compile(
            r"(?:微信号?|QQ号?|qq号?|电话|手机号?|座机|联系方式)(?:码)?\s*[::]?\s*"
            r"(?P<value>[A-Za-z][A-Za-z0-9_-]{5,19}|\d(?:[\s-]?\d){4,})"
        ),
    ),  # fmt: skip
    (
        "address",
        re.compile(
            r"(?<=[路街巷弄道村组里湾苑园区庄屯])\d+(?:-\d+)?号(?:楼|院)?"
            r"(?:\d+(?:栋|幢|单元|层|楼|室|户|号))*"
        ),
    ),  # fmt: skip
    ("address", re.compile(r"(?<![0-9])\d+(?:栋|幢|号楼)(?:\d+单元)?(?:\d+(?:层|楼|室|户|号))*")),
    ("address", re.compile(r"(?<![0-9])\d+单元\d+(?:室|户|号)")),
)


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of MARKS
    start: int
    end: int
    text: str  # the original text found (for the office only, never public)

    @property
    def label(self) -> str:
        return LABELS[self.kind]


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value.translate(_TO_ASCII))


def find(text: str, known: tuple[str, ...] = ()) -> list[Finding]:
    """What ``redact`` would remove from ``text``, in order, without overlaps.

    ``known``: contact details of the people concerned (the deputies' mobile
    numbers), found however they are spaced."""
    if not text:
        return []
    ascii_text = text.translate(_TO_ASCII)
    found: list[Finding] = []
    for kind, pattern in PATTERNS:
        for match in pattern.finditer(ascii_text):
            group = "value" if "value" in pattern.groupindex else 0
            start, end = match.span(group)
            if kind == "id_number" and idnumbers.id_number_problem(match.group().upper()):
                kind_found = "number"  # 18 digits that are no valid ID number: still a secret
            else:
                kind_found = kind
            found.append(Finding(kind_found, start, end, text[start:end]))
    for value in known:
        digits = _digits(value or "")
        if len(digits) < 7:
            continue
        spaced = r"[\s-]?".join(digits)
        for match in re.finditer(rf"(?<![0-9]){spaced}(?![0-9])", ascii_text):
            found.append(Finding("known", *match.span(), text[match.start() : match.end()]))
    # Earliest first; of two starting together the longer; drop what overlaps a kept one.
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept


def redact(text: str, known: tuple[str, ...] = ()) -> str:
    """``text`` with every finding replaced by its mark (``〔电话已隐去〕``...)."""
    out, last = [], 0
    for item in find(text, known):
        out.append(text[last : item.start])
        out.append(MARKS[item.kind])
        last = item.end
    out.append(text[last:])
    return "".join(out)


def leftovers(text: str, known: tuple[str, ...] = ()) -> list[Finding]:
    """Contact details and numbers still in ``text``: a public text may not have any."""
    return [f for f in find(text, known) if f.kind in BLOCKING]


def public_text_problems(
    texts: dict[str, str], labels: dict[str, str], *, site, known: tuple[str, ...] = ()
) -> dict[str, str]:
    """Field → why its text cannot be published, for each field of ``labels`` (its
    Chinese name): empty, a contact detail or number still in it (``known``: the people
    concerned's own numbers, however spaced), or a sensitive or wrong word of ``site``'s
    lists. Empty when every text may be confirmed."""
    from cms.services import sensitive

    scan = sensitive.scanner(site)
    problems = {}
    for field, label in labels.items():
        value = (texts.get(field) or "").strip()
        if not value:
            problems[field] = f"请填写{label}。"
        elif left := leftovers(value, known):
            problems[field] = f"{label}中仍有{describe(left)},请删除后再确认。"
        elif hits := scan(value):
            problems[field] = sensitive.describe_hits(hits, label)
    return problems


def describe(findings: list[Finding]) -> str:
    """ "手机号码“139…”、电子邮箱“a@b.cn”" for the office's messages."""
    return "、".join(f"{f.label}“{f.text}”" for f in findings)
