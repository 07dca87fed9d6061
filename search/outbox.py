"""The index outbox: publishing never waits for, or fails with, the search server.

Every index write (``search.indexing``: a page published, unpublished, moved,
saved or deleted; a plugin record saved, deleted or bulk-imported) is tried at
once; when the engine raises ``EngineUnavailable`` the update is written to
``PendingIndexUpdate`` instead, in the same database transaction as the change
that caused it, so it is as durable as the change itself. :func:`replay`
applies the queued updates in order once the engine answers again; a
``rebuild_search`` is never needed to recover.

``replay`` runs every minute as the scheduler's sweep ``search.replay_outbox``
(``manage.py run_scheduler``), from ``manage.py replay_search_outbox``, and
opportunistically after any index write that succeeds (at most every
``LIANXI_SEARCH_OUTBOX_CHECK_SECONDS`` per process, or at once when this
process queued something itself).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction

from cms.services.tasks import task

from .backends import EngineUnavailable

logger = logging.getLogger("lianxi.search")

_state = {"checked_at": 0.0, "queued_here": False, "replaying": False}


def queue(op: str, object_ids, *, provider: str = "", descendants: bool = False,
          error: str = "") -> None:  # fmt: skip
    from .models import PendingIndexUpdate

    PendingIndexUpdate.objects.create(
        op=op, provider=provider, object_ids=[int(i) for i in object_ids],
        descendants=descendants, last_error=error[:300],
    )  # fmt: skip
    _state["queued_here"] = True
    logger.warning("Search index update queued (%s %s %s): %s", op, provider,
                   list(object_ids)[:10], error[:200])  # fmt: skip


def pending() -> int:
    from .models import PendingIndexUpdate

    return PendingIndexUpdate.objects.count()


def _apply(row) -> None:
    from . import indexing
    from .registry import get_provider

    op = row.op
    if op == "page":
        for page_id in row.object_ids:
            indexing.apply_sync_page(page_id, descendants=row.descendants)
    elif op == "drop_page":
        indexing.apply_drop_pages(row.object_ids)
    elif op in ("record", "drop_record"):
        provider = get_provider(row.provider)
        if provider is None:  # the plugin was removed: nothing to index any more
            return
        if op == "record":
            indexing.apply_sync_records(provider, row.object_ids)
        else:
            indexing.apply_drop_records(provider, row.object_ids)


def replay(limit: int | None = None) -> dict:
    """Apply queued updates, oldest first, until done or the engine fails again.

    Returns ``{"applied": n, "remaining": m, "error": "" | reason}``.
    """
    from .models import PendingIndexUpdate

    applied, error = 0, ""
    if _state["replaying"]:
        return {"applied": 0, "remaining": pending(), "error": ""}
    _state["replaying"] = True
    try:
        seen: set = set()
        while limit is None or applied < limit:
            row = PendingIndexUpdate.objects.order_by("pk").first()
            if row is None:
                break
            key = (row.op, row.provider, tuple(row.object_ids), row.descendants)
            try:
                if key not in seen:
                    with transaction.atomic():
                        _apply(row)
                seen.add(key)
            except EngineUnavailable as exc:
                error = exc.reason or str(exc.detail)
                PendingIndexUpdate.objects.filter(pk=row.pk).update(
                    attempts=row.attempts + 1, last_error=error[:300]
                )
                break
            row.delete()
            applied += 1
    finally:
        _state["replaying"] = False
        _state["checked_at"] = time.monotonic()
    remaining = pending()
    if not remaining:
        _state["queued_here"] = False
    if applied:
        logger.warning("Search outbox: %d queued updates applied, %d remaining", applied, remaining)
    return {"applied": applied, "remaining": remaining, "error": error}


def replay_soon() -> None:
    """After a successful index write: replay what is queued, cheaply and rarely."""
    if _state["replaying"]:
        return
    interval = float(getattr(settings, "LIANXI_SEARCH_OUTBOX_CHECK_SECONDS", 30))
    due = _state["queued_here"] or time.monotonic() - _state["checked_at"] >= interval
    if not due:
        return

    def run():
        try:
            replay(limit=int(getattr(settings, "LIANXI_SEARCH_OUTBOX_BATCH", 200)))
        except Exception:  # noqa: BLE001 - never fail the write that triggered it
            logger.exception("Search outbox replay failed")

    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(run)
    else:
        run()


@task()
def replay_search_outbox() -> dict:
    """The scheduler's sweep: apply what was queued while the search server was down."""
    return replay(limit=int(getattr(settings, "LIANXI_SEARCH_OUTBOX_BATCH", 200)) * 10)
