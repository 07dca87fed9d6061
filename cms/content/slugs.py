"""Readable URL slugs for Chinese titles: pinyin, word by word.

``召开第十八届人大常委会会议`` → ``zhaokai-dishiba-jie-renda-changweihui-huiyi``:
ASCII slugs work in every frontend router, mini-program path and log, and
grouping syllables by word (rjieba) keeps them readable. A slug is made once,
when the page is created with an empty slug; a later title change keeps it,
so published URLs do not move (an editor may still type a new slug).
"""

from __future__ import annotations

import re

from django.utils.text import slugify

MAX_LENGTH = 80
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def pinyin_slug(title: str, max_length: int = MAX_LENGTH) -> str:
    """The pinyin slug of ``title`` (ASCII, lower case, hyphens), or ``""`` if nothing is left."""
    import rjieba
    from pypinyin import lazy_pinyin

    parts = []
    for word in rjieba.cut(title or ""):
        if _HAN.search(word):
            parts.append("".join(lazy_pinyin(word)))
        else:
            parts.append(word)
    slug = slugify(" ".join(parts))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def unique_slug(base: str, parent, page=None) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first one free among ``parent``'s children."""
    from wagtail.models import Page

    candidate, suffix = base, 1
    while parent is not None and not Page._slug_is_available(candidate, parent, page):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def slug_for(title: str, parent, page=None) -> str:
    """A free slug for a page titled ``title`` under ``parent`` (``page`` when it exists)."""
    return unique_slug(pinyin_slug(title) or "page", parent, page)
