"""联系代表提醒 (the daily sweep through ``run_scheduler``, once per period, the office's
未按期联系 page) and the downloads: the contact log and the coverage view as Excel, the
QR cards as a PDF."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from cms.notifications.models import Notification
from plugins.deputies import models as dm
from plugins.liaison import committee_logic
from plugins.liaison.committee import Assignment, CommitteeMember, Contact, ContactReminder

pytestmark = pytest.mark.django_db
KIND = "liaison.contact_reminder"


def months_ago(months: int, days: int = 0) -> datetime.date:
    from cms.services.deadlines import add_months

    return add_months(timezone.localdate(), -months) - datetime.timedelta(days=days)


def run_sweep(django_capture_on_commit_callbacks) -> None:
    """One pass of the scheduler at 10:00 Beijing time today (the sweep runs at 08:30)."""
    from freezegun import freeze_time

    moment = datetime.datetime.combine(timezone.localdate(), datetime.time(10, 0),
                                       tzinfo=timezone.get_current_timezone())  # fmt: skip
    with freeze_time(moment), django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_the_default_interval_is_half_a_year_for_two_contacts_a_year():
    from django.apps import apps

    plugin_settings = apps.get_app_config("liaison").plugin_settings
    assert plugin_settings["YEARLY_MIN_CONTACTS"] == 2
    assert plugin_settings["CONTACT_INTERVAL_MONTHS"] == 6


def _behind_fixture(member, deputies, office):
    """陈明's deputies: 张伟 contacted 7 months ago, 李芳 last week, 王强 assigned 8 months
    ago and never contacted, 赵敏 assigned a month ago."""
    record, _ = member
    rows = committee_logic.assign(record, [deputies[n].ref for n in ("张伟", "李芳", "王强", "赵敏")],
                                  user=office)  # fmt: skip
    by_name = {a.deputy_name: a for a in rows}
    Assignment.objects.filter(pk__in=[by_name[n].pk for n in ("张伟", "李芳", "王强")]).update(
        assigned_on=months_ago(8)
    )
    Assignment.objects.filter(pk=by_name["赵敏"].pk).update(assigned_on=months_ago(1))
    Contact.objects.create(assignment=by_name["张伟"], kind="visit", date=months_ago(7))
    Contact.objects.create(assignment=by_name["李芳"], kind="phone",
                           date=timezone.localdate() - datetime.timedelta(days=7))  # fmt: skip
    return by_name


def test_members_behind_are_reminded_once_per_period(client, office, member, deputies,
                                                     django_capture_on_commit_callbacks):  # fmt: skip
    record, _ = member
    by_name = _behind_fixture(member, deputies, office)
    client.force_login(office)
    page = client.get("/admin/liaison/committee/behind/")
    assert page.status_code == 200
    assert [r.assignment.deputy_name for r in page.context["rows"]] == ["张伟", "王强"]
    assert "待提醒" in page.content.decode()

    run_sweep(django_capture_on_commit_callbacks)
    (note,) = Notification.objects.filter(kind=KIND)
    assert note.user_id == record.user_id
    assert "张伟" in note.body and "王强" in note.body and "李芳" not in note.body
    assert "超过 6 个月未联系" in note.body
    assert ContactReminder.objects.count() == 2
    zhang = ContactReminder.objects.get(assignment=by_name["张伟"])
    assert zhang.due_on == months_ago(1) and zhang.last_contact_on == months_ago(7)

    # Again the same day, and the next day: nothing new (the period's reminder was sent)
    from cms.services.models import SweepRun

    SweepRun.objects.filter(name="liaison.contact_reminders").delete()
    run_sweep(django_capture_on_commit_callbacks)
    from plugins.liaison import committee_reminders

    assert committee_reminders.remind(timezone.localdate() + datetime.timedelta(days=1)) == 0
    assert Notification.objects.filter(kind=KIND).count() == 1
    page = client.get("/admin/liaison/committee/behind/")
    assert "待提醒" not in page.content.decode()
    assert all(r.reminded_at for r in page.context["rows"])

    # Still not contacted a whole interval later: reminded again, once (and 李芳 and 赵敏,
    # by then behind too, for the first time)
    later = timezone.localdate() + datetime.timedelta(days=200)
    assert committee_reminders.remind(later) == 4
    assert committee_reminders.remind(later) == 0
    assert ContactReminder.objects.filter(assignment=by_name["张伟"]).count() == 2
    # A contact starts a new interval: 张伟 is no longer behind
    Contact.objects.create(assignment=by_name["张伟"], kind="letter", date=timezone.localdate())
    page = client.get("/admin/liaison/committee/behind/")
    assert [r.assignment.deputy_name for r in page.context["rows"]] == ["王强"]


def test_the_interval_is_a_setting(client, office, member, deputies, monkeypatch):
    from django.apps import apps

    _behind_fixture(member, deputies, office)
    monkeypatch.setitem(apps.get_app_config("liaison").plugin_settings,
                        "CONTACT_INTERVAL_MONTHS", 12)  # fmt: skip
    client.force_login(office)
    page = client.get("/admin/liaison/committee/behind/")
    assert page.context["rows"] == []
    assert "超过 12 个月未联系" in page.content.decode()


def test_no_reminder_on_sites_without_the_plugin_or_for_inactive_members(
    client, office, member, deputies, hefei
):
    from cms.plugins import set_enabled
    from plugins.liaison import committee_reminders

    record, _ = member
    _behind_fixture(member, deputies, office)
    CommitteeMember.objects.filter(pk=record.pk).update(is_active=False)
    assert committee_reminders.remind() == 0
    CommitteeMember.objects.filter(pk=record.pk).update(is_active=True)
    set_enabled("liaison", hefei, False)
    assert committee_reminders.remind() == 0
    set_enabled("liaison", hefei, True)
    assert committee_reminders.remind() == 2


def test_another_county_office_sees_nobody_behind(client, make_user, site_group, member, deputies,
                                                  office):  # fmt: skip
    _behind_fixture(member, deputies, office)
    client.force_login(make_user("changfeng-office", site_group["340121"].editors_group))
    page = client.get("/admin/liaison/committee/behind/")
    assert page.status_code == 200 and page.context["rows"] == []
    client.force_login(make_user("nobody"))
    assert client.get("/admin/liaison/committee/behind/").status_code in (302, 403, 404)


# --- Excel ---------------------------------------------------------------------------


def _workbook(response):
    from openpyxl import load_workbook

    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    data = (b"".join(response.streaming_content) if response.streaming
            else response.content)  # fmt: skip
    return load_workbook(io.BytesIO(data))


def test_the_contact_log_exports_as_the_list_filters_it(client, office, member, deputies,
                                                        make_user, site_group):  # fmt: skip
    record, _ = member
    rows = committee_logic.assign(record, [deputies[n].ref for n in ("张伟", "李芳")], user=office)
    today = timezone.localdate()
    Contact.objects.create(assignment=rows[0], kind="visit", date=today, issues="=HYPERLINK(1)")
    Contact.objects.create(assignment=rows[1], kind="phone", date=today, issues="反映停车难")
    feixi = CommitteeMember.objects.create(site=site_group["340123"].site, user=make_user("m2"),
                                           name="周强", term="第十八届")  # fmt: skip
    (other,) = committee_logic.assign(feixi, [deputies["张伟"].ref], user=office)
    Contact.objects.create(assignment=other, kind="visit", date=today, issues="肥西的记录")

    client.force_login(office)  # Hefei's office: not Feixi's log
    sheet = _workbook(client.get("/admin/liaison/contact/?export=xlsx")).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["联系日期", "联系方式", "组成人员", "职务", "代表", "反映的问题",
                         "跟进办理情况", "记录来源", "站点"]  # fmt: skip
    assert sorted(v[4] for v in values[1:]) == ["张伟", "李芳"]
    assert all(v[2] == "陈明" for v in values[1:])
    assert "肥西的记录" not in str(values)
    # formula-like text stays text
    zhang = next(row for row in sheet.iter_rows(min_row=2) if row[4].value == "张伟")
    assert zhang[5].data_type == "s"
    # the list's filter applies to the export
    phone = _workbook(client.get("/admin/liaison/contact/?export=xlsx&kind=phone")).active
    assert [row[4].value for row in phone.iter_rows(min_row=2)] == ["李芳"]
    # no accounts in it: neither the member's login nor who recorded it
    assert record.user.username not in str(values) and office.username not in str(values)


def test_the_coverage_exports_with_numerators_and_denominators(client, office, member, deputies,
                                                               make_user, site_group):  # fmt: skip
    record, _ = member
    rows = committee_logic.assign(record, [deputies[n].ref for n in ("张伟", "李芳", "王强")],
                                  user=office)  # fmt: skip
    Contact.objects.create(assignment=rows[0], kind="visit", date=timezone.localdate())
    Contact.objects.create(assignment=rows[0], kind="visit", date=timezone.localdate())
    Contact.objects.create(assignment=rows[1], kind="visit", date=timezone.localdate())

    client.force_login(office)
    page = client.get("/admin/liaison/committee/coverage/?site=340100")
    assert "/admin/liaison/committee/coverage/export/?site=340100" in page.content.decode()
    book = _workbook(client.get("/admin/liaison/committee/coverage/export/?site=340100"))
    assert book.sheetnames == ["各站点", "各组成人员", "尚未被联系的代表", "说明"]
    sites = [[c.value for c in row] for row in book["各站点"].iter_rows()]
    head = sites[0]
    total = dict(zip(head, sites[-1], strict=True))
    assert total["站点"] == "合计" and total["联系关系(个)"] == 3
    assert (total["已联系(分子)"], total["已联系(分母)"], total["已联系(%)"]) == (2, 3, 66.7)
    assert (total["达到最少次数(分子)"], total["达到最少次数(分母)"]) == (1, 3)
    assert (total["未联系(分子)"], total["未联系(分母)"]) == (1, 3)
    members = [[c.value for c in row] for row in book["各组成人员"].iter_rows()]
    assert members[1][:4] == ["陈明", "常委会委员", hefei_name(site_group), 3]
    uncontacted = [[c.value for c in row] for row in book["尚未被联系的代表"].iter_rows()]
    assert uncontacted[1:] == [["王强", "陈明", hefei_name(site_group)]]
    assert any(row[0].value == "每年最少联系次数" and row[1].value == "2"
               for row in book["说明"].iter_rows())  # fmt: skip

    # a site the user does not hold, or a bad year: refused
    assert client.get("/admin/liaison/committee/coverage/export/?site=340121").status_code == 400
    assert client.get("/admin/liaison/committee/coverage/export/?year=abc").status_code == 400
    client.force_login(make_user("stranger"))
    assert client.get("/admin/liaison/committee/coverage/export/").status_code in (302, 403, 404)


def hefei_name(site_group) -> str:
    return site_group["340100"].name


# --- PDF cards -----------------------------------------------------------------------


def test_cards_download_as_a_pdf_with_the_qr_codes_embedded(client, office, hefei, deputies,
                                                            make_user, site_group):  # fmt: skip
    from pypdf import PdfReader

    congress = dm.Congress.objects.get(division_code="340100")
    station = dm.LiaisonStation.objects.create(site=hefei.site, congress=congress,
                                               name="三河镇代表联络站", address="三河镇")  # fmt: skip
    station.deputies.add(deputies["张伟"].person, deputies["李芳"].person,
                         deputies["曾国华"].person)  # the last: not Hefei's  # fmt: skip
    client.force_login(office)
    page = client.get(f"/admin/liaison/committee/cards/?station={station.pk}")
    assert f"/admin/liaison/committee/cards/pdf/?station={station.pk}" in page.content.decode()

    response = client.get(f"/admin/liaison/committee/cards/pdf/?station={station.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    images = reader.pages[0].images
    assert len(images) == 2  # one QR code per current deputy of Hefei's, no photos here
    from PIL import Image

    from plugins.liaison import committee_qr

    expected = Image.open(io.BytesIO(committee_qr.png(deputies["张伟"].ref, "340100")))
    assert {img.image.size for img in images} == {expected.size}
    assert reader.metadata.title == "三河镇代表联络站代表二维码卡片"
    assert b"STSong-Light" in response.content  # the Chinese CID font

    # A station of a site the office does not hold, or none: refused
    other = dm.LiaisonStation.objects.create(
        site=site_group["340121"].site, congress=dm.Congress.objects.get(division_code="340121"),
        name="长丰县联络站", address="长丰县",
    )  # fmt: skip
    assert client.get(f"/admin/liaison/committee/cards/pdf/?station={other.pk}").status_code == 400
    assert client.get("/admin/liaison/committee/cards/pdf/").status_code == 400


def test_nine_deputies_make_two_pages(client, office, hefei, deputies):
    from pypdf import PdfReader

    from tests.plugins.suggestions.conftest import make_deputy

    congress = dm.Congress.objects.get(division_code="340100")
    station = dm.LiaisonStation.objects.create(site=hefei.site, congress=congress,
                                               name="包河区代表联络站", address="包河区")  # fmt: skip
    people = [make_deputy(f"代表{i}", f"1390000{i:04d}", "340100") for i in range(9)]
    station.deputies.add(*[p.person for p in people])
    client.force_login(office)
    response = client.get(f"/admin/liaison/committee/cards/pdf/?station={station.pk}")
    reader = PdfReader(io.BytesIO(response.content))
    assert [len(p.images) for p in reader.pages] == [8, 1]
