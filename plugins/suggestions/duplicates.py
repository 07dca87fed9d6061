"""Likely duplicates at intake: the same topic raised on this site, above it or below it.

A county's deputies and the city's often raise the same matter in the same
year; the office should see that when it takes an item in, to hand the items
to the same unit for merged handling. The measure is the Dice coefficient of
the two texts' sets of Chinese character bigrams (title, and the beginning of
the text), after the boilerplate every suggestion shares (关于…的建议, 建议,
进一步…) is removed: no index, no external engine, and it works on phrasing
that shares no whole word. Its precision and recall on the demo's labelled
items: ``manage.py suggestion_duplicates`` (docs/suggestions.md).

Candidates: suggestions on the item's site, on the sites above it and the sites
below it (``cms.services.sites``: the core's site tree) with the plugin on,
submitted within a year before or after it, not drafts, withdrawn, returned or
held by moderation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cms.plugins import enabled_site_ids
from cms.services import sites

from .models import State, Suggestion
from .similarity import parse, score, shingles

LABEL = "suggestions"
#: A pair at or above this score is shown to the office as a likely duplicate.
THRESHOLD = 0.25
WINDOW = dt.timedelta(days=366)
EXCLUDED_STATES = (State.DRAFT, State.WITHDRAWN, State.RETURNED)


@dataclass(frozen=True)
class Match:
    pk: int
    site_id: int
    site_code: str
    site_name: str
    relation: str  # 本级 / 上级 / 下级
    title: str
    state: str
    number: str
    score: float


def lineage_site_ids(profile) -> dict[int, tuple[object, str]]:
    """``{site_id: (profile, relation)}``: the site, the sites above and below, plugin on."""
    on = enabled_site_ids(LABEL)
    found = {profile.site_id: (profile, "本级")}
    for p in sites.ancestors(profile):
        found[p.site_id] = (p, "上级")
    for p in sites.descendants(profile):
        found[p.site_id] = (p, "下级")
    return {k: v for k, v in found.items() if k in on}


def likely_duplicates(suggestion: Suggestion, threshold: float = THRESHOLD,
                      limit: int = 10) -> list[Match]:  # fmt: skip
    """The items most like ``suggestion`` on its lineage of sites, best first."""
    profile = getattr(suggestion.site, "profile", None)
    if profile is None:
        return []
    lineage = lineage_site_ids(profile)
    when = suggestion.submitted_at or suggestion.created_at or timezone.now()
    rows = (
        Suggestion.objects.filter(site_id__in=list(lineage), moderation_status="approved",
                                  submitted_at__gte=when - WINDOW, submitted_at__lte=when + WINDOW)
        .exclude(pk=suggestion.pk).exclude(state__in=EXCLUDED_STATES)
        .values_list("pk", "site_id", "title", "state", "number", "fingerprint")
    )  # fmt: skip
    mine = shingles(suggestion.title, suggestion.text)
    matches = []
    for pk, site_id, title, state, number, stored in rows.iterator(chunk_size=2000):
        value = score(mine, parse(stored) if stored else _shingles_of(pk))
        if value >= threshold:
            other, relation = lineage[site_id]
            matches.append(Match(pk, site_id, other.division_code, other.name, relation, title,
                                 state, number, round(value, 2)))  # fmt: skip
    matches.sort(key=lambda m: (-m.score, m.pk))
    return matches[:limit]


def _shingles_of(pk: int) -> frozenset[str]:
    """A row saved before fingerprints were stored (or bulk-inserted without one)."""
    title, text = Suggestion.objects.values_list("title", "text").get(pk=pk)
    return shingles(title, text)


def evaluate(items: list[tuple[int, int, str, str, str]], related, threshold: float = THRESHOLD):
    """Precision and recall over every related pair of labelled ``items``.

    ``items``: ``(pk, site_id, title, text, topic)``; two items are duplicates when
    their topics are equal; ``related(site_a, site_b)`` says whether the detector
    compares them (the same site, or one above the other). Returns a dict of the counts.
    """
    grams = [shingles(title, text) for _, _, title, text, _ in items]
    tp = fp = fn = 0
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            if not related(items[i][1], items[j][1]):
                continue
            same = items[i][4] == items[j][4]
            flagged = score(grams[i], grams[j]) >= threshold
            tp += same and flagged
            fp += flagged and not same
            fn += same and not flagged
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return {"threshold": threshold, "pairs_flagged": tp + fp, "true_positives": tp,
            "false_positives": fp, "false_negatives": fn, "precision": precision,
            "recall": recall}  # fmt: skip
