"""The deputies register backs the core's directory (``cms.services.directory``).

The accounts ask it whether a user is a deputy, with which seats on which
sites; a person's reference is their id in the register (the id the deputies
API gives).
"""

from __future__ import annotations

import math
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from cms.services import directory, sites

from .models import (
    Congress,
    Delegation,
    DeputyGroup,
    LiaisonStation,
    Membership,
    Person,
    Reception,
    Term,
)


def _seat(membership: Membership) -> directory.Seat:
    profile = getattr(membership.site, "profile", None)
    return directory.Seat(
        site_id=membership.site_id,
        division_code=profile.division_code if profile else "",
        level=membership.congress.level,
        congress=str(membership.term),
        start_date=membership.start_date,
        end_date=membership.end_date or membership.term.end_date,
        current=membership.is_current,
        congress_ref=str(membership.congress_id),
        term_ref=str(membership.term_id),
        delegation_ref=str(membership.delegation_id or ""),
        group_ref=str(membership.deputy_group_id or ""),
    )


def _memberships():
    return Membership.objects.select_related(
        "site__profile", "congress", "term__congress"
    ).order_by("start_date", "pk")


class _People:
    def person(self, ref: str) -> directory.Person | None:
        if not ref.isdigit():
            return None
        person = Person.objects.filter(pk=int(ref)).first()
        if person is None:
            return None
        seats = tuple(_seat(m) for m in _memberships().filter(person=person))
        return directory.Person(
            ref=str(person.pk), name=person.name, mobile=person.mobile, seats=seats,
            photo_id=person.photo_id,
        )  # fmt: skip

    def deputies(self, site_id: int) -> list[directory.Person]:
        """The people with a current seat on ``site_id`` (``Membership.is_current`` in SQL)."""
        current = _current(Membership.objects.filter(site_id=site_id))
        people = (
            Person.objects.filter(pk__in=current.values("person_id"))
            .order_by("name_pinyin", "pk")
            .only("pk", "name", "photo_id")
        )
        seats = self.seats([str(p.pk) for p in people])
        return [
            directory.Person(ref=str(p.pk), name=p.name, mobile="",
                             seats=tuple(seats.get(str(p.pk), ())), photo_id=p.photo_id)
            for p in people
        ]  # fmt: skip

    def find(self, name: str, site_id: int | None = None) -> list[directory.Person]:
        """The people called ``name`` with a seat (past or current) on ``site_id``."""
        people = Person.objects.filter(name=name)
        if site_id is not None:
            people = people.filter(memberships__site_id=site_id)
        ids = sorted(set(people.values_list("pk", flat=True)))
        seats = self.seats([str(pk) for pk in ids])
        names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
        return [
            directory.Person(
                ref=str(pk), name=names[pk], mobile="", seats=tuple(seats.get(str(pk), ()))
            )
            for pk in ids
        ]

    def seats(self, refs: list[str]) -> dict[str, list[directory.Seat]]:
        ids = [int(r) for r in refs if r.isdigit()]
        result: dict[str, list[directory.Seat]] = defaultdict(list)
        for membership in _memberships().filter(person_id__in=ids):
            result[str(membership.person_id)].append(_seat(membership))
        return dict(result)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine), in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _station(row: LiaisonStation, distance: float | None = None) -> directory.Station:
    return directory.Station(
        ref=str(row.pk),
        name=row.name,
        kind=row.kind,
        address=row.address,
        site_id=row.site_id,
        division_code=row.division_code,
        latitude=float(row.latitude) if row.latitude is not None else None,
        longitude=float(row.longitude) if row.longitude is not None else None,
        deputies=tuple(str(p.pk) for p in row.deputies.all()),
        distance_km=round(distance, 2) if distance is not None else None,
    )


def _public_stations():
    return LiaisonStation.objects.filter(is_public=True).prefetch_related("deputies")


def _place_filter(code: str) -> Q | None:
    """Stations in a township (its code) or a county (its site, or its code)."""
    if len(code) == 9:
        return Q(division_code=code)
    try:
        profile = sites.get_site_profile(code)
    except sites.UnknownDivisionCode:
        return None
    return Q(site_id=profile.site_id) | Q(division_code=code)


def _current(memberships):
    today = timezone.localdate()
    return memberships.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).filter(
        Q(term__end_date__isnull=True) | Q(term__end_date__gte=today)
    )


class RegisterDirectory(_People):
    """The register's answers to ``cms.services.directory``: people, seats, stations, places."""

    def station(self, ref: str) -> directory.Station | None:
        if not ref.isdigit():
            return None
        row = _public_stations().filter(pk=int(ref)).first()
        return _station(row) if row is not None else None

    def stations(self, *, site_id=None, near=None, place_code=None, within_km=10.0):
        rows = _public_stations()
        if site_id is not None:
            rows = rows.filter(site_id=site_id)
        if place_code:
            where = _place_filter(str(place_code))
            if where is None:
                return []
            rows = rows.filter(where)
        if near is None:
            return [_station(r) for r in rows.order_by("division_code", "name", "pk")]
        point = (float(near[0]), float(near[1]))
        found = []
        for row in rows.filter(latitude__isnull=False, longitude__isnull=False):
            km = _distance_km(point, (float(row.latitude), float(row.longitude)))
            if km <= within_km:
                found.append((km, row.pk, row))
        return [_station(row, km) for km, _pk, row in sorted(found, key=lambda f: f[:2])]

    def receptions(self, date_from, date_to) -> list[directory.Reception]:
        rows = (
            Reception.objects.filter(
                date__gte=date_from, date__lte=date_to, station__is_public=True
            )
            .select_related("station")
            .prefetch_related("deputies", "station__deputies")
            .order_by("date", "start_time", "pk")
        )
        return [_reception(row) for row in rows]

    def congresses(self, site_ids: list[int]) -> list[directory.Congress]:
        """The sites' congresses with their terms (newest first), delegations and groups."""
        rows = list(Congress.objects.filter(site_id__in=site_ids).order_by("division_code"))
        terms = Term.objects.filter(congress__in=rows).order_by("congress_id", "-number")
        parts: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
        for kind, model in (("delegations", Delegation), ("groups", DeputyGroup)):
            for pk, term_id, name in (
                model.objects.filter(term__in=terms)
                .order_by("name", "pk")
                .values_list("pk", "term_id", "name")
            ):
                parts[(kind, term_id)].append((str(pk), name))
        today = timezone.localdate()
        by_congress: dict[int, list[directory.Term]] = defaultdict(list)
        for term in terms.select_related("congress"):
            by_congress[term.congress_id].append(
                directory.Term(
                    ref=str(term.pk),
                    name=str(term),
                    number=term.number,
                    start_date=term.start_date,
                    end_date=term.end_date,
                    current=term.start_date <= today
                    and (term.end_date is None or term.end_date >= today),
                    delegations=tuple(parts[("delegations", term.pk)]),
                    groups=tuple(parts[("groups", term.pk)]),
                )  # fmt: skip
            )
        return [
            directory.Congress(
                ref=str(c.pk),
                name=c.name,
                level=c.level,
                site_id=c.site_id,
                division_code=c.division_code,
                terms=tuple(by_congress[c.pk]),
            )  # fmt: skip
            for c in rows
        ]

    def group(self, ref: str) -> directory.DeputyGroup | None:
        if not ref.isdigit():
            return None
        row = _groups().filter(pk=int(ref)).first()
        return _group(row) if row is not None else None

    def groups(self, *, site_id: int) -> list[directory.DeputyGroup]:
        today = timezone.localdate()
        rows = (
            _groups()
            .filter(site_id=site_id)
            .filter(Q(term__end_date__isnull=True) | Q(term__end_date__gte=today))
        )
        return [_group(r) for r in rows.order_by("name", "pk")]

    def place_deputies(self, code: str) -> list[directory.Person]:
        where = _place_filter(code)
        if where is None:
            return []
        covering = Q(congress__division_code=code)
        stationed = LiaisonStation.objects.filter(where, is_public=True).values("deputies")
        covering |= Q(person_id__in=stationed)
        if len(code) == 9:
            try:
                township = sites.resolve_code(code).township
            except sites.UnknownDivisionCode:
                township = None
            name = township.title.removesuffix("人大") if township is not None else ""
            if name:
                covering |= Q(
                    congress__site_id=township_site(code), constituency__area__contains=name
                )
        people = (
            _current(Membership.objects.filter(covering))
            .values_list("person_id", "person__name")
            .distinct()
            .order_by("person__name_pinyin", "person_id")
        )
        ids = list(dict.fromkeys(people))
        seats = self.seats([str(pk) for pk, _name in ids])
        return [
            directory.Person(ref=str(pk), name=name, mobile="", seats=tuple(seats.get(str(pk), ())))
            for pk, name in ids
        ]


def _group(row: DeputyGroup) -> directory.DeputyGroup:
    station = row.station
    if station is not None and station.division_code:
        code = station.division_code
    else:
        code = row.term.congress.division_code
    return directory.DeputyGroup(
        ref=str(row.pk), name=row.name, site_id=row.site_id, division_code=code,
        station_ref=str(row.station_id or ""),
    )  # fmt: skip


def _groups():
    return DeputyGroup.objects.select_related("station", "term__congress")


def _reception(row: Reception) -> directory.Reception:
    people = list(row.deputies.all()) or list(row.station.deputies.all())
    return directory.Reception(
        ref=str(row.pk),
        station_ref=str(row.station_id),
        station_name=row.station.name,
        address=row.station.address,
        site_id=row.site_id,
        date=row.date,
        start_time=row.start_time,
        end_time=row.end_time,
        topic=row.topic,
        deputies=tuple((str(p.pk), p.name) for p in people),
    )


def township_site(code: str) -> int | None:
    try:
        return sites.resolve_code(code).profile.site_id
    except sites.UnknownDivisionCode:
        return None


def install() -> None:
    directory.register_backend(RegisterDirectory())
