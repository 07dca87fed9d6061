"""Who is a deputy: the directory the accounts ask, backed by the deputies plugin.

The deputies register belongs to a plugin; the core does not import it. The
plugin registers a backend here when it starts (as it does for
``cms.services.performance``), and the core and other plugins ask::

    from cms.services import directory

    for seat in directory.seats_of(user):        # [] for someone who is no deputy
        seat.site_id, seat.level, seat.congress, seat.current

A person's directory reference (``ref``) is the backend's id of the person
(the id the deputies API gives); an account carries it in
``Account.directory_ref``.

Liaison stations and places, for plugins that route people to deputies::

    directory.station("12")                       # Station (its deputies' refs) or None
    directory.stations(site_id=3, near=(31.7, 117.2), place_code="340123100")
    directory.place_deputies("340123100")     # [Person] whose seat covers the place
    directory.group("7")                          # DeputyGroup (代表小组) or None
    directory.groups(site_id=3)                   # the site's deputy groups (current terms)

A seat names its congress, term, delegation and deputy group by the backend's
ids (``congress_ref``, ``term_ref``, ``delegation_ref``, ``group_ref``; "" when
it has none), so that audiences (``cms.services.audience``) can say "the
deputies of this term" or "of this delegation". ``congresses(site_ids)`` lists
the congresses of some sites with their terms, delegations and groups, for the
forms that compose such an audience.

A station's reference is the backend's id of the station. Only public
stations are given; people found by place carry no mobile number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "Person",
    "Seat",
    "Reception",
    "DeputyGroup",
    "Station",
    "Congress",
    "Term",
    "congresses",
    "deputies",
    "place_deputies",
    "receptions",
    "find",
    "group",
    "groups",
    "is_available",
    "person",
    "register_backend",
    "seats",
    "seats_of",
    "station",
    "stations",
]


@dataclass(frozen=True)
class Seat:
    """One seat of a deputy in one congress (a membership)."""

    site_id: int  # the wagtail Site whose congress it is
    division_code: str
    level: str
    congress: str  # e.g. 合肥市第十七届人民代表大会
    start_date: datetime.date | None
    end_date: datetime.date | None
    current: bool
    # The backend's ids of the seat's congress, term, delegation (代表团) and deputy group
    # (代表小组); "" for none, or a backend that does not give them.
    congress_ref: str = ""
    term_ref: str = ""
    delegation_ref: str = ""
    group_ref: str = ""


@dataclass(frozen=True)
class Term:
    """A term (届) of a congress, with its delegations and deputy groups as (ref, name)."""

    ref: str
    name: str  # e.g. 肥西县第十八届人民代表大会
    number: int
    start_date: datetime.date | None
    end_date: datetime.date | None
    current: bool
    delegations: tuple[tuple[str, str], ...] = ()
    groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Congress:
    """A people's congress of one level and division, with its terms (newest first)."""

    ref: str
    name: str
    level: str
    site_id: int
    division_code: str
    terms: tuple[Term, ...] = ()


@dataclass(frozen=True)
class Person:
    ref: str
    name: str
    mobile: str  # private: for opening an account and SMS only; never serialised
    seats: tuple[Seat, ...]
    photo_id: int | None = None  # a wagtail image's id (the public profile photo), if any

    @property
    def current_seats(self) -> tuple[Seat, ...]:
        return tuple(s for s in self.seats if s.current)


@dataclass(frozen=True)
class Station:
    """A public liaison station (代表联络站, 活动室, 代表之家) and the deputies stationed there."""

    ref: str
    name: str
    kind: str
    address: str
    site_id: int
    division_code: str  # the place it is in (a township's nine digits, or a site's six)
    latitude: float | None
    longitude: float | None
    deputies: tuple[str, ...]  # refs of the deputies stationed there
    distance_km: float | None = None  # from the point asked for (``stations(near=...)``)


@dataclass(frozen=True)
class Reception:
    """A scheduled reception day (接待日) at a public station: who receives, when."""

    ref: str
    station_ref: str
    station_name: str
    address: str
    site_id: int
    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    topic: str
    deputies: tuple[tuple[str, str], ...]  # (ref, name) of who receives (else the station's)


@dataclass(frozen=True)
class DeputyGroup:
    """A deputy group (代表小组) of one term, and the place it works in."""

    ref: str
    name: str
    site_id: int
    division_code: str  # its station's place (a township's nine digits), else its site's six
    station_ref: str  # "" when it has no station


class Backend(Protocol):
    def person(self, ref: str) -> Person | None: ...

    def seats(self, refs: list[str]) -> dict[str, list[Seat]]: ...


_backend: Backend | None = None


def register_backend(backend: Backend | None) -> None:
    """Called by the plugin that keeps the deputies register, in its ``ready()``."""
    global _backend
    _backend = backend


def is_available() -> bool:
    return _backend is not None


def person(ref: str) -> Person | None:
    return _backend.person(str(ref)) if _backend else None


def find(name: str, site_id: int | None = None) -> list[Person]:
    """The people called ``name`` (exactly) who hold or held a seat on ``site_id``'s congress
    (any site when ``None``): for imports that name deputies as offices write them.
    [] when the backend cannot search by name."""
    lookup = getattr(_backend, "find", None)
    if lookup is None or not name:
        return []
    return list(lookup(name, site_id))


def deputies(site_id: int) -> list[Person]:
    """The people with a current seat on ``site_id``'s congress, by name (without mobile
    numbers); [] when the backend cannot list them."""
    lookup = getattr(_backend, "deputies", None)
    return list(lookup(site_id)) if lookup is not None else []


def seats(refs: list[str]) -> dict[str, list[Seat]]:
    """Seats for several people at once (one query in the backend)."""
    if not _backend or not refs:
        return {}
    return _backend.seats([str(r) for r in refs])


def seats_of(user) -> list[Seat]:
    """The seats of the deputy behind ``user`` (past ones too); [] for anyone else."""
    account = getattr(user, "account", None) if getattr(user, "pk", None) else None
    ref = getattr(account, "directory_ref", None)
    if not ref:
        return []
    return seats([ref]).get(ref, [])


#: How far ``stations(near=...)`` looks, in kilometres.
NEAR_KM = 10.0


def station(ref: str) -> Station | None:
    """The public station ``ref``, or ``None`` (unknown, not public, or no backend)."""
    lookup = getattr(_backend, "station", None)
    if lookup is None or not ref:
        return None
    return lookup(str(ref))


def stations(
    *,
    site_id: int | None = None,
    near: tuple[float, float] | None = None,
    place_code: str | None = None,
    within_km: float = NEAR_KM,
) -> list[Station]:
    """Public stations: of one site, within ``within_km`` of ``near`` (nearest first, with
    ``distance_km``), in a place (a township's or a site's code); the filters combine.
    [] without a backend."""
    lookup = getattr(_backend, "stations", None)
    if lookup is None:
        return []
    return list(lookup(site_id=site_id, near=near, place_code=place_code, within_km=within_km))


def place_deputies(code: str) -> list[Person]:
    """The current deputies whose constituency or station covers a township (nine digits)
    or a county (six): deputies of that place's congress, deputies stationed at a public
    station there, and for a township the county deputies elected in a constituency whose
    area names it. Without mobile numbers. [] without a backend or for an unknown code."""
    lookup = getattr(_backend, "place_deputies", None)
    if lookup is None or not code:
        return []
    return list(lookup(str(code).strip()))


def receptions(date_from: datetime.date, date_to: datetime.date) -> list[Reception]:
    """The reception days at public stations from ``date_from`` to ``date_to`` (inclusive),
    by date. [] without a backend."""
    lookup = getattr(_backend, "receptions", None)
    if lookup is None:
        return []
    return list(lookup(date_from, date_to))


def group(ref: str) -> DeputyGroup | None:
    """The deputy group ``ref``, or ``None`` (unknown, or no backend)."""
    lookup = getattr(_backend, "group", None)
    if lookup is None or not ref:
        return None
    return lookup(str(ref))


def congresses(site_ids) -> list[Congress]:
    """The congresses kept on these sites (a county's site keeps its townships' too), by
    division code, each with its terms, delegations and deputy groups. [] without a
    backend or when it cannot list them."""
    lookup = getattr(_backend, "congresses", None)
    if lookup is None:
        return []
    return list(lookup([int(s) for s in site_ids]))


def groups(*, site_id: int) -> list[DeputyGroup]:
    """The deputy groups of the current terms of ``site_id``'s congress, by name.
    [] without a backend."""
    lookup = getattr(_backend, "groups", None)
    if lookup is None:
        return []
    return list(lookup(site_id=site_id))
