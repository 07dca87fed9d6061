"""开通账号: deputies' accounts, opened from the register and closed when their seats end.

Staff open the accounts of their sites' sitting deputies in bulk (admin:
代表履职 → 代表账号, or ``manage.py open_deputy_accounts --site CODE``); a deputy
then logs in to the mini-program with an SMS code to the mobile number in the
register. When a seat ends (its end date is set, or passes) and the person
holds no other current seat, the account is closed and its devices logged
out: on save of the seat, and by the daily sweep ``deputies.close_accounts``.
The work is the core's (``cms.services.accounts``); this module only decides
who.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from cms.services import accounts
from cms.services.tasks import task

from .models import Membership


def current_memberships(site_ids):
    today = timezone.localdate()
    return (
        Membership.objects.filter(site_id__in=site_ids)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(Q(term__end_date__isnull=True) | Q(term__end_date__gte=today))
    )


@dataclass
class OpenReport:
    counts: Counter = field(default_factory=Counter)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)


def open_accounts(site_ids) -> OpenReport:
    """Open (or reopen) the account of every sitting deputy of these sites."""
    report = OpenReport()
    people = (
        current_memberships(site_ids).order_by("person__name_pinyin", "person_id")
        .values_list("person_id", "person__name").distinct()
    )  # fmt: skip
    for person_id, name in people:
        try:
            _user, created = accounts.open_deputy_account(str(person_id))
        except accounts.AccountError as exc:
            report.counts["refused"] += 1
            report.problems.append((name, exc.message))
            continue
        report.counts["created" if created else "kept"] += 1
    return report


@task()
def close_ended_accounts() -> int:
    """The daily sweep: close the accounts of people with no current seat left."""
    refs = accounts.open_deputy_refs()
    return sum(accounts.close_deputy_account(ref) for ref in refs)


def on_membership_saved(sender, instance, raw=False, **kwargs) -> None:
    """A seat saved with an end date: close the account if no seat is left."""
    if not raw and not instance.is_current:
        accounts.close_deputy_account(str(instance.person_id))


def on_membership_deleted(sender, instance, **kwargs) -> None:
    accounts.close_deputy_account(str(instance.person_id))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from cms.services import schedule

    post_save.connect(on_membership_saved, sender=Membership, dispatch_uid="deputies_account_seat")
    post_delete.connect(
        on_membership_deleted, sender=Membership, dispatch_uid="deputies_account_seat_del"
    )
    schedule.register_sweep("deputies.close_accounts", close_ended_accounts, every="daily at 00:30")
