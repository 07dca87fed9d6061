"""The Popolo export of a site's deputies, and its validation against the official schemas.

Popolo (https://www.popoloproject.com/) is the common shape of open
legislative data. One site exports:

* ``organizations``: its congresses (classification "legislature", the
  division code as identifier), their standing and special committees
  ("committee", ``parent_id`` the congress), the delegations and deputy
  groups of their terms, and the parties of the deputies ("party");
* ``events``: the terms, as Popolo legislative periods;
* ``areas``: the constituencies;
* ``posts``: committee positions;
* ``persons``: public fields only (ethnicity as ``national_identity``,
  occupation as ``summary``, the pinyin as ``sort_name``/``other_names``);
  education, occupation category and title have no Popolo property and stay
  out (they are in the XLSX export);
* ``memberships``: seats (role "代表", ``on_behalf_of_id`` the delegation,
  ``area_id`` the constituency, ``legislative_period_id`` the term), deputy
  group memberships, post holdings (``post_id``) and party memberships.

The schemas in ``popolo_schemas/`` are byte-identical copies of the upstream
draft-03 files; ``validate`` resolves their ``$ref``s to those files, never
over the network.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from jsonschema import Draft3Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT3

from . import models as m

SCHEMA_DIR = Path(__file__).with_name("popolo_schemas")
SCHEMA_BASE = "http://www.popoloproject.com/schemas/"
#: Top-level collection → schema file.
COLLECTIONS = {
    "persons": "person",
    "organizations": "organization",
    "memberships": "membership",
    "posts": "post",
    "events": "event",
    "areas": "area",
}
JSON_TYPE = "application/json"
#: Parties that are not an organization one belongs to.
NO_PARTY = {"", m.Party.INDEPENDENT, m.Party.NONE}


@functools.cache
def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT3)
        resources.append((SCHEMA_BASE + path.name, resource))
    return Registry().with_resources(resources)


@functools.cache
def validator(kind: str) -> Draft3Validator:
    """A draft-03 validator for one Popolo schema (``"person"``, ``"membership"``…)."""
    schema = _registry().contents(SCHEMA_BASE + f"{kind}.json")
    return Draft3Validator(schema, registry=_registry())


def validate(document: dict) -> list[str]:
    """Every schema violation of an export, as "persons[3].birth_date: message"."""
    problems = []
    for collection, kind in COLLECTIONS.items():
        for index, item in enumerate(document.get(collection, [])):
            for error in validator(kind).iter_errors(item):
                where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.path)
                problems.append(f"{collection}[{index}]{where}: {error.message}")
    return problems


def _date(value) -> str | None:
    return value.isoformat() if value else None


def _drop_empty(item: dict) -> dict:
    return {k: v for k, v in item.items() if v not in (None, "", [])}


def congress_id(congress: m.Congress) -> str:
    return f"congress/{congress.division_code}"


def committee_id(congress: m.Congress, body: str) -> str:
    return f"{congress_id(congress)}/{body}"


def export_site(site_id: int, base_url: str = "") -> dict:
    """The Popolo document of the congresses site ``site_id`` hosts (public data only).

    ``base_url`` ("https://rd.example.cn") makes photo URLs absolute.
    """
    congresses = list(m.Congress.objects.filter(site_id=site_id).order_by("division_code"))
    terms = list(
        m.Term.objects.filter(congress__in=congresses)
        .select_related("congress")
        .order_by("congress__division_code", "number")
    )
    seats = list(
        m.Membership.objects.filter(term__in=terms)
        .select_related("term__congress", "person__photo")
        .order_by("term__congress__division_code", "term__number", "person__name_pinyin", "pk")
    )
    posts = list(
        m.Post.objects.filter(term__in=terms)
        .select_related("term__congress")
        .order_by("term__congress__division_code", "term__number", "body", "role")
    )
    holdings = list(
        m.PostHolding.objects.filter(post__in=posts)
        .select_related("post__term__congress")
        .order_by("post__term__congress__division_code", "post_id", "start_date", "pk")
    )
    people = {seat.person_id: seat.person for seat in seats}
    organizations = [_congress(c) for c in congresses]
    committees = {}
    for post in posts:
        congress = post.term.congress
        committees.setdefault(
            committee_id(congress, post.body),
            {
                "id": committee_id(congress, post.body),
                "name": f"{congress.name}{post.body}",
                "classification": "committee",
                "parent_id": congress_id(congress),
            },
        )
    organizations += committees.values()
    organizations += _term_parts(terms)
    parties = sorted({p.party for p in people.values() if p.party not in NO_PARTY})
    organizations += [
        {"id": f"party/{value}", "name": str(m.Party(value).label), "classification": "party"}
        for value in parties
    ]
    memberships = []
    for seat in seats:
        memberships += _seat_memberships(seat)
    memberships += [_holding(h) for h in holdings]
    memberships += [
        {
            "id": f"party-membership/{p.pk}",
            "person_id": f"person/{p.pk}",
            "organization_id": f"party/{p.party}",
            "role": "成员",
        }
        for p in sorted(people.values(), key=lambda p: p.pk)
        if p.party not in NO_PARTY
    ]
    return {
        "persons": [_person(p, base_url) for p in sorted(people.values(), key=lambda p: p.pk)],
        "organizations": organizations,
        "memberships": memberships,
        "posts": [_post(p) for p in posts],
        "events": [_term(t) for t in terms],
        "areas": _areas(terms),
    }


def _congress(congress: m.Congress) -> dict:
    return _drop_empty(
        {
            "id": congress_id(congress),
            "name": congress.name,
            "classification": "legislature",
            "identifiers": [{"scheme": "GB/T 2260", "identifier": congress.division_code}],
            "founding_date": _date(congress.founding_date),
        }
    )


def _term_parts(terms) -> list[dict]:
    found = []
    for model, prefix, classification in (
        (m.Delegation, "delegation", "delegation"),
        (m.DeputyGroup, "deputy-group", "deputy group"),
    ):
        parts = model.objects.filter(term__in=terms).select_related("term__congress")
        for part in parts.order_by("term_id", "name", "pk"):
            found.append(
                {
                    "id": f"{prefix}/{part.pk}",
                    "name": part.name,
                    "classification": classification,
                    "parent_id": congress_id(part.term.congress),
                }
            )
    return found


def _areas(terms) -> list[dict]:
    constituencies = m.Constituency.objects.filter(term__in=terms).order_by("term_id", "name", "pk")
    return [
        _drop_empty(
            {
                "id": f"constituency/{c.pk}",
                "name": c.name,
                "identifier": c.code,
                "classification": str(c.get_kind_display()),
            }
        )
        for c in constituencies
    ]


def _term(term: m.Term) -> dict:
    return _drop_empty(
        {
            "id": f"term/{term.pk}",
            "name": f"{term.congress.name}{term.ordinal}",
            "classification": "legislative period",
            "organization_id": congress_id(term.congress),
            "start_date": _date(term.start_date),
            "end_date": _date(term.end_date),
        }
    )


def _person(person: m.Person, base_url: str) -> dict:
    other_names = [{"name": person.name_pinyin, "note": "拼音"}] if person.name_pinyin else []
    image = None
    if person.photo_id and person.photo.file:
        url = person.photo.file.url
        image = url if "://" in url else base_url.rstrip("/") + url
    return _drop_empty(
        {
            "id": f"person/{person.pk}",
            "name": person.name,
            "sort_name": person.name_pinyin,
            "other_names": other_names,
            "gender": person.gender,
            "birth_date": person.birth_date.strftime("%Y-%m") if person.birth_date else None,
            "national_identity": person.ethnicity,
            "summary": person.occupation,
            "biography": person.biography,
            "image": image,
        }
    )


def _seat_memberships(seat: m.Membership) -> list[dict]:
    term = seat.term
    seat_doc = _drop_empty(
        {
            "id": f"membership/{seat.pk}",
            "label": f"{term}代表",
            "role": "代表",
            "person_id": f"person/{seat.person_id}",
            "organization_id": congress_id(term.congress),
            "on_behalf_of_id": f"delegation/{seat.delegation_id}" if seat.delegation_id else None,
            "area_id": f"constituency/{seat.constituency_id}" if seat.constituency_id else None,
            "start_date": _date(seat.start_date),
            "end_date": _date(seat.end_date),
            # Not a schema property, but the Popolo spec's link to the legislative period.
            "legislative_period_id": f"term/{term.pk}",
        }
    )
    found = [seat_doc]
    if seat.deputy_group_id:
        found.append(
            _drop_empty(
                {
                    "id": f"membership/{seat.pk}/group",
                    "role": "组员",
                    "person_id": f"person/{seat.person_id}",
                    "organization_id": f"deputy-group/{seat.deputy_group_id}",
                    "start_date": _date(seat.start_date),
                    "end_date": _date(seat.end_date),
                }
            )
        )
    return found


def _post(post: m.Post) -> dict:
    return _drop_empty(
        {
            "id": f"post/{post.pk}",
            "label": post.label,
            "role": str(post.get_role_display()),
            "organization_id": committee_id(post.term.congress, post.body),
            "start_date": _date(post.term.start_date),
            "end_date": _date(post.term.end_date),
        }
    )


def _holding(holding: m.PostHolding) -> dict:
    post = holding.post
    return _drop_empty(
        {
            "id": f"post-holding/{holding.pk}",
            "label": post.label,
            "role": str(post.get_role_display()),
            "person_id": f"person/{holding.person_id}",
            "organization_id": committee_id(post.term.congress, post.body),
            "post_id": f"post/{post.pk}",
            "start_date": _date(holding.start_date),
            "end_date": _date(holding.end_date),
            "legislative_period_id": f"term/{post.term_id}",
        }
    )
