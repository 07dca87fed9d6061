"""Deputies with accounts and tokens, for the tests of plugins whose records have an
audience (resources, training): seated through the deputies plugin's register, which the
core's audience service reads through ``cms.services.directory``."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from cms.services import accounts
from plugins.deputies import models as m
from tests.plugins.deputies.conftest import valid_id_number

_seeds = itertools.count(700)  # identity numbers: unique in the process


@dataclass
class Deputy:
    person: m.Person
    user: object
    auth: dict[str, str]

    @property
    def ref(self) -> str:
        return str(self.person.pk)


def term_of(code: str) -> m.Term:
    congress = m.Congress.objects.get(division_code=code)
    return congress.terms.order_by("-number").first() or m.Term.objects.create(
        congress=congress, number=1, start_date=datetime.date(2022, 1, 1)
    )


def make_deputy(name: str, mobile: str, *codes: str, ended: tuple[str, ...] = (),
                delegation=None, group=None) -> Deputy:  # fmt: skip
    """A deputy seated in the congresses of ``codes`` (current), and of ``ended`` (a seat
    that ended last year), with an open account and a bearer token."""
    person = None
    for code in (*codes, *ended):
        term = term_of(code)
        if person is None:
            person = m.Person(site_id=term.congress.site_id, name=name, gender="male")
            person.id_number = valid_id_number(next(_seeds))
            person.mobile = mobile
            person.save()
        direct = term.congress.level in m.DIRECT_LEVELS
        m.Membership.objects.create(
            person=person, congress=term.congress, term=term, start_date=term.start_date,
            election=m.Election.DIRECT if direct else m.Election.INDIRECT,
            end_date=datetime.date.today() - datetime.timedelta(days=365) if code in ended else None,
            end_reason=m.EndReason.MOVED_AWAY if code in ended else "",
            delegation=delegation if code in codes else None,
            deputy_group=group if code in codes else None,
        )  # fmt: skip
    user, _ = accounts.open_deputy_account(str(person.pk))
    tokens = accounts.issue_tokens(user, device_id=f"test-{mobile}")
    return Deputy(person, user, bearer(tokens))


def bearer(tokens) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"}


def staff_auth(user) -> dict[str, str]:
    """A staff account used from the mini-program: an access token of its own."""
    return bearer(accounts.issue_tokens(user, device_id=f"test-staff-{user.pk}"))
