"""The performance record's backend for ``cms.services.performance``.

``summary`` is also what the public deputy detail shows: per seat, the
number of entries of each kind, training hours and session attendance.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

from cms.services import performance as service

from .models import Membership, PerformanceEntry, PerformanceKind, Person


def seat_for(deputy_id: int, date, division_code: str | None) -> Membership:
    if not Person.objects.filter(pk=deputy_id).exists():
        raise service.PerformanceRecordError(f"No deputy with id {deputy_id}.")
    seats = (
        Membership.objects.filter(person_id=deputy_id, start_date__lte=date)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=date))
        .filter(Q(term__end_date__isnull=True) | Q(term__end_date__gte=date))
        .select_related("congress")
        .order_by("congress__division_code")
    )
    if division_code:
        seats = seats.filter(congress__division_code=division_code)
    seat = seats.first()
    if seat is None:
        where = f" in congress {division_code}" if division_code else ""
        raise service.PerformanceRecordError(
            f"Deputy {deputy_id} held no seat{where} on {date:%Y-%m-%d}."
        )
    return seat


def summarise(memberships) -> dict[int, dict]:
    """Membership id → {kind: count, training_hours, sessions_attended, sessions_total}."""
    ids = [m.pk for m in memberships]
    result: dict[int, dict] = {
        pk: {"counts": {k: 0 for k in PerformanceKind.values}, "training_hours": Decimal(0),
             "sessions_attended": 0, "sessions_total": 0}
        for pk in ids
    }  # fmt: skip
    rows = (
        PerformanceEntry.objects.filter(membership_id__in=ids)
        .values("membership_id", "kind")
        .annotate(
            n=Count("pk"),
            total=Sum("quantity"),
            attended=Count("pk", filter=Q(quantity__gt=0)),
        )
        .order_by()
    )
    for row in rows:
        entry = result[row["membership_id"]]
        entry["counts"][row["kind"]] = row["n"]
        if row["kind"] == PerformanceKind.TRAINING:
            entry["training_hours"] = row["total"] or Decimal(0)
        elif row["kind"] == PerformanceKind.SESSION:
            entry["sessions_total"] = row["n"]
            entry["sessions_attended"] = row["attended"]
            entry["counts"][row["kind"]] = row["attended"]
    return result


class Backend:
    @transaction.atomic
    def add_entry(self, *, deputy_id, kind, date, title, source, source_ref, quantity,
                  division_code, url) -> int:  # fmt: skip
        seat = seat_for(deputy_id, date, division_code)
        entry, _ = PerformanceEntry.objects.update_or_create(
            source=source,
            source_ref=source_ref,
            defaults={"membership": seat, "kind": kind, "date": date, "title": title[:200],
                      "quantity": quantity, "url": url},
        )  # fmt: skip
        return entry.pk

    def remove_entry(self, *, source, source_ref) -> bool:
        deleted, _ = PerformanceEntry.objects.filter(source=source, source_ref=source_ref).delete()
        return bool(deleted)

    def summary(self, deputy_id, division_code):
        seats = Membership.objects.filter(person_id=deputy_id).select_related("term__congress")
        if division_code:
            seats = seats.filter(congress__division_code=division_code)
        seats = list(seats)
        sums = summarise(seats)
        return [
            {
                "congress": seat.term.congress.name,
                "division_code": seat.term.congress.division_code,
                "term": seat.term.number,
                **sums[seat.pk],
            }
            for seat in seats
        ]


def install() -> None:
    service.register_backend(Backend())
