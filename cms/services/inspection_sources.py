"""Figures a site-group inspection needs from records other plugins keep, through backends.

Two indicators of the 2019 government-site inspection concern records that are not
content: citizens' messages left unanswered past their limit (留言办理: "any valid
message unanswered for more than 3 months fails the site") and deputies' suggestions
whose reply clock ran out. The plugins that keep those records register a backend
for the concept in their ``ready()``; the inspection asks here and never imports them::

    from cms.services import inspection_sources

    class MessagesSource:                       # in the plugin that keeps the messages
        def overdue(self, site, *, today, since) -> inspection_sources.Answer: ...

    inspection_sources.register_backend(inspection_sources.MESSAGES, MessagesSource())

    answer = inspection_sources.overdue(inspection_sources.MESSAGES, site)
    if not answer.applicable:                   # no backend, or the plugin off on the site
        ...                                     # answer.reason: "本站未启用……" (不适用)

An :class:`Answer` carries the overdue records (each with the admin page where it is
handled) and the denominator they are counted out of, so a figure is never shown
without it. Overdue means what the record's statutory clock says (``cms.services.
deadlines``: ``message.reply``, ``suggestion.reply``, with their numbers per level
and site).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

__all__ = [
    "CONCEPTS",
    "MESSAGES",
    "SUGGESTIONS",
    "Answer",
    "Overdue",
    "is_available",
    "overdue",
    "register_backend",
]

#: Citizens' messages whose reply clock ran out while they are still unanswered.
MESSAGES = "citizen_messages"
#: Suggestions (and motions handled as suggestions) whose reply clock ran out unanswered.
SUGGESTIONS = "suggestion_replies"
#: Each concept and what the inspection says when nothing backs it.
CONCEPTS = {
    MESSAGES: "未安装群众留言功能",
    SUGGESTIONS: "未安装议案建议功能",
}


@dataclass(frozen=True)
class Overdue:
    """One record past its limit: ``ref`` is its id in the plugin, ``label`` how reports
    across sites name it (no personal data: never a citizen's or a deputy's own words,
    which are not public), ``url`` the admin page where it is handled."""

    ref: str
    label: str
    started_on: dt.date | None
    due_on: dt.date | None
    url: str = ""


@dataclass(frozen=True)
class Answer:
    """What a backend says about one site. ``denominator`` counts the records the overdue
    ones are out of, ``counted`` says in Chinese what they are (近一年收到的有效留言)."""

    applicable: bool
    denominator: int = 0
    overdue: tuple[Overdue, ...] = ()
    counted: str = ""
    reason: str = ""  # when not applicable: why, in Chinese


class Backend(Protocol):
    def overdue(self, site, *, today: dt.date, since: dt.date) -> Answer:
        """Records of ``site`` (a Wagtail Site) overdue on ``today``; the denominator counts
        what ``since`` opens (e.g. the past year's messages). ``Answer(applicable=False,
        reason=...)`` when the plugin is off on the site."""


_backends: dict[str, Backend] = {}


def register_backend(concept: str, backend: Backend | None) -> None:
    """Called by the plugin that keeps the records, in its ``ready()`` (``None`` removes it)."""
    if concept not in CONCEPTS:
        raise ValueError(f"Unknown concept {concept!r}; one of {', '.join(CONCEPTS)}.")
    if backend is None:
        _backends.pop(concept, None)
    else:
        _backends[concept] = backend


def is_available(concept: str) -> bool:
    return concept in _backends


def overdue(
    concept: str, site, *, today: dt.date | None = None, since: dt.date | None = None
) -> Answer:
    """The backend's answer for ``site`` (a Site or SiteProfile); not applicable without one.

    ``today`` defaults to today (Beijing time), ``since`` to a year before it.
    """
    if concept not in CONCEPTS:
        raise ValueError(f"Unknown concept {concept!r}; one of {', '.join(CONCEPTS)}.")
    backend = _backends.get(concept)
    if backend is None:
        return Answer(applicable=False, reason=CONCEPTS[concept])
    today = today or timezone.localdate()
    since = since or today - dt.timedelta(days=365)
    return backend.overdue(getattr(site, "site", site), today=today, since=since)
