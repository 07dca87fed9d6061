"""Two versions of a draft compared article by article (pure, no database).

``compare(old, new)`` takes each version's articles in order as ``Article``
(number, text, and the chapter/section it sits in) and answers one ``Change``
per article of either version, in the new version's order (a removed article
where it stood in the old one):

* ``unchanged``: the same text, in the same relative order and chapter (its
  number may differ because articles were added or removed before it:
  ``renumbered``);
* ``changed``: the same article reworded (matched by similarity, at least
  ``THRESHOLD``);
* ``moved``: an article that left its relative order or its chapter (reworded
  or not: ``text_changed``);
* ``added`` / ``removed``: no counterpart in the other version.

Matching: identical texts first, then the most similar remaining pairs
(difflib's ratio); the relative order is the longest increasing run of the
matched pairs (what is outside it moved).
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_left
from dataclasses import dataclass

THRESHOLD = 0.5
UNCHANGED, CHANGED, MOVED, ADDED, REMOVED = "unchanged", "changed", "moved", "added", "removed"
LABELS = {UNCHANGED: "未修改", CHANGED: "修改", MOVED: "移动", ADDED: "新增", REMOVED: "删除"}


@dataclass(frozen=True)
class Article:
    number: int
    text: str
    place: str = ""  # "第二章 规划与建设 / 第一节 规划": where it sits
    ref: object = None  # the caller's own key (a provision's id)


@dataclass(frozen=True)
class Change:
    status: str
    old: Article | None
    new: Article | None
    similarity: float = 1.0
    text_changed: bool = False

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "label": LABELS[self.status],
            "old_number": self.old.number if self.old else None,
            "new_number": self.new.number if self.new else None,
            "old_ref": self.old.ref if self.old else None,
            "new_ref": self.new.ref if self.new else None,
            "similarity": round(self.similarity, 3),
            "text_changed": self.text_changed,
        }


def _normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _increasing_run(values: list[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values``."""
    tails, tail_index, previous = [], [], [-1] * len(values)
    for i, value in enumerate(values):
        at = bisect_left(tails, value)
        if at == len(tails):
            tails.append(value)
            tail_index.append(i)
        else:
            tails[at], tail_index[at] = value, i
        previous[i] = tail_index[at - 1] if at else -1
    keep, i = set(), tail_index[-1] if tail_index else -1
    while i != -1:
        keep.add(i)
        i = previous[i]
    return keep


def compare(old: list[Article], new: list[Article], threshold: float = THRESHOLD) -> list[Change]:
    old_text = [_normal(a.text) for a in old]
    new_text = [_normal(a.text) for a in new]
    pairs: dict[int, tuple[int, float]] = {}  # new index -> (old index, similarity)
    free_old = set(range(len(old)))
    by_text: dict[str, list[int]] = {}
    for i, text in enumerate(old_text):
        by_text.setdefault(text, []).append(i)
    for j, text in enumerate(new_text):
        if by_text.get(text):
            i = by_text[text].pop(0)
            pairs[j] = (i, 1.0)
            free_old.discard(i)
    # The rest: the most similar pairs first.
    candidates = []
    for j in (j for j in range(len(new)) if j not in pairs):
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(new_text[j])
        for i in free_old:
            matcher.set_seq1(old_text[i])
            if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
                continue
            ratio = matcher.ratio()
            if ratio >= threshold:
                candidates.append((-ratio, abs(i - j), j, i))
    for negative, _distance, j, i in sorted(candidates):
        if j not in pairs and i in free_old:
            pairs[j] = (i, -negative)
            free_old.discard(i)
    matched = sorted(pairs)
    in_order = {matched[k] for k in _increasing_run([pairs[j][0] for j in matched])}

    changes: list[Change] = []
    removed = sorted(free_old)
    for j, article in enumerate(new):
        if j in pairs:
            i, ratio = pairs[j]
            while removed and removed[0] < i:  # removed ones where they stood
                changes.append(Change(REMOVED, old[removed.pop(0)], None, 0.0))
            text_changed = old_text[i] != new_text[j]
            moved = j not in in_order or old[i].place != article.place
            status = MOVED if moved else (CHANGED if text_changed else UNCHANGED)
            changes.append(Change(status, old[i], article, ratio, text_changed))
        else:
            changes.append(Change(ADDED, None, article, 0.0, True))
    changes += [Change(REMOVED, old[i], None, 0.0) for i in removed]
    return changes


def summary(changes: list[Change]) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for change in changes:
        counts[change.status] += 1
    return counts
