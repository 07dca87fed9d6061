"""Chinese-aware tokens for the embedded engine.

Indexing and querying segment text the same way, so that a phrase query
over the tokens of a query word finds exactly the documents that contain
that word as a substring:

* a run of CJK characters becomes its overlapping bigrams followed by the
  run's last character as a unigram: ``人大代表`` → ``人大 大代 代表 表``.
  Every character of the run thus starts exactly one token, so a
  one-character query is a prefix query (``表*``) and a longer one is the
  phrase of its bigrams (``"人大 大代 代表"``), wherever it sits in the run;
* Latin letters and digits form words (NFKC-normalised, lower-cased):
  ``GB/T 2260`` → ``gb t 2260``; ``12345热线`` → ``12345 热线 线``.

A query word that ends in the middle of a document's run (``2026年`` in
``2026年工作要点``) drops the trailing unigram, or, when its last CJK run is a
single character, matches that character as a prefix; the last Latin word of
a query is a prefix too (``gb`` finds ``gbt``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_SEGMENT = re.compile(f"([{CJK}]+)|([0-9a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+)")
_CJK_CHAR = re.compile(f"[{CJK}]")

#: Placed between fields where one token stream holds several (PostgreSQL), so a
#: phrase never runs from the title into the body.
FIELD_GAP = "x0gap"


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").lower()


def _segments(text: str) -> list[tuple[str, str]]:
    return [
        ("cjk", m.group(1)) if m.group(1) else ("word", m.group(2))
        for m in _SEGMENT.finditer(normalize(text))
    ]


def _cjk_tokens(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def tokens(text: str) -> list[str]:
    """The index tokens of ``text``."""
    out: list[str] = []
    for kind, value in _segments(text):
        out.extend(_cjk_tokens(value) if kind == "cjk" else [value])
    return out


def index_text(text: str) -> str:
    """``text`` as space-separated tokens, the form stored in the index."""
    return " ".join(tokens(text))


@dataclass(frozen=True)
class Phrase:
    """One query word: tokens that must appear in sequence; ``prefix``: the last is a prefix."""

    tokens: tuple[str, ...]
    prefix: bool
    text: str  # the normalised word, for highlighting and substring checks

    def fts5(self) -> str:
        return '"' + " ".join(self.tokens) + '"' + ("*" if self.prefix else "")

    def tsquery(self) -> str:
        parts = list(self.tokens)
        if self.prefix:
            parts[-1] += ":*"
        return "(" + " <-> ".join(parts) + ")"


def query_phrase(word: str) -> Phrase | None:
    """The phrase for one query word (no spaces), or ``None`` if it has no searchable character."""
    segments = _segments(word)
    if not segments:
        return None
    out: list[str] = []
    prefix = False
    for i, (kind, value) in enumerate(segments):
        last = i == len(segments) - 1
        if kind == "word":
            out.append(value)
            prefix = last
        elif last and len(value) >= 2:
            # The word may end mid-run in a document: no trailing unigram.
            out.extend(value[j : j + 2] for j in range(len(value) - 1))
            prefix = False
        elif last:
            out.append(value)
            prefix = True
        else:
            out.extend(_cjk_tokens(value))
    return Phrase(tuple(out), prefix, normalize(word).strip())


def parse_query(q: str, max_words: int = 8) -> list[Phrase]:
    """Query words (split on white space), each a phrase; all must match (AND)."""
    phrases: list[Phrase] = []
    seen = set()
    for word in normalize(q).split()[:max_words]:
        phrase = query_phrase(word)
        if phrase is not None and phrase.tokens not in seen:
            seen.add(phrase.tokens)
            phrases.append(phrase)
    return phrases


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


def segment_words(text: str) -> list[str]:
    """Dictionary words of ``text`` (rjieba), for ranking helpers and suggestions."""
    import rjieba

    return [w for w in rjieba.cut(text) if w.strip()]
