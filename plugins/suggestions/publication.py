"""Publication of a replied suggestion: the redaction step, publishing, unpublishing.

After the lead unit's reply the clock ``suggestion.publication`` (20 working
days by default, 设置 → 法定时限) starts; the office's staff get its reminders
through the core deadlines service. The office's publication step proposes
the public texts (``redaction.redact``), staff edit and confirm them
(``confirm``: who and when recorded), then publish (``publish``: the clock
stops), one by one or every confirmed reply of a session at once
(``publish_session``); ``unpublish`` takes an item back with a reason. Each
of these is a line of the suggestion's append-only history and of the core
audit log; each forgets the site's cached API answers and re-indexes the
item for the site search (published items only, with the confirmed texts).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from cms.services import apicache, audit, deadlines, directory, notifications, redaction

from .models import Publication, State, Suggestion, Transition
from .workflow import MoveRefused, _name, _notify_deputies

RULE = "suggestion.publication"
KIND = "suggestions.suggestion"  # the search documents' type

ACTIONS = {
    "suggestions.redaction_confirmed": "确认议案建议公开文本",
    "suggestions.published": "公开议案建议及答复",
    "suggestions.unpublished": "撤销公开议案建议",
}
#: States in which a suggestion has a reply the public may see.
REPLIED_STATES = (State.REPLIED, State.REHANDLING, State.RATED, State.CLOSED)


def connect() -> None:
    """Audit actions, the clock's reminder recipients, the clock's start at each reply."""
    for action, label in ACTIONS.items():
        audit.register_action(action, label)
    notifications.register_kind("suggestions.published", "议案建议及答复已公开")
    deadlines.register_reminder_recipients(RULE, office_staff)
    post_save.connect(_on_transition, sender=Transition, dispatch_uid="suggestions.publication")


def office_staff(clock) -> list:
    """Who is reminded to publish: the office (the editors) of the suggestion's site."""
    suggestion = clock.target
    profile = getattr(getattr(suggestion, "site", None), "profile", None)
    group = getattr(profile, "editors_group", None)
    return list(group.user_set.filter(is_active=True)) if group is not None else []


def _on_transition(sender, instance, created, raw=False, **kwargs):
    """A reply (first or after re-handling) starts the publication clock; not a past
    session's reply brought in by the import (its history replays the workflow's moves)."""
    if raw or not created or instance.to_state != State.REPLIED:
        return
    if instance.from_state == State.REPLIED:
        return
    suggestion = instance.suggestion
    if suggestion.imported:
        return
    deadlines.start(suggestion, RULE, suggestion.site, start=timezone.localdate())


def clock_of(suggestion: Suggestion):
    """The newest publication clock of ``suggestion`` (running or stopped), or ``None``."""
    from django.contrib.contenttypes.models import ContentType

    return (
        deadlines.Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Suggestion),
            object_id=str(suggestion.pk), rule=RULE,
        ).order_by("-started_at", "-pk").first()
    )  # fmt: skip


def clocks_of(suggestions) -> dict:
    """Suggestion id → its newest publication clock, in one query."""
    from django.contrib.contenttypes.models import ContentType

    ids = [str(s.pk) for s in suggestions]
    found = deadlines.Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Suggestion), object_id__in=ids, rule=RULE
    ).order_by("started_at", "pk")
    return {int(clock.object_id): clock for clock in found}  # the newest wins


# --- the proposal -----------------------------------------------------------------


def known_contacts(suggestion: Suggestion) -> tuple[str, ...]:
    """The mobile numbers of the deputies concerned (the register's, never published)."""
    refs = [suggestion.deputy_ref, *(c.deputy_ref for c in suggestion.cosigners.all())]
    numbers = []
    for ref in refs:
        person = directory.person(ref) if ref else None
        if person is not None and person.mobile:
            numbers.append(person.mobile)
    return tuple(numbers)


def can_publish(suggestion: Suggestion) -> bool:
    return (
        suggestion.state in REPLIED_STATES
        and suggestion.replied_at is not None
        and suggestion.moderation_status == "approved"
    )


def publication_of(suggestion: Suggestion) -> Publication | None:
    try:
        return suggestion.publication
    except Publication.DoesNotExist:
        return None


def is_confirmed(suggestion: Suggestion) -> bool:
    """The office confirmed the public texts of the current reply."""
    row = publication_of(suggestion)
    return bool(row and row.confirmed_at and row.round == suggestion.round)


def proposal(suggestion: Suggestion) -> dict[str, str]:
    """The texts to show the office: the confirmed ones of this reply, else the redacted originals."""
    row = publication_of(suggestion)
    if row is not None and row.confirmed_at and row.round == suggestion.round:
        return {"title": row.title, "text": row.text, "reply_text": row.reply_text}
    known = known_contacts(suggestion)
    return {
        "title": redaction.redact(suggestion.title, known),
        "text": redaction.redact(suggestion.text, known),
        "reply_text": redaction.redact(suggestion.reply_text, known),
    }


FIELD_LABELS = {"title": "公开标题", "text": "公开内容", "reply_text": "公开答复内容"}


def check_texts(suggestion: Suggestion, texts: dict[str, str]) -> dict[str, str]:
    """Field → why it cannot be published (contact details left, sensitive words, empty)."""
    return redaction.public_text_problems(texts, FIELD_LABELS, site=suggestion.site,
                                          known=known_contacts(suggestion))  # fmt: skip


# --- the moves -----------------------------------------------------------------------


def _note(suggestion: Suggestion, user, note: str) -> None:
    Transition.objects.create(
        suggestion=suggestion, actor=user if getattr(user, "pk", None) else None,
        actor_name=_name(user), from_state=suggestion.state, to_state=suggestion.state, note=note,
    )  # fmt: skip


def _changed(suggestion: Suggestion) -> None:
    """The site's cached API answers and the item's search document follow the change."""
    profile = getattr(suggestion.site, "profile", None)
    if profile is not None:
        apicache.invalidate_sites(profile.division_code)
    from search.registry import get_provider, sync

    if get_provider(KIND) is not None:
        sync(KIND, [suggestion.pk])  # in the same transaction, as the registry's own receivers


def confirm(suggestion: Suggestion, user, *, title: str, text: str, reply_text: str) -> Publication:
    """The office confirms the public texts of the current reply (checked: no contact left)."""
    if not can_publish(suggestion):
        raise MoveRefused("只有已答复的议案建议才能公开。")
    texts = {"title": title.strip(), "text": text.strip(), "reply_text": reply_text.strip()}
    problems = check_texts(suggestion, texts)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        row = publication_of(suggestion) or Publication(suggestion=suggestion)
        row.round = suggestion.round
        row.title, row.text, row.reply_text = texts["title"], texts["text"], texts["reply_text"]
        row.reply_class, row.replied_at = suggestion.reply_class, suggestion.replied_at
        row.confirmed_by = user if getattr(user, "pk", None) else None
        row.confirmed_by_name, row.confirmed_at = _name(user), timezone.now()
        row.save()
        suggestion.publication = row
        note = f"确认公开文本(第{row.round}次答复,已去除联系方式和秘密)"
        if row.is_published:
            note += ",公开的文本随之更新"
        _note(suggestion, user, note)
        audit.audit(suggestion, "suggestions.redaction_confirmed", user=user,
                    data={"round": row.round})  # fmt: skip
        if row.is_published:
            _changed(suggestion)
    return row


def publish(suggestion: Suggestion, user, note: str = "") -> Publication:
    """Publish the confirmed texts; the publication clock stops."""
    if not can_publish(suggestion):
        raise MoveRefused("只有已答复的议案建议才能公开。")
    if not is_confirmed(suggestion):
        raise MoveRefused("请先确认本次答复的公开文本(去除联系方式和秘密)。")
    row = suggestion.publication
    if row.is_published:
        raise MoveRefused("这件议案建议已经公开。")
    with transaction.atomic():
        row.published_at, row.published_by = (
            timezone.now(),
            user if getattr(user, "pk", None) else None,
        )
        row.unpublished_at, row.unpublish_reason = None, ""
        row.save()
        clock = deadlines.running_clock(suggestion, RULE)
        if clock is not None:
            deadlines.stop(clock)
        _note(suggestion, user, note or f"公开议案建议及第{row.round}次答复")
        audit.audit(suggestion, "suggestions.published", user=user, data={"round": row.round})
        _changed(suggestion)
        _notify_deputies(suggestion, "suggestions.published", "议案建议及答复已公开",
                         f"您提出的“{suggestion.title}”及其答复已在网站公开(已去除联系方式)。")  # fmt: skip
    return row


def unpublish(suggestion: Suggestion, user, reason: str) -> Publication:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写撤销公开的理由。"})
    row = publication_of(suggestion)
    if row is None or not row.is_published:
        raise MoveRefused("这件议案建议没有公开。")
    with transaction.atomic():
        row.published_at, row.unpublished_at, row.unpublish_reason = None, timezone.now(), reason
        row.save()
        _note(suggestion, user, f"撤销公开:{reason}")
        audit.audit(suggestion, "suggestions.unpublished", user=user, data={"reason": reason})
        _changed(suggestion)
    return row


def session_candidates(site_id: int, session: str):
    """The site's suggestions of ``session`` with a reply (whatever their publication)."""
    return (
        Suggestion.objects.filter(site_id=site_id, session=session, state__in=REPLIED_STATES,
                                  replied_at__isnull=False, moderation_status="approved")
        .select_related("site__profile", "publication")
        .prefetch_related("cosigners")
        .order_by("pk")
    )  # fmt: skip


def publish_session(site_id: int, session: str, user) -> dict[str, int]:
    """Publish every confirmed, unpublished reply of ``session`` on the site, in one action.

    Returns ``{"published": n, "already": n, "unconfirmed": n, "withdrawn": n}``:
    items whose current reply is not confirmed yet are left for the office's
    redaction step, and items the office unpublished stay unpublished."""
    if not session.strip():
        raise ValidationError({"session": "请选择届次会议。"})
    counts = {"published": 0, "already": 0, "unconfirmed": 0, "withdrawn": 0}
    with transaction.atomic():
        for suggestion in session_candidates(site_id, session):
            row = publication_of(suggestion)
            if not is_confirmed(suggestion):
                counts["unconfirmed"] += 1
            elif row.is_published:
                counts["already"] += 1
            elif row.unpublished_at:
                counts["withdrawn"] += 1
            else:
                publish(suggestion, user, f"随“{session}”的答复一并公开")
                counts["published"] += 1
    return counts
