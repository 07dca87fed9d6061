"""Training coverage per term (每届至少参加一次培训): per site, the current deputies of
its congress who completed at least one course, or attended an offline class, since
the current term began, over all its current deputies; rolled up over the site tree
(``cms.services.sites.ScopeTree``: a site adds the figures of the sites below it; a
deputy seated in two congresses counts on each)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cms.services import directory, sites

from .models import ClassRegistration, Enrolment


def term_start(site_id: int, code: str) -> dt.date | None:
    for congress in directory.congresses([site_id]):
        if congress.division_code == code:
            for term in congress.terms:
                if term.current:
                    return term.start_date
    return None


def start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _trained_since(refs: set[str], since: dt.date | None) -> set[str]:
    """The refs among ``refs`` with a completion or an attendance on or after ``since``."""
    if not refs:
        return set()
    start = start_of(since) if since is not None else None
    done = Enrolment.objects.filter(deputy_ref__in=refs, completed_at__isnull=False)
    came = ClassRegistration.objects.filter(deputy_ref__in=refs, attended=True)
    if start is not None:
        done = done.filter(completed_at__gte=start)
        came = came.filter(offline_class__starts_at__gte=start)
    return set(done.values_list("deputy_ref", flat=True)) | set(
        came.values_list("deputy_ref", flat=True)
    )


def coverage(scope, *, allowed) -> dict:
    """``scope`` (a SiteProfile) and the sites below it in ``allowed`` (site ids): each
    site's own figures (``own``) and rolled up (``trained``/``deputies``/``rate``)."""
    profiles = [p for p in sites.descendants(scope, include_self=True) if p.site_id in allowed]
    own: dict[int, dict] = {}
    for profile in profiles:
        refs = {p.ref for p in directory.deputies(profile.site_id)}
        since = term_start(profile.site_id, profile.division_code)
        trained = _trained_since(refs, since)
        own[profile.site_id] = {"deputies": len(refs), "trained": len(trained),
                                "since": since}  # fmt: skip
    tree = sites.ScopeTree(profiles, root=scope)
    rows = []
    for profile in profiles:
        ids = tree.site_ids(profile)
        deputies = sum(own[i]["deputies"] for i in ids if i in own)
        trained = sum(own[i]["trained"] for i in ids if i in own)
        rows.append({
            "code": profile.division_code, "name": profile.name,
            "since": own[profile.site_id]["since"], "has_below": len(ids) > 1,
            "own_trained": own[profile.site_id]["trained"],
            "own_deputies": own[profile.site_id]["deputies"],
            "trained": trained, "deputies": deputies,
            "rate": round(trained * 100 / deputies, 1) if deputies else None,
        })  # fmt: skip
    return {"scope": {"code": scope.division_code, "name": scope.name}, "sites": rows}
