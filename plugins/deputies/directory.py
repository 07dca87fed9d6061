"""The deputies register backs the core's directory (``cms.services.directory``).

The accounts ask it whether a user is a deputy, with which seats on which
sites; a person's reference is their id in the register (the id the deputies
API gives).
"""

from __future__ import annotations

from collections import defaultdict

from cms.services import directory

from .models import Membership, Person


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
    )


def _memberships():
    return Membership.objects.select_related(
        "site__profile", "congress", "term__congress"
    ).order_by("start_date", "pk")


class RegisterDirectory:
    def person(self, ref: str) -> directory.Person | None:
        if not ref.isdigit():
            return None
        person = Person.objects.filter(pk=int(ref)).first()
        if person is None:
            return None
        seats = tuple(_seat(m) for m in _memberships().filter(person=person))
        return directory.Person(
            ref=str(person.pk), name=person.name, mobile=person.mobile, seats=seats
        )

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


def install() -> None:
    directory.register_backend(RegisterDirectory())
