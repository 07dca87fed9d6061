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
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "Person",
    "Seat",
    "find",
    "is_available",
    "person",
    "register_backend",
    "seats",
    "seats_of",
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


@dataclass(frozen=True)
class Person:
    ref: str
    name: str
    mobile: str  # private: for opening an account and SMS only; never serialised
    seats: tuple[Seat, ...]

    @property
    def current_seats(self) -> tuple[Seat, ...]:
        return tuple(s for s in self.seats if s.current)


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
