"""Publication of an answered message: only with the citizen's consent, after the office's
redaction step.

The office proposes the public texts with ``cms.services.redaction`` (contact
details, ID and long numbers, house numbers removed), edits them (names of
private persons by hand) and confirms; a confirmed text may hold no contact
detail. Published, the public reads the date received, the date answered, who
answered, the answer and the redacted question (``api/public.py``, the site
search): never the citizen's name, mobile number or account.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cms.services import accounts, apicache, audit, redaction

from .messages import MoveRefused
from .models import Message, MessagePublication, MessageState

KIND = "liaison.message"  # the search documents' type
PUBLISHABLE = (MessageState.ANSWERED, MessageState.CLOSED)
FIELD_LABELS = {"title": "公开标题", "text": "公开留言内容", "answer": "公开答复内容"}


def can_publish(message: Message) -> bool:
    return bool(
        message.consent_publish and message.state in PUBLISHABLE and message.answered_at
        and message.moderation_status == "approved"
    )  # fmt: skip


def proposal(message: Message) -> dict[str, str]:
    """The redacted texts the office starts from."""
    return {
        "title": redaction.redact(message.title),
        "text": redaction.redact(message.text),
        "answer": redaction.redact(message.answer),
    }


def _changed(message: Message) -> None:
    profile = getattr(message.site, "profile", None)
    if profile is not None:
        apicache.invalidate_sites(profile.division_code)
    from search.registry import get_provider, sync

    if get_provider(KIND) is not None:
        sync(KIND, [message.pk])


def confirm(message: Message, user, *, title: str, text: str, answer: str) -> MessagePublication:
    """The office confirms the public texts: none empty, no contact detail left (the
    citizen's own mobile number however spaced), no word of the site's lists."""
    if not can_publish(message):
        raise MoveRefused("只有留言人同意公开、已答复的留言才能公开。")
    texts = {"title": title.strip(), "text": text.strip(), "answer": answer.strip()}
    errors = check_texts(message, texts)
    if errors:
        raise MoveRefused(errors)
    with transaction.atomic():
        row, _created = MessagePublication.objects.update_or_create(
            message=message,
            defaults={**texts, "confirmed_by": user, "confirmed_at": timezone.now()},
        )
        _changed(message)
    return row


def check_texts(message: Message, texts: dict[str, str]) -> dict[str, str]:
    """Field → why the text cannot be published (``redaction.public_text_problems``)."""
    return redaction.public_text_problems(texts, FIELD_LABELS, site=message.site_id,
                                          known=accounts.own_numbers(message.author))  # fmt: skip


def publish(message: Message, user) -> MessagePublication:
    if not can_publish(message):
        raise MoveRefused("只有留言人同意公开、已答复的留言才能公开。")
    row = MessagePublication.objects.filter(message=message, confirmed_at__isnull=False).first()
    if row is None:
        raise MoveRefused("请先确认公开文本(去除个人信息和联系方式)。")
    # The site's word lists may have grown since the confirmation: checked again.
    errors = check_texts(message, {"title": row.title, "text": row.text, "answer": row.answer})
    if errors:
        raise MoveRefused(errors)
    with transaction.atomic():
        row.published_at = timezone.now()
        row.save(update_fields=["published_at"])
        audit.audit(message, "liaison.message.published", user=user, data={"published": True})
        _changed(message)
    return row


def unpublish(message: Message, user) -> None:
    with transaction.atomic():
        if MessagePublication.objects.filter(message=message, published_at__isnull=False).update(
            published_at=None
        ):
            audit.audit(message, "liaison.message.published", user=user,
                        data={"published": False})  # fmt: skip
            _changed(message)


def published():
    """The messages the public may read, with their public texts."""
    return Message.objects.filter(
        publication__published_at__isnull=False, consent_publish=True,
        moderation_status="approved", state__in=PUBLISHABLE,
    ).select_related("publication", "site__profile")  # fmt: skip
