"""The similarity measure of the duplicate check (no model imports: ``models`` uses it).

Character bigrams of a suggestion's title and the beginning of its text, minus
the bigrams of the boilerplate every suggestion shares and any across
punctuation; two items' similarity is the Dice coefficient of their sets. The
set is stored with the suggestion (``Suggestion.fingerprint``) when it is saved,
so the check compares thousands of stored sets, not thousands of texts.
"""

from __future__ import annotations

import re

TEXT_CHARS = 200

#: Words every suggestion uses: their bigrams say nothing about the topic.
BOILERPLATE = ("关于", "的建议", "的议案", "建议", "议案", "进一步", "切实", "加快", "加强", "推进",
               "推动", "提高", "完善", "全面", "有关", "问题", "我县", "我市", "我区", "我省",
               "全县", "全市", "全区", "全省", "本县", "本市", "部分", "目前", "存在", "群众",
               "以及", "工作")  # fmt: skip
_STOP = frozenset(w[i : i + 2] for w in BOILERPLATE for i in range(len(w) - 1))
_SEPARATORS = re.compile(r"[^\u4e00-\u9fff0-9a-zA-Z]+")


def shingles(title: str, text: str = "") -> frozenset[str]:
    """Character bigrams of the title and the text's beginning, minus the boilerplate's and
    any across punctuation (a set comprehension: the check compares thousands per item)."""
    joined = _SEPARATORS.sub("|", f"{title}|{text[:TEXT_CHARS]}")
    grams = {joined[i : i + 2] for i in range(len(joined) - 1)}
    return frozenset(g for g in grams if "|" not in g) - _STOP


def score(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient: 2 |A ∩ B| / (|A| + |B|)."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def fingerprint(title: str, text: str) -> str:
    """The stored form of ``shingles``: the bigrams, space-separated."""
    return " ".join(sorted(shingles(title, text)))


def parse(stored: str) -> frozenset[str]:
    return frozenset(stored.split())
