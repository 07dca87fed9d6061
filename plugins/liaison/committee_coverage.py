"""联系覆盖情况: which assigned deputies have been contacted this year, per member and per
site, each site rolled up over the sites below it; always with denominators.

Counts are SQL aggregates (one query per table of figures), whatever the number of
assignments: the year's contacted assignments, and those at the yearly minimum, are
two uncorrelated subqueries; sites and members group the assignments against them,
and a site's roll-up adds up the counts of the sites below it. Distinct deputies are counted per site (a deputy assigned on
a city's and a county's site counts on each).
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from cms.services import sites

from .committee import Assignment, Contact
from .committee_logic import setting


def _figure(numerator: int, denominator: int) -> dict:
    percent = round(100 * numerator / denominator, 1) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "percent": percent}


def _assignments(site_ids, year: int):
    """Assignments active at some time in ``year`` on ``site_ids``."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return Assignment.objects.filter(site_id__in=site_ids, assigned_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def _totals(year: int, minimum: int) -> dict:
    """The aggregates of a group of assignments. Contacted and at-the-minimum ones are
    found by uncorrelated subqueries on the year's contacts (each evaluated once, a hashed
    set in PostgreSQL), not by a count per assignment."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    contacts = Contact.objects.filter(date__gte=start, date__lte=end).order_by()
    contacted = Q(pk__in=contacts.values("assignment_id"))
    met = Q(pk__in=contacts.values("assignment_id").annotate(c=Count("pk"))
            .filter(c__gte=minimum).values("assignment_id"))  # fmt: skip
    return {
        "assigned": Count("pk"),
        "contacted": Count("pk", filter=contacted),
        "met": Count("pk", filter=met),
        "deputies": Count("deputy_ref", distinct=True),
        "deputies_contacted": Count("deputy_ref", distinct=True, filter=contacted),
    }, contacted


KEYS = ("assigned", "contacted", "met", "deputies", "deputies_contacted")


def _sum(rows: list[dict]) -> dict:
    """Per-site counts added up (a site's roll-up over the sites below it)."""
    return {key: sum(r.get(key, 0) for r in rows) for key in KEYS}


def _row(counts: dict) -> dict:
    assigned, deputies = counts.get("assigned", 0), counts.get("deputies", 0)
    return {
        "assigned": assigned,
        "contacted": _figure(counts.get("contacted", 0), assigned),
        "uncontacted": _figure(assigned - counts.get("contacted", 0), assigned),
        "met_minimum": _figure(counts.get("met", 0), assigned),
        "deputies": deputies,
        "deputies_contacted": _figure(counts.get("deputies_contacted", 0), deputies),
    }


def coverage(scope, *, allowed: frozenset[int] | set[int], year: int | None = None,
             uncontacted_limit: int = 200) -> dict:  # fmt: skip
    """The figures of ``scope`` (a SiteProfile) and the sites below it that are in
    ``allowed`` (site ids): ``total``, ``sites`` (each rolled up over its descendants),
    ``members`` (the scope site's own committee members; a site below has its own view)
    and the first ``uncontacted_limit`` assignments without any contact, over the scope."""
    year = year or timezone.localdate().year
    minimum = setting("YEARLY_MIN_CONTACTS")
    profiles = [p for p in sites.descendants(scope, include_self=True) if p.site_id in allowed]
    ids = [p.site_id for p in profiles]
    rows = _assignments(ids, year)
    totals, contacted = _totals(year, minimum)

    # Per site: one grouped query of each site's own assignments; a site with sites below
    # adds theirs up (a deputy assigned on two sites counts on each: deputies are counted
    # per site's congress).
    own = {r["site_id"]: r for r in rows.order_by().values("site_id").annotate(**totals)}
    tree = sites.ScopeTree(profiles, root=scope)  # the tree descendants() read

    site_rows = []
    for profile in profiles:
        subtree = tree.site_ids(profile)
        counts = _sum([own[i] for i in subtree if i in own])
        site_rows.append({"site": {"code": profile.division_code, "name": profile.name},
                          "has_below": len(subtree) > 1, **_row(counts)})  # fmt: skip

    members = [
        {"member": {"id": r["member_id"], "name": r["member__name"], "post": r["member__post"],
                    "site": r["site__profile__name"]}, **_row(r)}
        for r in rows.filter(site_id=scope.site_id).order_by().values("member_id", "member__name", "member__post",
                                        "site__profile__name")
        .annotate(**totals).order_by("site__profile__name", "member__name")
    ]  # fmt: skip
    uncontacted = [
        {"deputy": {"ref": r["deputy_ref"], "name": r["deputy_name"]},
         "member": r["member__name"], "site": r["site__profile__name"]}
        for r in rows.exclude(contacted).order_by("site__profile__name", "member__name", "deputy_name")
        .values("deputy_ref", "deputy_name", "member__name", "site__profile__name")[:uncontacted_limit]
    ]  # fmt: skip
    return {
        "year": year,
        "minimum": minimum,
        "scope": {"code": scope.division_code, "name": scope.name},
        "total": _row(_sum(list(own.values()))),
        "sites": site_rows,
        "members": members,
        "uncontacted": uncontacted,
    }
