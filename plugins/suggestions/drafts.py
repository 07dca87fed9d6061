"""The suggestions plugin backs ``cms.services.suggestion_drafts``: a deputy's draft from
another plugin's record (a citizen's message)."""

from __future__ import annotations

from django.db import transaction

from cms.plugins import is_enabled
from cms.services import moderation, suggestion_drafts

from . import workflow
from .models import State, Suggestion, Transition


class SuggestionDrafts:
    def create_draft(self, *, site, user, title: str, text: str, source: str = "") -> str:
        site = getattr(site, "site", site)
        if not is_enabled("suggestions", site):
            raise suggestion_drafts.Unavailable("本站未启用议案建议功能,不能转为建议。")
        if not workflow.current_seat_codes(user, site.pk):
            raise suggestion_drafts.Unavailable("只有本级人大的在任代表可以提出建议。")
        account = getattr(user, "account", None)
        with transaction.atomic():
            draft = Suggestion.objects.create(
                site=site, title=title[:200], text=text, state=State.DRAFT, author=user,
                deputy_ref=workflow.deputy_ref(user),
                deputy_name=getattr(account, "display_name", "") or user.get_username(),
            )  # fmt: skip
            moderation.submit(draft, site=site, author=user)
            Transition.objects.create(
                suggestion=draft, actor=user, actor_name=draft.deputy_name, from_state="",
                to_state=State.DRAFT, note=f"代表起草(来自{source})" if source else "代表起草",
            )  # fmt: skip
        return str(draft.pk)


def install() -> None:
    suggestion_drafts.register_backend(SuggestionDrafts())
