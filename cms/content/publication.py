"""Publication checks (信息发布审查): the one list of reasons a page may not go live.

The workflow's automatic check step shows these problems to the editor, and
``LianxiPage.publish`` runs them again as a guard, so no path (admin button,
workflow, script, import) publishes a page that fails them. Other core apps
register checks with ``register_check``; the confidentiality check is built in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """One reason a page cannot be published, shown to editors as ``message``."""

    code: str
    message: str
    field: str | None = None


Check = Callable[[object], list[Problem]]
_checks: list[Check] = []


def register_check(check: Check) -> Check:
    """Add a publication check; usable as a decorator. Idempotent."""
    if check not in _checks:
        _checks.append(check)
    return check


class PublicationRefused(PermissionDenied):
    """Raised when a page that fails the publication checks is about to go live."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(";".join(p.message for p in problems))


def find_problems(page) -> list[Problem]:
    problems: list[Problem] = []
    for check in _checks:
        problems.extend(check(page))
    return problems


def check_publishable(page) -> None:
    problems = find_problems(page)
    if problems:
        raise PublicationRefused(problems)


@register_check
def confidentiality_check(page) -> list[Problem]:
    from cms.content.models import Confidentiality

    if getattr(page, "confidentiality", Confidentiality.PUBLIC) != Confidentiality.PUBLIC:
        return [
            Problem(
                code="not_public",
                message=_("该内容标记为“不公开”,不能发布。"),
                field="confidentiality",
            )
        ]
    return []
