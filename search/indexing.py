"""Keeping the index in step with publishing: sync one page, a subtree, a record.

The public functions (``sync_page``, ``drop_page``, ``sync_record``,
``sync_records``, ``drop_record``) never fail because the search server is
down: the update is queued in the outbox (``search.outbox``) and replayed when
it answers. The ``apply_*`` functions do the work and raise
``EngineUnavailable``; the outbox replays through them.
"""

from __future__ import annotations

import logging

from . import outbox
from .backends import EngineUnavailable, get_engine
from .documents import iter_page_entries, iter_record_entries, page_entry, record_entry

logger = logging.getLogger(__name__)


def _queued(op: str, ids, **kwargs):
    """Run an index write; when the engine is down, queue it instead of failing."""

    def run(write):
        try:
            result = write()
        except EngineUnavailable as exc:
            outbox.queue(op, ids, error=exc.reason or str(exc.detail), **kwargs)
            return None
        outbox.replay_soon()
        return result

    return run


def sync_page(page_id: int, descendants: bool = False) -> None:
    """Index the page as stored (live content) or drop it when it must not be searchable."""
    _queued("page", [page_id], descendants=descendants)(
        lambda: apply_sync_page(page_id, descendants)
    )


def drop_page(page_id: int) -> None:
    _queued("drop_page", [page_id])(lambda: apply_drop_pages([page_id]))


def sync_record(provider, obj) -> None:
    _queued("record", [obj.pk], provider=provider.kind)(
        lambda: apply_sync_records(provider, [obj.pk])
    )


def sync_records(provider, pks, chunk: int = 500) -> dict:
    """Index many records of one provider at once (e.g. after a bulk import, whose
    ``bulk_create``/``update`` fire no signals): those ``get_queryset`` returns are
    upserted, the others dropped, in chunks; one SiteProfile query in all. When the
    engine is down the whole set is queued (``{"queued": n}``)."""
    pks = sorted(set(pks))
    result = _queued("record", pks, provider=provider.kind)(
        lambda: apply_sync_records(provider, pks, chunk)
    )
    return result if result is not None else {"upserted": 0, "dropped": 0, "queued": len(pks)}


def drop_record(provider, pk) -> None:
    _queued("drop_record", [pk], provider=provider.kind)(lambda: apply_drop_records(provider, [pk]))


# --- the writes themselves (raise EngineUnavailable) ----------------------------------


def apply_sync_page(page_id: int, descendants: bool = False) -> None:
    from wagtail.models import Page

    engine = get_engine()
    base = Page.objects.filter(pk=page_id).first()
    if base is None:
        engine.delete([f"page:{page_id}"])
        return
    pages = [base]
    if descendants:
        pages.extend(Page.objects.descendant_of(base).order_by("path"))
    upsert, drop = [], []
    for page in pages:
        specific = page.specific
        entry = page_entry(specific)
        if entry is None:
            drop.append(f"page:{page.pk}")
        else:
            upsert.append(entry)
    if upsert:
        engine.upsert(upsert)
    if drop:
        engine.delete(drop)
    profile = (
        base.specific.get_site_profile() if hasattr(base.specific, "get_site_profile") else None
    )
    invalidate_api_cache([profile.division_code] if profile is not None else None)


def apply_drop_pages(page_ids) -> None:
    get_engine().delete([f"page:{pk}" for pk in page_ids])


def apply_sync_records(provider, pks, chunk: int = 500) -> dict:
    from cms.sitegroup.tree import SiteIndex

    if len(pks) == 1:  # one saved record: no SiteProfile map
        engine = get_engine()
        visible = provider.get_queryset().filter(pk=pks[0]).first()
        entry = record_entry(provider, visible) if visible is not None else None
        if entry is None:
            engine.delete([provider.key(pks[0])])
            return {"upserted": 0, "dropped": 1}
        engine.upsert([entry])
        if entry.audience_id is None:  # no public (cached) answer holds a restricted record
            invalidate_api_cache([entry.site_code])
        return {"upserted": 1, "dropped": 0}

    engine = get_engine()
    pks = sorted(set(pks))
    sites = SiteIndex()
    upserted = dropped = 0
    codes = set()
    for start in range(0, len(pks), chunk):
        batch = pks[start : start + chunk]
        entries = []
        for obj in provider.get_queryset().filter(pk__in=batch).order_by("pk"):
            entry = record_entry(provider, obj, sites)
            if entry is not None:
                entries.append(entry)
                if entry.audience_id is None:  # restricted: in no public (cached) answer
                    codes.add(entry.site_code)
        indexed = {entry.object_id for entry in entries}
        gone = [pk for pk in batch if pk not in indexed]
        upserted += engine.upsert(entries)
        dropped += engine.delete([provider.key(pk) for pk in gone])
        # A record that left the index (ended, made private) changed its site's answers too
        # (not one only an audience could find: no public answer held it).
        gone_sites = (
            []
            if provider.audience_field
            else provider.model._default_manager.filter(pk__in=gone)
            .values_list(f"{provider.site_field}_id", flat=True)
            .distinct()
        )
        for site_id in gone_sites:
            profile = sites.profile_for_site_id(site_id)
            if profile is not None:
                codes.add(profile.division_code)
    if codes:
        invalidate_api_cache(sorted(codes))
    return {"upserted": upserted, "dropped": dropped}


def apply_drop_records(provider, pks) -> None:
    get_engine().delete([provider.key(pk) for pk in pks])


def rebuild(site_profile=None, progress=None) -> dict:
    """Re-index everything (or one site); safe while the site serves searches."""

    def entries():
        yield from iter_page_entries(site_profile)
        yield from iter_record_entries(site_profile)

    from .models import PendingIndexUpdate

    site_ids = [site_profile.site_id] if site_profile is not None else None
    queued_before = PendingIndexUpdate.objects.order_by("-pk").values_list("pk", flat=True).first()
    summary = get_engine().rebuild(entries(), site_ids=site_ids, progress=progress)
    if site_profile is None and queued_before is not None:
        # Everything was re-read from the database: what was queued before is done.
        PendingIndexUpdate.objects.filter(pk__lte=queued_before).delete()
    invalidate_api_cache([site_profile.division_code] if site_profile is not None else None)
    return summary


def invalidate_api_cache(site_codes) -> None:
    """Drop cached API responses of these sites and their ancestors (descendant scopes)."""
    try:
        from cms.api.caching import invalidate_all, invalidate_site
    except ImportError:  # pragma: no cover
        return
    if site_codes is None:
        invalidate_all()
        return
    codes = sorted({str(code) for code in site_codes if code})
    if codes:
        invalidate_site(*codes)  # and the sites above them, by the site tree
