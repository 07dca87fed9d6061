"""The audit log: source address, hash chain and its verify command, retention, export."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from cms.review.models import AuditSeal
from cms.services.audit import audit
from cms.services.schedule import get_sweeps


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def login(client, username, password="pw-lianxi-test"):
    return client.post("/admin/login/", {"username": username, "password": password})


def test_every_entry_carries_the_source_address_and_a_seal(site_group, make_user):
    user = make_user("fx-audited", site_group["340123"].editors_group)
    login(Client(REMOTE_ADDR="198.51.100.30"), "fx-audited", "wrong")
    login(Client(REMOTE_ADDR="198.51.100.31"), "fx-audited")
    failed, ok = ModelLogEntry.objects.filter(
        object_id=str(user.pk), action__in=["lianxi.login_failed", "lianxi.login"]
    ).order_by("pk")
    assert (failed.data["ip"], ok.data["ip"]) == ("198.51.100.30", "198.51.100.31")
    assert AuditSeal.objects.filter(kind="model", entry_id=ok.pk).exists()
    # An entry written outside a request (a command, a task) says so with an empty address.
    entry = audit(user, "lianxi.login", user=user)
    assert entry.data["ip"] == ""


def test_the_verify_command_names_the_first_changed_removed_or_slipped_in_entry(
    site_group, make_user
):
    user = make_user("fx-chain")
    entries = [audit(user, "lianxi.login", user=user, data={"n": n}) for n in range(3)]
    assert "审计日志完好" in verify()

    ModelLogEntry.objects.filter(pk=entries[1].pk).update(data={"n": 99, "ip": ""})
    with pytest.raises(CommandError, match=f"对象日志第 {entries[1].pk} 条:记录内容被改动"):
        verify()
    ModelLogEntry.objects.filter(pk=entries[1].pk).update(data=entries[1].data)
    assert "审计日志完好" in verify()

    # Removed behind the application's back (raw SQL would do the same).
    ModelLogEntry.objects.filter(pk=entries[2].pk)._raw_delete("default")
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 条:记录已被删除"):
        verify()


def test_an_entry_slipped_in_without_its_seal_is_found(site_group, make_user):
    user = make_user("fx-slipped")
    audit(user, "lianxi.login", user=user)
    forged = ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type_id=ModelLogEntry.objects.last().content_type_id,
                object_id=str(user.pk),
                label="伪造",
                action="lianxi.login",
                timestamp=timezone.now(),
                data={},
            )
        ]
    )[0]
    with pytest.raises(CommandError, match=f"第 {forged.pk} 条:记录未经封存"):
        verify()


def test_young_entries_cannot_be_deleted_and_the_purge_keeps_180_days(site_group, make_user):
    user = make_user("fx-retention")
    young = audit(user, "lianxi.login", user=user)
    with pytest.raises(PermissionDenied), transaction.atomic():
        young.delete()
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("purge_audit_log", "--older-than-days", "179")

    old = audit(user, "lianxi.login", user=user)
    ModelLogEntry.objects.filter(pk=old.pk).update(
        timestamp=timezone.now() - dt.timedelta(days=200)
    )
    out = io.StringIO()
    call_command("purge_audit_log", stdout=out)
    assert "已删除" in out.getvalue()
    assert not ModelLogEntry.objects.filter(pk=old.pk).exists()
    assert ModelLogEntry.objects.filter(pk=young.pk).exists()
    # The chain now starts after the purge, from the anchor the purge logged.
    assert "审计日志完好" in verify()
    assert "review.purge_audit_log" in {s.name for s in get_sweeps()}


def test_the_audit_admin_reads_and_exports_the_log_with_text_kept_as_text(
    site_group, make_user, role_users
):
    user = make_user("fx-export")
    audit(user, "lianxi.login", user=user, data={"note": '=HYPERLINK("http://x")'})
    client = Client(REMOTE_ADDR="203.0.113.99")
    client.force_login(role_users["audit"])
    page = client.get("/admin/audit-log/", {"username": "fx-export"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "审计日志" in html and "fx-export" in html

    response = client.get("/admin/audit-log/", {"username": "fx-export", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("时间", "用户", "操作", "对象", "站点", "来源地址")
    data_cell = sheet.cell(row=2, column=7)
    assert data_cell.data_type == "s" and "HYPERLINK" in data_cell.value
    csv_response = client.get("/admin/audit-log/", {"username": "fx-export", "export": "csv"})
    assert "fx-export" in csv_response.content.decode("utf-8-sig")
    # The export itself is in the log, with the auditor's address.
    (exported,) = ModelLogEntry.objects.filter(action="lianxi.audit_exported")[:1]
    assert exported.data["ip"] == "203.0.113.99"
