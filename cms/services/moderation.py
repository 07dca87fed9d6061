"""Moderation of what users submit: the one place that screens, holds and decides.

A plugin's user-submitted model subclasses ``cms.moderation.models.Moderated``
and names its ``moderated_fields``; its API view calls :func:`submit` after
saving the record::

    from cms.services import moderation

    record = Message.objects.create(site=site, author=user, subject=..., body=...)
    moderation.submit(record, site=site, author=user)   # screened: approved or held
    record.moderation_status                            # "approved" or "pending"

A text that hits one of the site's **sensitive** words is held: the record
stays ``pending`` (never published), and a :class:`ModerationItem` waits in
the site's queue (admin: 审核 → 待审核内容) where staff approve it, reject it
with a reason the author sees, or edit it (the original is kept) and approve.
Misspellings alone never hold a citizen's text. An image a person must look at (a
group chat's QR code: where does it lead?) is held too: the model lists its upload
fields in ``moderated_images`` and the caller passes ``images=`` the names of those
whose file is new; the queue shows the image beside the texts, and a later save that
leaves that image as it is keeps the record held. Every decision is in the
audit log, and the plugin hears of it through the ``moderation_decided``
signal (``sender`` is the record's model) to publish, notify or index.
Nothing is ever dropped silently.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from . import sensitive
from .audit import audit

__all__ = [
    "ModerationError",
    "approve",
    "edit_and_approve",
    "moderation_decided",
    "reject",
    "submit",
]

#: Sent after a decision: ``sender`` the record's model, ``record``, ``item``, ``status``.
moderation_decided = Signal()


class ModerationError(ValueError):
    """A decision that cannot be made (already decided, empty reason...), in Chinese."""


def _models():
    from cms.moderation import models

    return models


def screen(record, site=None) -> list[dict]:
    """The sensitive words in the record's ``moderated_fields``, each with its field."""
    scan = sensitive.scanner(site)
    found = []
    for name in type(record).moderated_fields:
        text = sensitive.field_text(record, name)
        for hit in scan(text) if text else []:
            if hit.kind == "sensitive":
                found.append(
                    {
                        "field": name,
                        "word": hit.word,
                        "kind": hit.kind,
                        "replacement": hit.replacement,
                    }
                )
    return found


IMAGE_HIT = "image"


def _image_hits(record, images) -> list[dict]:
    """A held image of ``record``: one new now (``images``), or one still waiting for a
    person's look in the record's pending queue item (the same file)."""
    declared = getattr(type(record), "moderated_images", ())
    if not declared:
        return []  # no image fields: nothing to hold, and no queue item to look into
    models = _models()
    names = [n for n in declared if n in set(images)]
    pending = models.ModerationItem.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk),
        status=models.Status.PENDING,
    ).first()  # fmt: skip
    for hit in pending.hits if pending is not None else []:
        name = hit.get("field")
        if (hit.get("kind") == IMAGE_HIT and name not in names
                and hit.get("file") == getattr(record, f"{name}_id", None)):  # fmt: skip
            names.append(name)
    return [
        {"field": name, "word": "新图片", "kind": IMAGE_HIT, "replacement": "",
         "file": getattr(record, f"{name}_id", None)}
        for name in names
        if getattr(record, f"{name}_id", None) is not None
    ]  # fmt: skip


@transaction.atomic(savepoint=False)  # all or nothing with the caller's transaction
def submit(record, *, site, author=None, images=()) -> str:
    """Screen a saved record: ``approved`` when clean, else ``pending`` with a queue item.

    ``images``: names of the record's ``moderated_images`` whose file is new; each is held
    for a person's look (as is one still waiting from an earlier save).
    ``record`` is as it was saved: its status is written only when it changes."""
    models = _models()
    site = getattr(site, "site", site)
    hits = screen(record, site) + _image_hits(record, images)
    status = models.Status.PENDING if hits else models.Status.APPROVED
    if (record.moderation_status, record.moderation_reason) != (status, ""):
        type(record).objects.filter(pk=record.pk).update(
            moderation_status=status, moderation_reason=""
        )
        record.moderation_status, record.moderation_reason = status, ""
    if hits:
        models.ModerationItem.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=str(record.pk),
            defaults={
                "site": site,
                "author": author if getattr(author, "is_authenticated", False) else None,
                "status": models.Status.PENDING,
                "hits": hits,
                "original": {name: getattr(record, name) for name in type(record).moderated_fields},
                "edited": {},
                "reason": "",
                "created_at": timezone.now(),
            },
        )
    return status


def _decide(item, user, status, *, reason: str = "", edited: dict | None = None):
    models = _models()
    with transaction.atomic():
        item = models.ModerationItem.objects.select_for_update().get(pk=item.pk)
        if item.status != models.Status.PENDING:
            raise ModerationError("这条内容已经审核过了。")
        record = item.record
        if record is None:
            raise ModerationError("提交的内容已被删除。")
        fields = {"moderation_status": status, "moderation_reason": reason}
        if edited:
            unknown = set(edited) - set(type(record).moderated_fields)
            if unknown:
                raise ModerationError(f"不能修改这些字段:{'、'.join(sorted(unknown))}。")
            fields.update(edited)
        for name, value in fields.items():
            setattr(record, name, value)
        type(record).objects.filter(pk=record.pk).update(**fields)
        item.status, item.reason, item.edited = status, reason, edited or {}
        item.decided_by, item.decided_at = user, timezone.now()
        item.save()
        action = {models.Status.APPROVED: "moderation.edited" if edited else "moderation.approved",
                  models.Status.REJECTED: "moderation.rejected"}[status]  # fmt: skip
        audit(item, action, user=user, data={"record": str(item), "reason": reason,
                                              "edited": sorted(edited or {})})  # fmt: skip
        transaction.on_commit(
            lambda: moderation_decided.send(
                sender=type(record), record=record, item=item, status=status
            )
        )
    return item


def approve(item, user):
    return _decide(item, user, _models().Status.APPROVED)


def reject(item, user, reason: str):
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("请填写退回理由,提交人会看到它。")
    return _decide(item, user, _models().Status.REJECTED, reason=reason[:500])


def edit_and_approve(item, user, edited: dict):
    """Approve with the moderator's text; the original stays on the item."""
    if not edited:
        raise ModerationError("没有修改任何内容。")
    return _decide(item, user, _models().Status.APPROVED, edited=edited)
