"""Deputies' performance records (履职档案), for any plugin to write to.

The record itself belongs to the plugin that keeps deputies (``deputies``);
it registers a backend here when it starts. Other plugins (suggestions,
training, liaison...) add, update and remove entries through these functions
and never import that plugin::

    from cms.services import performance

    if performance.is_available():
        performance.add_entry(
            deputy_id=suggestion.deputy_id,      # the id the deputies API gives
            kind="suggestion",
            date=suggestion.submitted_on,
            title=suggestion.title,
            source="suggestions",               # your plugin's label
            source_ref=str(suggestion.pk),      # your id: adding again updates
        )

The entry goes to the deputy's seat (membership) that was current on
``date``; name ``division_code`` when the deputy sits in several congresses
(e.g. a county and a city) and the entry belongs to one of them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db import models
from django.utils.translation import gettext_lazy as _


class PerformanceKind(models.TextChoices):
    """The kinds of entry, as published in performance summaries (one list for every plugin)."""

    SESSION = "session", _("出席代表大会会议")
    MOTION = "motion", _("提出议案")
    SUGGESTION = "suggestion", _("提出建议、批评和意见")
    INSPECTION = "inspection", _("视察")
    LAW_CHECK = "law_check", _("参加执法检查")
    SIT_IN = "sit_in", _("列席常委会会议")
    RESEARCH = "research", _("专题调研")
    RECEPTION = "reception", _("接待选民")
    REPORT = "report", _("向选民述职")
    TRAINING = "training", _("学习培训")
    OTHER = "other", _("其他履职活动")


class PerformanceRecordError(ValueError):
    """The entry cannot be recorded; the message says why (unknown deputy, no seat...)."""


class PerformanceRecordUnavailable(RuntimeError):
    """No plugin keeping deputies' records is installed."""


class Backend(Protocol):
    def add_entry(
        self,
        *,
        deputy_id: int,
        kind: str,
        date: datetime.date,
        title: str,
        source: str,
        source_ref: str,
        quantity: Decimal,
        division_code: str | None,
        url: str,
    ) -> int: ...

    def remove_entry(self, *, source: str, source_ref: str) -> bool: ...

    def summary(self, deputy_id: int, division_code: str | None) -> list[dict[str, Any]]: ...


_backend: Backend | None = None


def register_backend(backend: Backend | None) -> None:
    """Called by the plugin that keeps the record, in its ``ready()``."""
    global _backend
    _backend = backend


def is_available() -> bool:
    return _backend is not None


def _get_backend() -> Backend:
    if _backend is None:
        raise PerformanceRecordUnavailable(
            "No installed plugin keeps deputies' performance records."
        )
    return _backend


def add_entry(
    *,
    deputy_id: int,
    kind: str,
    date: datetime.date,
    title: str,
    source: str,
    source_ref: str,
    quantity: Decimal | int | float = 1,
    division_code: str | None = None,
    url: str = "",
) -> int:
    """Add an entry, or update the one with the same ``source`` and ``source_ref``.

    Returns the entry's id. Raises :class:`PerformanceRecordError` for an
    unknown kind or deputy, or a deputy with no seat on ``date``.
    """
    if kind not in PerformanceKind.values:
        raise PerformanceRecordError(
            f"Unknown kind {kind!r}; one of {', '.join(PerformanceKind.values)}."
        )
    if not source or not source_ref:
        raise PerformanceRecordError(
            "source and source_ref are required (they make adding idempotent)."
        )
    return _get_backend().add_entry(
        deputy_id=deputy_id,
        kind=kind,
        date=date,
        title=title,
        source=source,
        source_ref=str(source_ref),
        quantity=Decimal(str(quantity)),
        division_code=division_code,
        url=url,
    )


def remove_entry(*, source: str, source_ref: str) -> bool:
    """Remove the entry ``source`` added as ``source_ref``; False when there was none."""
    return _get_backend().remove_entry(source=source, source_ref=str(source_ref))


def summary(deputy_id: int, division_code: str | None = None) -> list[dict[str, Any]]:
    """Per seat (congress and term): counts by kind, training hours, session attendance."""
    return _get_backend().summary(deputy_id, division_code)
