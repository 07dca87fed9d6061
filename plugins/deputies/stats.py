"""The composition of a congress's deputies in one term, as the congresses publish it.

Every dimension (gender, ethnicity, party, age band, occupation category,
education, election) is one ``values().annotate(Count)`` query grouped in the
database, so the statistics of a term of 10,000 deputies cost the same eight
queries as a term of ten. Each bucket carries its count and its percentage of
the total, rounded to one decimal.

Ages are counted **as of today** (not at the start of the term): the published
figure then matches what a citizen reading it today would compute from the
birth month, and a past term still shows its deputies' present ages. Birth
dates are stored to the month (day 1), so the age is exact to the month.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    Education,
    Election,
    Gender,
    Membership,
    OccupationCategory,
    Party,
    Term,
)

HAN = "汉族"
#: The eight democratic parties (民主党派).
DEMOCRATIC_PARTIES = (
    Party.RCCK, Party.CDL, Party.CDNCA, Party.CAPD, Party.CPWDP, Party.CZGD, Party.JS,
    Party.TDSGL,
)  # fmt: skip
#: (value, label, lowest age, highest age) of the published age bands.
AGE_BANDS = (
    ("35_or_under", "35岁及以下", 0, 35),
    ("36_45", "36至45岁", 36, 45),
    ("46_55", "46至55岁", 46, 55),
    ("56_60", "56至60岁", 56, 60),
    ("61_or_over", "61岁及以上", 61, 200),
)
UNKNOWN = ""


def current_seats_q(today: datetime.date) -> Q:
    """Seats not ended on ``today``: neither the seat nor its term has ended."""
    return (Q(end_date__isnull=True) | Q(end_date__gte=today)) & (
        Q(term__end_date__isnull=True) | Q(term__end_date__gte=today)
    )


def percentage(count: int, total: int) -> float:
    return round(count * 100 / total, 1) if total else 0.0


def age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(birth: datetime.date | None, today: datetime.date) -> str:
    if birth is None:
        return UNKNOWN
    age = age_on(birth, today)
    return next((value for value, _label, low, high in AGE_BANDS if low <= age <= high), UNKNOWN)


def _grouped(seats, field: str) -> dict[str, int]:
    rows = seats.values(field).annotate(n=Count("pk")).order_by()
    counts: dict = {}
    for row in rows:
        key = row[field] if row[field] is not None else UNKNOWN
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def _buckets(counts: dict, labels: list[tuple[str, str]], total: int) -> list[dict]:
    """Every known value (zero counts included, in the published order), then "not filled in"."""
    items = [
        {"value": value, "label": str(label), "count": counts.get(value, 0),
         "percentage": percentage(counts.get(value, 0), total)}
        for value, label in labels
    ]  # fmt: skip
    unknown = sum(n for value, n in counts.items() if value not in dict(labels))
    if unknown:
        items.append({"value": UNKNOWN, "label": _("未填写"), "count": unknown,
                      "percentage": percentage(unknown, total)})  # fmt: skip
    return items


def _item(value: str, label: str, count: int, total: int) -> dict:
    return {"value": value, "label": label, "count": count, "percentage": percentage(count, total)}


def term_statistics(term: Term, *, current: bool = True, today=None) -> dict:
    """The composition of ``term``'s deputies (only seats not ended when ``current``)."""
    today = today or timezone.localdate()
    seats = Membership.objects.filter(term=term)
    if current:
        seats = seats.filter(current_seats_q(today))

    gender = _grouped(seats, "person__gender")
    total = sum(gender.values())

    ethnicity = _grouped(seats, "person__ethnicity")
    han = ethnicity.get(HAN, 0)
    unknown_ethnicity = ethnicity.get(UNKNOWN, 0)
    named = sorted(
        ((name, n) for name, n in ethnicity.items() if name != UNKNOWN),
        key=lambda item: (-item[1], item[0]),
    )

    party = _grouped(seats, "person__party")
    democratic = sum(party.get(p, 0) for p in DEMOCRATIC_PARTIES)
    party_groups = [
        _item("cpc", _("中共党员"), party.get(Party.CPC, 0), total),
        _item("democratic", _("民主党派"), democratic, total),
        _item("independent", _("无党派人士"), party.get(Party.INDEPENDENT, 0), total),
        _item("none", _("群众"), party.get(Party.NONE, 0), total),
    ]
    unknown_party = sum(n for p, n in party.items() if p not in Party.values)
    if unknown_party:
        party_groups.append(_item(UNKNOWN, _("未填写"), unknown_party, total))

    ages: dict[str, int] = {}
    for birth, n in (
        seats.values_list("person__birth_date").annotate(n=Count("pk")).order_by()
    ).iterator():
        band = age_band(birth, today)
        ages[band] = ages.get(band, 0) + n
    age_items = [_item(v, label, ages.get(v, 0), total) for v, label, _lo, _hi in AGE_BANDS]
    age_items.append(_item(UNKNOWN, _("未填写"), ages.get(UNKNOWN, 0), total))

    return {
        "total": total,
        "as_of": today,
        "current_only": current,
        "gender": _buckets(gender, Gender.choices, total),
        "ethnicity": {
            "han": _item(HAN, HAN, han, total),
            "minority": _item("minority", _("少数民族"), total - han - unknown_ethnicity, total),
            "items": [_item(name, name, n, total) for name, n in named]
            + (
                [_item(UNKNOWN, _("未填写"), unknown_ethnicity, total)] if unknown_ethnicity else []
            ),
        },
        "party": {"groups": party_groups, "items": _buckets(party, Party.choices, total)},
        "age": age_items,
        "occupation": _buckets(
            _grouped(seats, "person__occupation_category"), OccupationCategory.choices, total
        ),
        "education": _buckets(_grouped(seats, "person__education"), Education.choices, total),
        "election": _buckets(_grouped(seats, "election"), Election.choices, total),
    }
