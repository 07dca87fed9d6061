"""The sensitive and wrong-word check, for any text (a plugin's comments, replies...).

The word lists and the matcher belong to the review app (``cms.review``); this
module is the stable function plugins call. A checker can be registered with
:func:`register_checker` (the review app, or a test); without one, the review
app's site matcher is used when the app is installed, and nothing is found
otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class WordHit:
    """A listed word found in a text: ``kind`` is ``"sensitive"`` or ``"wrong"``."""

    word: str
    kind: str
    replacement: str = ""


Checker = Callable[[str, int | None], list[WordHit]]
_checker: Checker | None = None


def register_checker(checker: Checker | None) -> Checker | None:
    """Install the function ``(text, site_id) -> [WordHit]``; returns the previous one."""
    global _checker
    previous, _checker = _checker, checker
    return previous


def _review_checker(text: str, site_id: int | None) -> list[WordHit]:
    from django.apps import apps

    if not apps.is_installed("cms.review"):
        return []
    try:
        from cms.review.checks import html_to_text, matcher_for_site
    except ImportError:  # the review app does not offer the matcher (yet)
        return []
    matcher = matcher_for_site(site_id)
    return [
        WordHit(e.word, str(e.kind), e.replacement or "") for e in matcher.find(html_to_text(text))
    ]


def find_words(text: str, site=None) -> list[WordHit]:
    """Listed words in ``text`` (global words plus ``site``'s own), each once, in order."""
    from cms.plugins.registry import site_id_of

    if not text:
        return []
    hits = (_checker or _review_checker)(text, site_id_of(site))
    seen: dict[str, WordHit] = {}
    for hit in hits:
        seen.setdefault(hit.word, hit)
    return list(seen.values())


def is_clean(text: str, site=None) -> bool:
    return not find_words(text, site)
