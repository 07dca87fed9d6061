"""Statistics of the suggestions: per site (rolled up over the site tree) and per handling unit.

One place computes every figure, with SQL aggregation (``GROUP BY`` site, and
``GROUP BY`` lead unit): the admin's statistics page and the public API both
call :func:`statistics`. Every rate comes with its numerator and denominator
(:func:`rate`); the definitions are in docs/suggestions.md, "Statistics".

The scope is a site and every site below it (``cms.services.sites.descendants``,
the core's site tree) that has the plugin switched on; the admin narrows it to
the user's sites, the public API to the sites the public may see. Counts add
up, so a city's figures are the sums of its own and its counties' rows, and
the rates are computed from the sums (never averaged).
"""

from __future__ import annotations

import copy
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import BigIntegerField, Count, F, Q
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from cms.plugins import enabled_site_ids
from cms.services import deadlines, sites

from .models import Assignment, Rating, RatingResult, ReplyClass, State, Suggestion, Transition

LABEL = "suggestions"
REPLY_RULE = "suggestion.reply"
REHANDLING_RULE = "suggestion.rehandling"

#: Registered (立案) and on: what the office took in as a suggestion of the congress.
ACCEPTED_STATES = (State.ACCEPTED, State.ASSIGNED, State.REPLIED, State.REHANDLING, State.RATED,
                   State.CLOSED)  # fmt: skip
ASSIGNED_STATES = (State.ASSIGNED, State.REPLIED, State.REHANDLING, State.RATED, State.CLOSED)
#: Replied to at least once: the number handled (办复).
HANDLED_STATES = (State.REPLIED, State.REHANDLING, State.RATED, State.CLOSED)
OPEN_STATES = (State.ASSIGNED, State.REHANDLING)
CLASSES = tuple(ReplyClass.values)
RESULTS = tuple(RatingResult.values)

#: The additive counts of one row (a site, a unit, a total).
COUNT_KEYS = (
    "submitted", "accepted", "assigned", "handled", *(f"class_{c}" for c in CLASSES),
    "met", "met_on_time", "open", "open_overdue", "rehandled",
    "ratings", *(f"rated_{r}" for r in RESULTS),
)  # fmt: skip
#: What the public figures never show: items the office has not registered.
INTERNAL_KEYS = ("submitted",)


def public_min_handled() -> int:
    """Public rows with fewer handled items than this show counts only (no mix, no rates):
    the plugin setting ``PUBLIC_STATS_MIN_HANDLED`` (default 5)."""
    from django.apps import apps

    return int(apps.get_app_config(LABEL).plugin_settings.get("PUBLIC_STATS_MIN_HANDLED", 5))


def rate(numerator: int, denominator: int) -> dict:
    """A rate as the API and the page give it: both numbers and the percentage (one decimal)."""
    value = round(numerator * 100 / denominator, 1) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "percent": value}


# --- the scope ----------------------------------------------------------------------


def scope_profiles(profile, allowed: Iterable[int] | None = None, public: bool = False) -> list:
    """``profile`` and the sites below it with the plugin on (and in ``allowed``, when given;
    only those the public may see, when ``public``)."""
    on = enabled_site_ids(LABEL)
    if allowed is not None:
        on &= set(allowed)
    rows = [p for p in sites.descendants(profile, include_self=True) if p.site_id in on]
    if public:
        rows = [p for p in rows if sites.code_is_public(p.division_code)]
    return rows


# --- the queries --------------------------------------------------------------------


def _clock_ids(site_ids, rules: tuple[str, ...], **filters):
    """The ids of the suggestions with such a clock: a subquery run once per statement (an
    ``IN`` set), not once per row."""
    ct = ContentType.objects.get_for_model(Suggestion)
    return (
        deadlines.Deadline.objects.filter(content_type=ct, site_id__in=list(site_ids),
                                          rule__in=rules, **filters)
        .annotate(stopped_on=TruncDate("stopped_at"), suggestion_pk=Cast("object_id", BigIntegerField()))
    )  # fmt: skip


def _id_sets(site_ids) -> dict:
    """The sets the conditional counts test: replied by the reply clock (on time or not),
    overdue now, rated 不满意."""
    today = timezone.localdate()
    met = _clock_ids(site_ids, (REPLY_RULE,), stopped_at__isnull=False)
    return {
        "met": met.values("suggestion_pk"),
        "on_time": met.filter(stopped_on__lte=F("due_on")).values("suggestion_pk"),
        "overdue": _clock_ids(
            site_ids, (REPLY_RULE, REHANDLING_RULE), stopped_at__isnull=True, due_on__lt=today
        ).values("suggestion_pk"),  # fmt: skip
        "rehandled": Rating.objects.filter(
            suggestion__site_id__in=list(site_ids), result=RatingResult.UNSATISFIED
        ).values("suggestion_id"),
    }


def _count_expressions(sets: dict, prefix: str = "") -> dict:
    """The conditional counts over suggestions (``prefix``: the path to them, ``suggestion__``)."""

    def q(**kwargs) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    def among(name: str) -> Q:
        return Q(**{f"{prefix}id__in": sets[name]})

    handled = q(state__in=HANDLED_STATES)
    opened = q(state__in=OPEN_STATES)
    exprs = {
        "submitted": Count(
            "pk",
            filter=q(submitted_at__isnull=False) & ~q(state__in=(State.DRAFT, State.WITHDRAWN)),
        ),  # fmt: skip
        "accepted": Count("pk", filter=q(state__in=ACCEPTED_STATES)),
        "assigned": Count("pk", filter=q(state__in=ASSIGNED_STATES)),
        "handled": Count("pk", filter=handled),
        "met": Count("pk", filter=among("met")),
        "met_on_time": Count("pk", filter=among("on_time")),
        "open": Count("pk", filter=opened),
        "open_overdue": Count("pk", filter=opened & among("overdue")),
        "rehandled": Count("pk", filter=handled & among("rehandled")),
    }
    for c in CLASSES:
        exprs[f"class_{c}"] = Count("pk", filter=handled & q(reply_class=c))
    return exprs


def _rating_expressions() -> dict:
    exprs = {"ratings": Count("pk")}
    for r in RESULTS:
        exprs[f"rated_{r}"] = Count("pk", filter=Q(result=r))
    return exprs


def base_queryset(site_ids: Iterable[int], filters: dict | None = None):
    """The suggestions counted: the scope's sites, the filters, approved by moderation."""
    filters = filters or {}
    rows = Suggestion.objects.filter(site_id__in=list(site_ids), moderation_status="approved")
    if filters.get("session"):
        rows = rows.filter(session=filters["session"])
    if filters.get("period"):
        rows = rows.filter(period=filters["period"])
    if filters.get("kind"):
        rows = rows.filter(kind=filters["kind"])
    if filters.get("since"):
        rows = rows.filter(submitted_at__date__gte=filters["since"])
    if filters.get("until"):
        rows = rows.filter(submitted_at__date__lte=filters["until"])
    return rows


def counts_by_site(site_ids, filters=None) -> dict[int, dict[str, int]]:
    """``{site_id: {count: n}}``: two grouped queries (suggestions, ratings)."""
    base = base_queryset(site_ids, filters)
    found: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
    rows = base.order_by().values("site_id").annotate(**_count_expressions(_id_sets(site_ids)))
    for row in rows:
        found[row.pop("site_id")].update(row)
    ratings = (
        Rating.objects.filter(suggestion__in=base.values("pk")).order_by()
        .values("suggestion__site_id").annotate(**_rating_expressions())
    )  # fmt: skip
    for row in ratings:
        found[row.pop("suggestion__site_id")].update(row)
    return dict(found)


def counts_by_unit(site_ids, filters=None) -> list[dict]:
    """One row per lead unit (主办单位) of these sites' items: grouped queries, as above."""
    base = base_queryset(site_ids, filters)
    leads = Assignment.objects.filter(
        role=Assignment.Role.LEAD, returned_at__isnull=True, suggestion__in=base.values("pk")
    )
    units: dict[int, dict] = {}
    rows = (
        leads.order_by().values("unit_id", "unit__name", "unit__site_id")
        .annotate(**_count_expressions(_id_sets(site_ids), "suggestion__"))
    )  # fmt: skip
    for row in rows:
        unit = units.setdefault(row["unit_id"], {"unit_id": row["unit_id"],
                                                 "name": row["unit__name"],
                                                 "site_id": row["unit__site_id"],
                                                 **dict.fromkeys(COUNT_KEYS, 0)})  # fmt: skip
        unit.update({k: v for k, v in row.items() if k in COUNT_KEYS})
    ratings = (
        Rating.objects.filter(
            suggestion__in=base.values("pk"), suggestion__assignments__role=Assignment.Role.LEAD,
            suggestion__assignments__returned_at__isnull=True,
        ).order_by().values("suggestion__assignments__unit_id").annotate(**_rating_expressions())
    )  # fmt: skip
    for row in ratings:
        unit = units.get(row.pop("suggestion__assignments__unit_id"))
        if unit is not None:
            unit.update(row)
    return list(units.values())


# --- figures ------------------------------------------------------------------------


def _sum(rows: Iterable[dict]) -> dict[str, int]:
    total = dict.fromkeys(COUNT_KEYS, 0)
    for row in rows:
        for key in COUNT_KEYS:
            total[key] += row.get(key, 0)
    return total


def figures(counts: dict[str, int], public: bool = False, minimum: int = 0) -> dict:
    """The figures of one row from its counts: every rate with numerator and denominator."""
    handled = counts["handled"]
    satisfied = counts["rated_satisfied"] + counts["rated_basically"]
    data = {
        "counts": {
            k: counts[k]
            for k in ("submitted", "accepted", "assigned", "handled", "open")
            if not (public and k in INTERNAL_KEYS)
        },  # fmt: skip
        "handled": rate(handled, counts["assigned"]),
        "on_time": rate(counts["met_on_time"], counts["met"]),
        "overdue_open": rate(counts["open_overdue"], counts["open"]),
        "classes": {c: rate(counts[f"class_{c}"], handled) for c in CLASSES},
        "satisfaction": rate(satisfied, counts["ratings"]),
        "ratings": {r: rate(counts[f"rated_{r}"], counts["ratings"]) for r in RESULTS},
        "rehandling": rate(counts["rehandled"], handled),
        "withheld": False,
    }
    if public and handled < minimum:
        # Too few to publish a mix: a class or a rating could point at one unpublished reply.
        for key in ("handled", "on_time", "overdue_open", "classes", "satisfaction", "ratings",
                    "rehandling"):  # fmt: skip
            data[key] = None
        data["withheld"] = True
    return data


def _site_ref(profile) -> dict:
    return {"code": profile.division_code, "name": profile.name, "level": profile.level}


UNIT_SORTS = {
    "name": lambda u: u["name"],
    "handled": lambda u: -u["counts"]["handled"],
    "on_time": lambda u: -((u["on_time"] or {}).get("percent") or -1),
    "satisfaction": lambda u: -((u["satisfaction"] or {}).get("percent") or -1),
    "rehandling": lambda u: -((u["rehandling"] or {}).get("percent") or -1),
}


def data_version() -> str:
    """Changes with every move, co-signature, rating, extension and unit return (each writes a
    ``Transition``), every new rating, and every day (the overdue ones): two indexed rows."""
    last = Transition.objects.order_by("-pk").values_list("pk", "at").first()
    rated = Rating.objects.order_by("-pk").values_list("pk", "created_at").first()
    return f"{last}|{rated}|{timezone.localdate()}"


def statistics(profile, *, allowed: Iterable[int] | None = None, public: bool = False,
               filters: dict | None = None, sort: str = "name") -> dict:  # fmt: skip
    """The figures of ``profile``'s scope: the total, one row per site (the site's own items,
    then each site directly below it with everything under it), one row per lead unit of
    ``profile``'s own items (its units; the units of a site below are in that site's figures).

    Kept in the cache until the data change (``data_version``) or for ``CACHE_SECONDS``: a
    province's figures take a few hundred milliseconds to compute, and offices reload."""
    scope = scope_profiles(profile, allowed, public)
    key = "suggestions:stats:" + hashlib.sha256(repr((
        profile.pk, sorted(p.site_id for p in scope), public, sorted((filters or {}).items()),
        sort, data_version(), public_min_handled() if public else 0,
    )).encode()).hexdigest()  # fmt: skip
    found = cache.get(key)
    if found is None:
        found = _statistics(profile, scope, public, filters, sort)
        cache.set(key, found, CACHE_SECONDS)
    return copy.deepcopy(found)


CACHE_SECONDS = 600


def _statistics(profile, scope: list, public: bool, filters: dict | None, sort: str) -> dict:
    minimum = public_min_handled() if public else 0
    in_scope = {p.site_id for p in scope}
    per_site = counts_by_site(in_scope, filters)

    # Roll up: each profile's subtree, following SiteProfile.parent within the scope.
    tree = sites.ScopeTree(scope, root=profile)

    empty = dict.fromkeys(COUNT_KEYS, 0)
    rows = []
    if profile.site_id in in_scope:
        own = per_site.get(profile.site_id, empty)
        rows.append(
            {"site": _site_ref(profile), "rolled_up": False, **figures(own, public, minimum)}
        )
    for child in tree.children(profile):
        summed = _sum(per_site.get(i, empty) for i in tree.site_ids(child))
        rows.append({"site": _site_ref(child), "rolled_up": bool(tree.children(child)),
                     **figures(summed, public, minimum)})  # fmt: skip

    # The scope site's own units (a county's units: choose the county as the scope).
    units = [
        {"name": u["name"], "site": profile.division_code, **figures(u, public, minimum)}
        for u in counts_by_unit({profile.site_id} & in_scope, filters)
    ]
    units.sort(key=lambda u: u["name"])  # alphabetical first: the tie-break of any column
    if sort in UNIT_SORTS and sort != "name":
        units.sort(key=UNIT_SORTS[sort])
    return {
        "scope": _site_ref(profile),
        "as_of": timezone.localdate().isoformat(),
        "sites_counted": len(scope),
        "total": figures(_sum(per_site.values()), public, minimum),
        "sites": rows,
        "units": units,
    }


def sessions(site_ids) -> list[str]:
    """The congress meetings (届次会议) the scope's suggestions name, in text order."""
    return sorted(
        Suggestion.objects.filter(site_id__in=list(site_ids)).exclude(session="")
        .order_by().values_list("session", flat=True).distinct()
    )  # fmt: skip
