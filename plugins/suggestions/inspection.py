"""The suggestions plugin backs ``cms.services.inspection_sources.SUGGESTIONS``: items under
handling whose reply clock ran out, for the site-group inspection (建议办理时限).

Under handling means assigned and not yet replied (办理中) or sent back for re-handling
(重新办理); overdue is what the item's newest clock says (``suggestion.reply``: 3 months
from the assignment, 6 with approval; ``suggestion.rehandling``), the numbers of the
site's level and the site itself.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cms.plugins import is_enabled
from cms.services import deadlines, inspection_sources

from .models import State, Suggestion
from .workflow import REHANDLING_RULE, REPLY_RULE

RULES = (REPLY_RULE, REHANDLING_RULE)
UNDER_HANDLING = (State.ASSIGNED, State.REHANDLING)
OVERDUE = (deadlines.DeadlineState.OVERDUE.value, deadlines.DeadlineState.LONG_OVERDUE.value)


class SuggestionsSource:
    def overdue(self, site, *, today: dt.date, since: dt.date) -> inspection_sources.Answer:
        if not is_enabled("suggestions", site):
            return inspection_sources.Answer(applicable=False, reason="本站未启用议案建议功能")
        handling = Suggestion.objects.filter(site=site, state__in=UNDER_HANDLING)
        states = deadlines.newest_states(Suggestion, handling, RULES)
        late = sorted(pk for pk, state in states.items() if state in OVERDUE)
        clocks = deadlines.clocks_of(Suggestion, late, RULES)
        found = tuple(
            inspection_sources.Overdue(
                ref=str(pk), label=f"议案建议第{pk}号", started_on=clocks[str(pk)].started_on,
                due_on=clocks[str(pk)].due_on, url=reverse("suggestions_office", args=[pk]),
            )
            for pk in late
        )  # fmt: skip
        return inspection_sources.Answer(
            applicable=True, denominator=handling.count(), overdue=found,
            counted="办理中的议案建议",
        )  # fmt: skip


def install() -> None:
    inspection_sources.register_backend(inspection_sources.SUGGESTIONS, SuggestionsSource())
