"""Statistics of citizens' messages: per site (rolled up over the site tree) and per topic.

One place computes every figure, with SQL aggregation: one ``GROUP BY`` site and
topic over the messages of the scope, whatever their number; the sites' rows,
the topics' rows and the total are sums of those groups. Every rate comes with
its numerator and denominator (:func:`rate`); the definitions are in
docs/liaison.md, "Statistics". The admin page (留言统计) and its Excel export
both call :func:`statistics`.

The scope is a site and every site below it (``cms.services.sites.descendants``,
the core's site tree) that has the plugin switched on and that the user holds
(the admin) or that the public may see (the public API). Counts add up: a
city's row is the sum of its own messages and its counties', and the rates are
computed from the sums (never averaged). The public figures leave out what only
the office should read (the "was it solved?" questions asked, the forwarding),
and a row with fewer than ``PUBLIC_STATS_MIN_ANSWERED`` answered messages gives
its counts only: a rating or a "solved" of one or two answers could point at a
published message.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone

from cms.plugins import enabled_site_ids
from cms.services import sites

from .models import OPEN_STATES, Message, MessageState, MessageTransition, Rating, Topic

LABEL = "liaison"
State = MessageState
RATINGS = tuple(Rating.values)
#: Not (yet) a message to handle: held by moderation, refused, withdrawn by the citizen.
NOT_VALID = (State.RECEIVED, State.REJECTED, State.WITHDRAWN)
NO_TOPIC = ""

#: The additive counts of one row (a site, a topic, the total).
COUNT_KEYS = (
    "received", "valid", "forwarded", "answered", "on_time", "open", "overdue",
    "asked", "replied", "solved", "rated", *(f"rated_{r}" for r in RATINGS), "answer_seconds",
)  # fmt: skip

CACHE_SECONDS = 600
#: Bumped on every save or delete of a message (an edit of its topic by the office, say):
#: part of the figures' cache key with the newest history row.
GENERATION_KEY = "liaison:stats:generation"


def rate(numerator: int, denominator: int) -> dict:
    """A rate as the page and the export give it: both numbers and the percentage (one decimal)."""
    value = round(numerator * 100 / denominator, 1) if denominator else None
    return {"numerator": numerator, "denominator": denominator, "percent": value}


# --- the scope ----------------------------------------------------------------------


def scope_profiles(profile, allowed: Iterable[int] | None = None, public: bool = False) -> list:
    """``profile`` and the sites below it with the plugin on (and in ``allowed``, when given;
    only those the public may see, when ``public``)."""
    on = set(enabled_site_ids(LABEL))
    if allowed is not None:
        on &= set(allowed)
    rows = [p for p in sites.descendants(profile, include_self=True) if p.site_id in on]
    if public:
        rows = [p for p in rows if sites.code_is_public(p.division_code)]
    return rows


def public_min_answered() -> int:
    """Public rows with fewer answered messages than this give counts only (no rates, no
    ratings): the plugin setting ``PUBLIC_STATS_MIN_ANSWERED`` (default 5)."""
    from django.apps import apps

    return int(apps.get_app_config(LABEL).plugin_settings.get("PUBLIC_STATS_MIN_ANSWERED", 5))


def period_bounds(filters: dict) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day received (inclusive) of the filters: a ``year``, or ``since``
    and ``until``."""
    if filters.get("year"):
        year = int(filters["year"])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return filters.get("since"), filters.get("until")


# --- the query ----------------------------------------------------------------------


def base_queryset(site_ids: Iterable[int], filters: dict | None = None):
    """The messages counted: the scope's sites, received in the period, of the topic."""
    filters = filters or {}
    rows = Message.objects.filter(site_id__in=list(site_ids))
    first, last = period_bounds(filters)
    tz = timezone.get_current_timezone()
    # Local days as a range of instants: the index on received_at serves it, no per-row cast.
    if first:
        rows = rows.filter(received_at__gte=dt.datetime.combine(first, dt.time(), tzinfo=tz))
    if last:
        end = last + dt.timedelta(days=1)
        rows = rows.filter(received_at__lt=dt.datetime.combine(end, dt.time(), tzinfo=tz))
    if filters.get("topic") is not None and filters.get("topic") != "all":
        rows = rows.filter(topic=filters["topic"])
    return rows


def count_expressions(today: dt.date) -> dict:
    """The conditional counts of one group of messages (definitions: docs/liaison.md)."""
    valid = ~Q(state__in=NOT_VALID)
    answered = valid & Q(answered_at__isnull=False)
    opened = Q(state__in=OPEN_STATES)
    exprs = {
        "received": Count("pk"),
        "valid": Count("pk", filter=valid),
        "forwarded": Count("pk", filter=valid & Q(unit__isnull=False)),
        "answered": Count("pk", filter=answered),
        "on_time": Count("pk", filter=answered & Q(answered_at__date__lte=F("due_on"))),
        "open": Count("pk", filter=opened),
        "overdue": Count("pk", filter=opened & Q(due_on__lt=today)),
        "asked": Count(
            "pk", filter=answered & (Q(solved_asked_at__isnull=False) | Q(solved__isnull=False))
        ),
        "replied": Count("pk", filter=answered & Q(solved__isnull=False)),
        "solved": Count("pk", filter=answered & Q(solved=True)),
        "rated": Count("pk", filter=answered & ~Q(rating="")),
        "answer_time": Sum(
            ExpressionWrapper(F("answered_at") - F("received_at"), output_field=DurationField()),
            filter=answered,
        ),
    }
    for r in RATINGS:
        exprs[f"rated_{r}"] = Count("pk", filter=answered & Q(rating=r))
    return exprs


def counts_by_site_and_topic(site_ids, filters=None) -> dict[tuple[int, str], dict[str, int]]:
    """``{(site_id, topic): {count: n}}``: one grouped query."""
    rows = (
        base_queryset(site_ids, filters).order_by().values("site_id", "topic")
        .annotate(**count_expressions(timezone.localdate()))
    )  # fmt: skip
    found = {}
    for row in rows:
        key = (row.pop("site_id"), row.pop("topic"))
        duration = row.pop("answer_time")
        row["answer_seconds"] = int(duration.total_seconds()) if duration else 0
        found[key] = row
    return found


# --- figures ------------------------------------------------------------------------


def _sum(rows: Iterable[dict]) -> dict[str, int]:
    total = dict.fromkeys(COUNT_KEYS, 0)
    for row in rows:
        for key in COUNT_KEYS:
            total[key] += row.get(key, 0)
    return total


#: The counts the public figures give (the others are the office's: what it forwarded, and
#: the "was it solved?" questions it asked, whose replies are in ``solved``).
PUBLIC_COUNTS = ("received", "valid", "answered", "on_time", "open", "overdue")
#: The figures a public row with too few answers leaves out.
WITHHELD = ("answered", "on_time", "late", "overdue", "solved", "satisfaction", "ratings",
            "average_days")  # fmt: skip


def figures(counts: dict[str, int], public: bool = False, minimum: int = 0) -> dict:
    """The figures of one row from its counts: every rate with numerator and denominator."""
    answered = counts["answered"]
    satisfied = counts["rated_satisfied"] + counts["rated_basically"]
    days = round(counts["answer_seconds"] / 86400 / answered, 1) if answered else None
    data = {
        "counts": {k: counts[k] for k in COUNT_KEYS if k != "answer_seconds"},
        "valid": rate(counts["valid"], counts["received"]),
        "answered": rate(answered, counts["valid"]),
        "on_time": rate(counts["on_time"], answered),
        "late": rate(answered - counts["on_time"], answered),
        "overdue": rate(counts["overdue"], counts["open"]),
        "forwarded": rate(counts["forwarded"], counts["valid"]),
        "replied": rate(counts["replied"], counts["asked"]),
        "solved": rate(counts["solved"], counts["replied"]),
        "rated": rate(counts["rated"], answered),
        "satisfaction": rate(satisfied, counts["rated"]),
        "ratings": {r: rate(counts[f"rated_{r}"], counts["rated"]) for r in RATINGS},
        "average_days": days,
    }
    if not public:
        return data
    data = {key: data[key] for key in ("valid", *WITHHELD)}
    data["counts"] = {k: counts[k] for k in PUBLIC_COUNTS}
    data["withheld"] = answered < minimum
    if data["withheld"]:
        for key in WITHHELD:
            data[key] = None
    return data


def _site_ref(profile) -> dict:
    return {"code": profile.division_code, "name": profile.name, "level": profile.level}


def topic_label(value: str) -> str:
    return str(Topic(value).label) if value in Topic.values else "未分类"


def data_version() -> str:
    """Changes with every move, rating, "was it solved?" question and answer (each writes a
    ``MessageTransition``), every save of a message (the cache's generation) and every day
    (the overdue ones)."""
    last = MessageTransition.objects.order_by("-pk").values_list("pk", flat=True).first()
    return f"{last}|{cache.get(GENERATION_KEY, 0)}|{timezone.localdate()}"


def changed(**kwargs) -> None:
    """``post_save``/``post_delete`` of a message: the cached figures are stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def statistics(profile, *, allowed: Iterable[int] | None = None, public: bool = False,
               filters: dict | None = None) -> dict:  # fmt: skip
    """The figures of ``profile``'s scope: the total, one row per site (the site's own
    messages, then each site directly below it with everything under it, in division-code
    order), one row per topic.

    Kept in the cache until the data change (``data_version``) or for ``CACHE_SECONDS``: a
    province's year takes a few hundred milliseconds to count, and offices reload."""
    scope = scope_profiles(profile, allowed, public)
    filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
    minimum = public_min_answered() if public else 0
    key = "liaison:stats:" + hashlib.sha256(repr((
        profile.pk, sorted(p.site_id for p in scope), sorted((k, str(v)) for k, v in filters.items()),
        public, minimum, data_version(),
    )).encode()).hexdigest()  # fmt: skip
    found = cache.get(key)
    if found is None:
        found = compute(profile, scope, filters, public=public, minimum=minimum)
        cache.set(key, found, CACHE_SECONDS)
    return copy.deepcopy(found)


def compute(profile, scope: list, filters: dict | None = None, *, public: bool = False,
            minimum: int = 0) -> dict:  # fmt: skip
    """:func:`statistics` without the cache."""
    in_scope = {p.site_id for p in scope}
    groups = counts_by_site_and_topic(in_scope, filters)
    per_site: dict[int, list] = defaultdict(list)
    per_topic: dict[str, list] = defaultdict(list)
    for (site_id, topic), counts in groups.items():
        per_site[site_id].append(counts)
        per_topic[topic].append(counts)

    # Roll up: each profile's subtree, following SiteProfile.parent within the scope.
    tree = sites.ScopeTree(scope, root=profile)

    rows = []
    if profile.site_id in in_scope:
        own = _sum(per_site.get(profile.site_id, ()))
        rows.append({"site": _site_ref(profile), "own": True, "rolled_up": False,
                     **figures(own, public, minimum)})  # fmt: skip
    for child in tree.children(profile):
        summed = _sum(c for i in tree.site_ids(child) for c in per_site.get(i, ()))
        rows.append({"site": _site_ref(child), "own": False,
                     "rolled_up": bool(tree.children(child)),
                     **figures(summed, public, minimum)})  # fmt: skip

    topics = []
    for value in (*Topic.values, NO_TOPIC):
        counts = _sum(per_topic.get(value, ()))
        if value == NO_TOPIC and not counts["received"]:
            continue
        topics.append({"topic": value, "label": topic_label(value),
                       **figures(counts, public, minimum)})  # fmt: skip
    first, last = period_bounds(filters or {})
    return {
        "scope": _site_ref(profile),
        "as_of": timezone.localdate().isoformat(),
        "period": {
            "start": first.isoformat() if first else None,
            "end": last.isoformat() if last else None,
        },
        "topic": (filters or {}).get("topic") or None,
        "sites_counted": len(scope),
        "total": figures(_sum(c for rows_ in per_site.values() for c in rows_), public, minimum),
        "sites": rows,
        "topics": topics,
    }


def _percent(key: str):
    """Descending by a rate's percentage; rows without a denominator last."""

    def order(row: dict) -> float:
        value = row[key]["percent"]
        return 1.0 if value is None else -value

    return order


#: The orders the user may choose for the sites' rows (the scope's own row stays first).
SORTS = {
    "received": lambda r: -r["counts"]["received"],
    "answered": _percent("answered"),
    "on_time": _percent("on_time"),
    "overdue": lambda r: -r["counts"]["overdue"],
    "solved": _percent("solved"),
    "satisfaction": _percent("satisfaction"),
}


def sort_sites(rows: list[dict], sort: str) -> list[dict]:
    """The sites' rows in division-code order (the default: no league table), or by a column
    the user chose; the scope's own row (本级) stays first."""
    if sort not in SORTS:
        return rows
    own = [r for r in rows if r["own"]]
    rest = sorted((r for r in rows if not r["own"]), key=SORTS[sort])  # stable: code order ties
    return own + rest
