"""What happens to a resource: publication and its push, reads, downloads, reminders.

Who sees an item is the core's audience service (``cms.services.audience``): a
published, unexpired item whose audience includes the user, on a site that has
the plugin on. Anyone else is told nothing (the API's one 404).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cms.plugins import enabled_site_ids, get_plugin
from cms.services import audience as audiences
from cms.services import audit, notifications, uploads
from cms.services.tasks import enqueue, task

from . import watermark
from .models import Download, Receipt, Resource, ResourceFile, Status

LABEL = "resources"


def visible_to(user, site_ids) -> object:
    """The published, unexpired resources of ``site_ids`` whose audience includes ``user``
    (one SQL query; nothing for anonymous users)."""
    today = timezone.localdate()
    rows = Resource.objects.filter(site_id__in=list(site_ids), status=Status.PUBLISHED).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    return audiences.visible(rows, user)


def viewer_name(user) -> str:
    account = getattr(user, "account", None)
    name = getattr(account, "display_name", "") if account is not None else ""
    return (name or user.get_full_name() or user.get_username())[:100]


def _deputy_ref(user) -> str:
    account = getattr(user, "account", None)
    return str(getattr(account, "directory_ref", "") or "") if account is not None else ""


def detail_url(resource) -> str:
    """Where the mini-program opens a resource (the notification's link)."""
    code = getattr(getattr(resource.site, "profile", None), "division_code", "")
    return f"pages/resources/detail?id={resource.pk}&site={code}"


# --- the office ------------------------------------------------------------------------


def set_audience(resource, spec: audiences.AudienceSpec, user) -> None:
    """Store the resource's audience (validated by the core service); a published item's
    new members are pushed to at once."""
    with transaction.atomic():
        row = audiences.save(spec, site=resource.site_id, audience=resource.audience)
        if resource.audience_id != row.pk:
            resource.audience = row
            resource.save(update_fields=["audience", "updated_at"])
        audit.audit(resource, "resources.audience", user=user,
                    data={"audience": audiences.describe(row)})  # fmt: skip
        if resource.status == Status.PUBLISHED:
            enqueue(push, resource.pk)


def publish(resource, user) -> None:
    """Publish to the audience: receipts and notifications follow in the background."""
    if resource.audience_id is None or audiences.spec_of(resource.audience).is_empty():
        raise ValidationError("请先设置发送范围。")
    if resource.status == Status.PUBLISHED:
        raise ValidationError("这份材料已经发布。")
    with transaction.atomic():
        resource.status = Status.PUBLISHED
        resource.published_at = resource.published_at or timezone.now()
        resource.save(update_fields=["status", "published_at", "updated_at"])
        audit.audit(resource, "resources.published", user=user,
                    data={"audience": audiences.describe(resource.audience)})  # fmt: skip
        enqueue(push, resource.pk)


def withdraw(resource, user) -> None:
    if resource.status != Status.PUBLISHED:
        raise ValidationError("只有已发布的材料可以撤回。")
    resource.status = Status.WITHDRAWN
    resource.save(update_fields=["status", "updated_at"])
    audit.audit(resource, "resources.withdrawn", user=user)


def _receipts_for_members(resource) -> list[Receipt]:
    """A receipt for every member of the audience who has none yet; returns the new ones."""
    members = audiences.members(resource.audience)
    have = set(Receipt.objects.filter(resource=resource).values_list("user_id", flat=True))
    new = [
        Receipt(resource=resource, user=u, name=viewer_name(u), deputy_ref=_deputy_ref(u))
        for u in members
        if u.pk not in have
    ]
    Receipt.objects.bulk_create(new, ignore_conflicts=True)
    return new


@task()
def push(resource_id: int) -> int:
    """Tell the audience of a published resource about it (once per person). Safe to run
    twice: receipts are unique and the notification carries a dedupe key."""
    resource = (
        Resource.objects.select_related("site__profile", "audience")
        .filter(pk=resource_id, status=Status.PUBLISHED)
        .first()
    )
    if resource is None or resource.audience is None or resource.expired:
        return 0
    _receipts_for_members(resource)
    waiting = Receipt.objects.filter(resource=resource, notified_at__isnull=True).select_related(
        "user"
    )
    users = [r.user for r in waiting if r.user.is_active]
    if not users:
        return 0
    kind_label = resource.get_kind_display()
    notifications.notify(
        users, f"新的{kind_label}:{resource.title}"[:200],
        f"{resource.site.profile.name}发布了{kind_label}《{resource.title}》,请及时阅读。",
        kind="resources.published", site=resource.site, url=detail_url(resource),
        dedupe_key=f"resources:{resource.pk}:published",
    )  # fmt: skip
    Receipt.objects.filter(pk__in=[r.pk for r in waiting]).update(notified_at=timezone.now())
    return len(users)


def remind_unread(resource, user) -> int:
    """Remind the audience's members who have not read the resource yet (at most once a
    day each); returns how many were reminded."""
    if resource.status != Status.PUBLISHED or resource.expired:
        raise ValidationError("只能提醒已发布且未过期的材料的读者。")
    _receipts_for_members(resource)
    now = timezone.now()
    today = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    unread = (
        Receipt.objects.filter(resource=resource, first_read_at__isnull=True)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=start))
        .select_related("user")
    )
    rows = [r for r in unread if r.user.is_active]
    if rows:
        notifications.notify(
            [r.user for r in rows], f"请阅读:{resource.title}"[:200],
            f"《{resource.title}》尚未阅读,请及时阅读。",
            kind="resources.reminder", site=resource.site, url=detail_url(resource),
            dedupe_key=f"resources:{resource.pk}:reminder:{today.isoformat()}",
        )  # fmt: skip
        for row in rows:
            Receipt.objects.filter(pk=row.pk).update(
                reminded_at=now, reminders=row.reminders + 1, notified_at=row.notified_at or now
            )
    audit.audit(resource, "resources.reminded", user=user, data={"count": len(rows)})
    return len(rows)


# --- the reader --------------------------------------------------------------------------


def mark_read(resource, user) -> Receipt:
    """The reader's receipt, with the first read time set on the first read."""
    now = timezone.now()
    receipt, created = Receipt.objects.get_or_create(
        resource=resource, user=user,
        defaults={"name": viewer_name(user), "deputy_ref": _deputy_ref(user), "first_read_at": now},
    )  # fmt: skip
    if not created and receipt.first_read_at is None:
        Receipt.objects.filter(pk=receipt.pk, first_read_at__isnull=True).update(first_read_at=now)
        receipt.first_read_at = now
    return receipt


def watermark_lines(user, when=None) -> list[str]:
    when = timezone.localtime(when or timezone.now())
    note = get_plugin(LABEL).plugin_settings.get("WATERMARK_NOTE", "")
    first = f"{viewer_name(user)} {when:%Y-%m-%d %H:%M}"
    return [first, note] if note else [first]


def file_content(file: ResourceFile, user) -> tuple[bytes, bool]:
    """The bytes a reader gets: a PDF with their watermark, another file as it is. The
    download is logged (who, when, which file) and audited."""
    with file.upload.file.open("rb") as handle:
        data = handle.read()
    marked = file.is_pdf
    if marked:
        data = watermark.watermark(data, watermark_lines(user))
    Download.objects.create(resource=file.resource, file=file, user=user, name=viewer_name(user),
                            watermarked=marked)  # fmt: skip
    mark_read(file.resource, user)
    audit.audit(file.resource, "resources.downloaded", user=user,
                data={"file": file.pk, "title": file.title, "watermarked": marked})  # fmt: skip
    return data, marked


def add_file(resource, upload_file, user, title: str = "") -> ResourceFile:
    """Keep an uploaded file privately (``cms.services.uploads``) and attach it; a PDF
    that cannot carry a watermark (encrypted, damaged) is refused."""
    stored = uploads.store(upload_file, site=resource.site, owner=user)
    if stored.content_type == "application/pdf":
        with stored.file.open("rb") as handle:
            data = handle.read()
        try:
            watermark.check(data)
        except watermark.WatermarkError as error:
            stored.file.delete(save=False)
            stored.delete()
            raise uploads.UploadError(str(error)) from None
    order = resource.files.count()
    return ResourceFile.objects.create(
        resource=resource, upload=stored, title=(title or stored.name)[:200], order=order
    )


def remove_file(resource, file_id, user) -> bool:
    """Detach a file and delete its private upload (the stored original goes too)."""
    found = resource.files.select_related("upload").filter(pk=file_id).first()
    if found is None:
        return False
    upload = found.upload
    found.delete()
    if not ResourceFile.objects.filter(upload=upload).exists():
        upload.file.delete(save=False)
        upload.delete()
    return True


def drop_audience(sender, instance, **kwargs) -> None:
    """A deleted resource takes its audience with it (``post_delete``)."""
    audiences.discard(instance.audience_id)


def sites_for(profile, scope: str) -> list[int]:
    """``site``: the site; ``ancestors``: the site and every site above it; both kept to
    the sites that have the plugin on."""
    from cms.services.sites import ancestors

    ids = [profile.site_id]
    if scope == "ancestors":
        ids = [p.site_id for p in ancestors(profile, include_self=True)]
    enabled = enabled_site_ids(LABEL)
    return [i for i in ids if i in enabled]
