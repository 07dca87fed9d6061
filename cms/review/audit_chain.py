"""The audit log's tamper evidence, retention and export (part of ``cms.review.audit``).

* **Hash chain.** Every new ``PageLogEntry`` and ``ModelLogEntry`` gets an
  ``AuditSeal``: ``HMAC-SHA256(key, previous digest + the entry's content)``,
  keyed by ``LIANXI_AUDIT_HMAC_KEY`` (or ``SECRET_KEY``). Someone who edits
  the database without the key cannot change, remove or insert an entry
  without breaking the chain; :func:`verify` (``manage.py verify_audit_log``)
  names the first broken link.
* **Retention.** Entries are kept at least ``LIANXI_AUDIT_RETENTION_DAYS``
  (never fewer than 180, 网络安全法 art. 21): deleting a younger entry is
  refused; :func:`purge` (``manage.py purge_audit_log``, and a nightly sweep)
  removes older ones and logs where the remaining chain now starts.
* **Export.** :func:`export_rows` feeds the audit administrator's XLSX/CSV
  download (``cms.services.spreadsheets``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from cms.services.audit import register_action
from cms.services.tasks import task

PURGED = "lianxi.audit_purged"
register_action(PURGED, "清理过期审计日志", "删除了超过留存期限的审计日志")
KINDS = {"page": PageLogEntry, "model": ModelLogEntry}
#: Any constant: the advisory lock that serialises sealing on PostgreSQL.
_LOCK_ID = 0x1A9C1


def _key() -> bytes:
    return (settings.LIANXI_AUDIT_HMAC_KEY or settings.SECRET_KEY).encode()


def _kind(entry) -> str:
    return "page" if isinstance(entry, PageLogEntry) else "model"


def content(entry) -> str:
    """The canonical text of what an entry says (what its seal covers)."""
    object_id = entry.page_id if isinstance(entry, PageLogEntry) else entry.object_id
    data = json.loads(json.dumps(entry.data, cls=DjangoJSONEncoder))
    timestamp = entry.timestamp
    if timezone.is_aware(timestamp):
        timestamp = timestamp.astimezone(dt.UTC)
    fields = [
        _kind(entry),
        entry.pk,
        entry.content_type_id,
        str(object_id),
        entry.action,
        entry.user_id,
        timestamp.isoformat(),
        str(entry.uuid) if entry.uuid else "",
        entry.revision_id,
        bool(entry.content_changed),
        data,
    ]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(previous: str, entry) -> str:
    message = (previous + "\n" + content(entry)).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def seal(sender, instance, created, raw=False, **kwargs):
    """``post_save`` of a log entry: add the next link of the chain."""
    if raw or not created:
        return
    from .models import AuditSeal

    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
        last = AuditSeal.objects.order_by("-pk").values_list("digest", flat=True).first() or ""
        AuditSeal.objects.create(
            kind=_kind(instance), entry_id=instance.pk, previous=last, digest=digest(last, instance)
        )


# --- Verification ---------------------------------------------------------------


@dataclass
class Problem:
    kind: str
    entry_id: int
    reason: str

    def __str__(self):
        table = "页面日志" if self.kind == "page" else "对象日志"
        return f"{table}第 {self.entry_id} 条:{self.reason}"


def _anchors() -> set[str]:
    """Digests the chain may start from after a purge (kept in the purge's own entry)."""
    return {
        (e.data or {}).get("anchor", "")
        for e in ModelLogEntry.objects.filter(action=PURGED).only("data")
    }


def verify(batch: int = 2000) -> tuple[int, Problem | None]:
    """Check the whole chain; returns (links checked, the first problem or ``None``)."""
    from .models import AuditSeal

    previous = None
    checked = 0
    sealed: dict[str, set[int]] = {"page": set(), "model": set()}
    anchors = None
    seals = AuditSeal.objects.order_by("pk")
    last_pk = 0
    while True:
        chunk = list(seals.filter(pk__gt=last_pk)[:batch])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        entries = {
            kind: model.objects.in_bulk([s.entry_id for s in chunk if s.kind == kind])
            for kind, model in KINDS.items()
        }
        for link in chunk:
            if previous is None and link.previous:
                anchors = _anchors() if anchors is None else anchors
                if link.previous not in anchors:
                    return checked, Problem(link.kind, link.entry_id, "之前的记录被删除")
            elif previous is not None and link.previous != previous:
                return checked, Problem(link.kind, link.entry_id, "链条断开(封存记录被改动)")
            entry = entries[link.kind].get(link.entry_id)
            if entry is None:
                return checked, Problem(link.kind, link.entry_id, "记录已被删除")
            if not hmac.compare_digest(digest(link.previous, entry), link.digest):
                return checked, Problem(link.kind, link.entry_id, "记录内容被改动")
            sealed[link.kind].add(link.entry_id)
            previous = link.digest
            checked += 1
    for kind, model in KINDS.items():
        if not sealed[kind]:
            continue
        unsealed = (
            model.objects.filter(pk__gt=min(sealed[kind]))
            .exclude(pk__in=sealed[kind])
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
        if unsealed is not None:
            return checked, Problem(kind, unsealed, "记录未经封存(绕过了审计日志写入)")
    return checked, None


# --- Retention --------------------------------------------------------------------


def retention_days() -> int:
    return max(int(settings.LIANXI_AUDIT_RETENTION_DAYS), 180)


def _cutoff(now=None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=retention_days())


def refuse_young_delete(sender, instance, **kwargs):
    """``pre_delete`` of a log entry: nothing younger than the retention period goes."""
    if instance.timestamp and instance.timestamp > _cutoff():
        raise PermissionDenied(f"审计日志须至少保存 {retention_days()} 天,不能删除。")


def purge(older_than_days: int | None = None, now=None) -> int:
    """Delete entries older than ``older_than_days`` (≥ the retention period); returns how many."""
    from cms.services.audit import audit

    from .models import AuditSeal

    days = older_than_days if older_than_days is not None else retention_days()
    if days < retention_days():
        raise ValueError(f"审计日志须至少保存 {retention_days()} 天,不能删除 {days} 天内的记录。")
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    removed = 0
    with transaction.atomic():
        old = {
            kind: list(model.objects.filter(timestamp__lt=cutoff).values_list("pk", flat=True))
            for kind, model in KINDS.items()
        }
        if not any(old.values()):
            return 0
        links = AuditSeal.objects.none()
        for kind, pks in old.items():
            links = links | AuditSeal.objects.filter(kind=kind, entry_id__in=pks)
        last = links.order_by("-pk").values_list("digest", flat=True).first() or ""
        for kind, model in KINDS.items():
            removed += model.objects.filter(pk__in=old[kind]).delete()[0]
        links.delete()
        from django.contrib.auth.models import Group

        # Logged on the audit administrators' group: a record that survives any page or user.
        anchor_on = Group.objects.filter(name="审计管理员").first()
        if anchor_on is not None:
            audit(
                anchor_on,
                PURGED,
                data={"before": cutoff.isoformat(), "removed": removed, "anchor": last},
            )
    return removed


# --- Export -------------------------------------------------------------------------

HEADER = ["时间", "用户", "操作", "对象", "站点", "来源地址", "数据", "记录表", "编号"]


def export_rows(entries):
    """Rows for the spreadsheet export of :func:`entries` (a list of log entries)."""
    yield HEADER
    for entry in entries:
        data = entry.data if isinstance(entry.data, dict) else {}
        yield [
            timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
            entry.user.get_username() if entry.user_id and entry.user else "",
            entry.action,
            entry.label,
            data.get("site_name") or data.get("site", ""),
            data.get("ip", ""),
            json.dumps(data, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder),
            "页面" if isinstance(entry, PageLogEntry) else "对象",
            entry.pk,
        ]


def connect() -> None:
    from django.db.models.signals import post_save, pre_delete

    uid = "lianxi.review.audit_chain"
    for kind, model in KINDS.items():
        post_save.connect(seal, sender=model, dispatch_uid=f"{uid}.seal.{kind}")
        pre_delete.connect(refuse_young_delete, sender=model, dispatch_uid=f"{uid}.keep.{kind}")


@task()
def purge_expired_audit_log() -> int:
    """The nightly sweep: entries older than the retention period go."""
    return purge()
