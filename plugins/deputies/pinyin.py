"""Pinyin keys of a name, so "zhangwei", "zhang wei" and "zw" all find 张伟.

``name_keys`` gives the primary full spelling, its initials, and every other
reading of a name whose characters have several (heteronyms: 曾 ceng/zeng,
单 dan/shan). The surname is read as a surname first (曾 → zeng, 单 → shan).
"""

from __future__ import annotations

import itertools
import re

from pypinyin import Style, lazy_pinyin, pinyin

#: Characters read differently as a surname than most often elsewhere.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "查": "zha", "区": "ou", "仇": "qiu",
    "朴": "piao", "尉": "yu", "乐": "yue", "覃": "qin", "盖": "ge", "缪": "miao",
    "翟": "zhai", "种": "chong", "繁": "po", "员": "yun", "藏": "zang", "秘": "bi",
    "长": "chang", "万": "wan", "沈": "shen", "折": "she", "冼": "xian", "召": "shao",
    "郇": "xun", "都": "du", "华": "hua", "石": "shi", "薄": "bo", "纪": "ji",
}  # fmt: skip

#: Two-character surnames (their readings come from the surname table too).
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")

MAX_VARIANTS = 8
_NOT_LETTERS = re.compile(r"[^a-z]")


def normalise_query(text: str) -> str:
    """What a pinyin query is compared as: lower-case letters only ("Zhang Wei" → "zhangwei")."""
    return _NOT_LETTERS.sub("", (text or "").lower())


def _clean(syllables) -> list[str]:
    return [s for s in (normalise_query(x) for x in syllables) if s]


def primary_reading(name: str) -> list[str]:
    """Syllables of the most likely reading, the surname read as a surname."""
    name = (name or "").strip()
    if not name:
        return []
    surname_len = 2 if name[:2] in COMPOUND_SURNAMES else 1
    surname = [SURNAME_READINGS.get(ch) or lazy_pinyin(ch)[0] for ch in name[:surname_len]]
    return _clean(surname + lazy_pinyin(name[surname_len:]))


def name_keys(name: str) -> tuple[str, str, str]:
    """(full, initials, every reading full and initials, space separated)."""
    syllables = primary_reading(name)
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables)
    readings = [
        _clean(options) or [""]
        for options in pinyin(name or "", style=Style.NORMAL, heteronym=True)
    ]
    keys = [full, initials]
    for combo in itertools.islice(itertools.product(*readings), MAX_VARIANTS):
        keys.append("".join(combo))
        keys.append("".join(s[:1] for s in combo))
    unique = list(dict.fromkeys(k for k in keys if k))
    return full, initials, " ".join(unique)
