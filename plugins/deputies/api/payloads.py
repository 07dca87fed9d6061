"""Building the API's payloads from rows loaded in bulk (never one query per item).

Only the public profile fields are ever read here; the private fields have
no entry in any function below. Choice labels come from ``choice_labels`` (built
once per language): ``get_FOO_display()`` hashes every lazy label of the field's
choices on each call, which was a quarter of a list request's time.
"""

from __future__ import annotations

from django.utils import timezone

from plugins.deputies.models import (
    Education,
    Election,
    EndReason,
    Gender,
    Level,
    LiaisonStation,
    OccupationCategory,
    Party,
    choice_labels,
)


def _label(choices, value) -> str:
    return choice_labels(choices).get(value, "") if value else ""


def iso(value) -> str | None:
    return value.isoformat() if value else None


def congress_ref(congress) -> dict:
    return {
        "id": congress.pk,
        "name": congress.name,
        "level": congress.level,
        "level_label": _label(Level, congress.level),
        "division_code": congress.division_code,
    }


def term_ref(term) -> dict:
    return {
        "id": term.pk,
        "number": term.number,
        "ordinal": term.ordinal,
        "start_date": iso(term.start_date),
        "end_date": iso(term.end_date),
    }


def _named(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def seat(membership) -> dict:
    """A membership; needs ``congress``, ``term``, ``delegation``, ``deputy_group`` and
    ``constituency`` selected with it."""
    constituency = membership.constituency
    return {
        "id": membership.pk,
        "congress": congress_ref(membership.congress),
        "level": membership.congress.level,
        "term": term_ref(membership.term),
        "delegation": _named(membership.delegation),
        "deputy_group": _named(membership.deputy_group),
        "constituency": (
            {"id": constituency.pk, "name": constituency.name, "kind": constituency.kind}
            if constituency is not None
            else None
        ),
        "election": membership.election,
        "election_label": _label(Election, membership.election),
        "start_date": iso(membership.start_date),
        "end_date": iso(membership.end_date),
        "end_reason": membership.end_reason,
        "end_reason_label": _label(EndReason, membership.end_reason),
        "is_current": membership.is_current,
    }


def post(holding) -> dict:
    """A post holding; needs ``post__term__congress`` selected with it."""
    today = timezone.localdate()
    the_post = holding.post
    return {
        "body": the_post.body,
        "role": the_post.role,
        "label": the_post.label,
        "congress": congress_ref(the_post.term.congress),
        "term": term_ref(the_post.term),
        "start_date": iso(holding.start_date),
        "end_date": iso(holding.end_date),
        "is_current": holding.end_date is None or holding.end_date >= today,
    }


def person_fields(person, photos: dict) -> dict:
    """The public profile of a person (the same fields in lists and details)."""
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "gender_label": _label(Gender, person.gender),
        "ethnicity": person.ethnicity,
        "birth": f"{person.birth_date:%Y-%m}" if person.birth_date else None,
        "party": person.party,
        "party_label": _label(Party, person.party),
        "education": person.education,
        "education_label": _label(Education, person.education),
        "occupation": person.occupation,
        "occupation_category": person.occupation_category,
        "occupation_category_label": _label(OccupationCategory, person.occupation_category),
        "title": person.title,
        "photo": photos.get(person.photo_id),
    }


def person_ref(person, photos: dict) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "photo": photos.get(person.photo_id),
    }


def station(obj, distance_km: float | None = None) -> dict:
    """A liaison station; needs ``congress`` selected with it."""
    return {
        "id": obj.pk,
        "name": obj.name,
        "kind": obj.kind,
        "kind_label": _label(LiaisonStation.Kind, obj.kind),
        "congress": congress_ref(obj.congress) if obj.congress is not None else None,
        "division_code": obj.division_code,
        "address": obj.address,
        "latitude": float(obj.latitude) if obj.latitude is not None else None,
        "longitude": float(obj.longitude) if obj.longitude is not None else None,
        "phone": obj.phone,
        "opening_hours": obj.opening_hours,
        "reception_weekdays": sorted(obj.reception_weekdays or []),
        "distance_km": round(distance_km, 2) if distance_km is not None else None,
    }
