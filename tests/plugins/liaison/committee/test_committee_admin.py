"""委员联系代表 in the admin: members, bulk assignment, the office's log, invitations with
attendance, the coverage view (and its API), printable cards."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from cms.services import performance
from plugins.deputies import models as dm
from plugins.liaison import committee_logic
from plugins.liaison.committee import Assignment, CommitteeMember, Contact, Invitation

pytestmark = pytest.mark.django_db


def test_office_registers_a_member_and_assigns_deputies_in_bulk(client, office, deputies, hefei):
    client.force_login(office)
    response = client.post("/admin/liaison/committeemember/create/", {
        "site": hefei.site_id, "user": deputies["赵敏"].user.pk, "name": "赵敏",
        "post": "常委会委员", "term": "第十七届", "is_active": "on"})  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    member = CommitteeMember.objects.get(name="赵敏")

    page = client.get(f"/admin/liaison/committee/assign/?member={member.pk}")
    assert page.status_code == 200
    offered = dict(page.context["form"].fields["deputies"].choices)
    assert deputies["张伟"].ref in offered and deputies["曾国华"].ref not in offered  # Hefei's only
    refs = [deputies["张伟"].ref, deputies["李芳"].ref]
    response = client.post("/admin/liaison/committee/assign/",
                           {"member": member.pk, "deputies": refs})  # fmt: skip
    assert response.status_code == 302
    assert set(
        Assignment.objects.filter(member=member).values_list("deputy_ref", flat=True)
    ) == set(refs)
    # unticking one ends it (the row and its log stay)
    client.post("/admin/liaison/committee/assign/", {"member": member.pk, "deputies": refs[:1]})
    ended = Assignment.objects.get(member=member, deputy_ref=refs[1])
    assert ended.ended_on == timezone.localdate()
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"liaison.deputies_assigned", "liaison.assignment_ended"} <= actions


def test_bulk_assignment_over_the_limit_is_refused(client, office, deputies, member, monkeypatch):
    from django.apps import apps

    monkeypatch.setitem(apps.get_app_config("liaison").plugin_settings,
                        "MAX_DEPUTIES_PER_MEMBER", 2)  # fmt: skip
    record, _ = member
    client.force_login(office)
    refs = [deputies[n].ref for n in ("张伟", "李芳", "王强")]
    response = client.post(
        "/admin/liaison/committee/assign/", {"member": record.pk, "deputies": refs}
    )
    assert response.status_code == 200
    assert "最多联系 2 名代表" in response.content.decode()
    assert not Assignment.objects.exists()


def test_another_county_office_sees_none_of_it(client, make_user, site_group, member, deputies):
    changfeng = make_user("changfeng-office", site_group["340121"].editors_group)
    record, _ = member
    committee_logic.assign(record, [deputies["张伟"].ref], user=None)
    client.force_login(changfeng)
    listing = client.get("/admin/liaison/committeemember/")
    assert listing.status_code == 200
    assert "陈明" not in listing.content.decode()
    page = client.get(f"/admin/liaison/committee/assign/?member={record.pk}")
    assert page.status_code == 200 and page.context["member"] is None


def test_office_logs_a_contact_on_a_members_behalf(client, office, member, deputies):
    record, _ = member
    (assignment,) = committee_logic.assign(record, [deputies["王强"].ref], user=office)
    client.force_login(office)
    response = client.post("/admin/liaison/contact/create/", {
        "assignment": assignment.pk, "kind": "letter", "date": timezone.localdate().isoformat(),
        "issues": "来信反映小区停车难", "follow_up": ""})  # fmt: skip
    assert response.status_code == 302, response.context["form"].errors
    contact = Contact.objects.get()
    assert contact.source == "office" and contact.recorded_by == office
    assert contact.site_id == record.site_id
    assert ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(contact.pk)).exists()
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post("/admin/liaison/contact/create/", {
        "assignment": assignment.pk, "kind": "visit", "date": future})  # fmt: skip
    assert response.status_code == 200 and Contact.objects.count() == 1


def test_invitation_screen_invites_and_records_attendance(client, office, hefei, deputies):
    client.force_login(office)
    invitation = Invitation.objects.create(site=hefei.site, kind="research", title="农村养老服务专题调研",
                                           date=timezone.localdate() - datetime.timedelta(days=3),
                                           place="肥西县", capacity=5)  # fmt: skip
    url = f"/admin/liaison/committee/invitations/{invitation.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"invite": "1",
                                 "deputies": [deputies["张伟"].ref, deputies["李芳"].ref]})  # fmt: skip
    assert response.status_code == 302
    zhang, li = invitation.invitees.order_by("deputy_name")  # 李 before 张 by code point
    zhang, li = (zhang, li) if zhang.deputy_name == "张伟" else (li, zhang)
    response = client.post(url, {"attendance": "1", f"attended-{zhang.pk}": "yes",
                                 f"attended-{li.pk}": "no"})  # fmt: skip
    assert response.status_code == 302
    zhang.refresh_from_db()
    li.refresh_from_db()
    assert zhang.attended is True and li.attended is False
    assert performance.summary(int(zhang.deputy_ref), "340100")[0]["counts"]["research"] == 1
    assert dm.PerformanceEntry.objects.filter(source="liaison").count() == 1


def _coverage_fixture(member, deputies, office, make_user, site_group):
    """Hefei: 陈明 with three deputies (one contacted twice, one once, one never); Feixi:
    a member with one deputy never contacted."""
    record, _ = member
    rows = committee_logic.assign(record, [deputies[n].ref for n in ("张伟", "李芳", "王强")],
                                  user=office)  # fmt: skip
    today = timezone.localdate()
    for assignment, times in zip(rows, (2, 1, 0), strict=True):
        for k in range(times):
            Contact.objects.create(assignment=assignment, kind="visit",
                                   date=today - datetime.timedelta(days=k))  # fmt: skip
    feixi_user = make_user("member-feixi")
    feixi_member = CommitteeMember.objects.create(site=site_group["340123"].site, user=feixi_user,
                                                  name="周强", term="第十八届")  # fmt: skip
    committee_logic.assign(feixi_member, [deputies["张伟"].ref], user=office)


def test_coverage_rolls_up_with_denominators(client, office, member, deputies, make_user,
                                             site_group, django_assert_max_num_queries):  # fmt: skip
    _coverage_fixture(member, deputies, office, make_user, site_group)
    # Hefei's own office holds Hefei only: its figures leave Feixi out
    client.force_login(office)
    own = client.get("/admin/liaison/committee/coverage/?site=340100").context["figures"]
    assert own["total"]["assigned"] == 3
    assert [r["site"]["code"] for r in own["sites"]] == ["340100"]
    # The province's administrator sees Hefei rolled up with its counties
    client.force_login(make_user("province-admin", superuser=True))
    page = client.get("/admin/liaison/committee/coverage/?site=340100")
    assert page.status_code == 200
    figures = page.context["figures"]
    total = figures["total"]
    assert total["assigned"] == 4
    assert total["contacted"] == {"numerator": 2, "denominator": 4, "percent": 50.0}
    assert total["met_minimum"]["numerator"] == 1
    sites = {r["site"]["code"]: r for r in figures["sites"]}
    assert sites["340100"]["has_below"] and sites["340100"]["assigned"] == 4  # rolled up
    assert sites["340123"]["assigned"] == 1
    assert sites["340123"]["uncontacted"] == {"numerator": 1, "denominator": 1, "percent": 100.0}
    assert sorted(r["deputy"]["name"] for r in figures["uncontacted"]) == ["张伟", "王强"]
    html = page.content.decode()
    assert "<svg" in html and "50.0%(2/4)" in html

    # The API gives the same figures to the office, refuses others
    body = client.get("/api/v1/liaison/committee/coverage/?site=340100").json()
    assert body["total"]["contacted"]["denominator"] == 4
    client.force_login(office)
    assert client.get("/api/v1/liaison/committee/coverage/?site=340100").status_code == 200
    client.force_login(make_user("stranger"))
    assert client.get("/api/v1/liaison/committee/coverage/?site=340100").status_code == 403

    # The figures cost a fixed number of queries, whatever the rows
    from plugins.liaison import committee_coverage

    with django_assert_max_num_queries(12):
        committee_coverage.coverage(
            site_group["340100"], allowed={p.site_id for p in site_group.values()}
        )


def test_printable_cards_of_a_stations_current_deputies(client, office, hefei, deputies):
    congress = dm.Congress.objects.get(division_code="340100")
    station = dm.LiaisonStation.objects.create(site=hefei.site, congress=congress, name="三河镇代表联络站",
                                               address="三河镇")  # fmt: skip
    station.deputies.add(
        deputies["张伟"].person, deputies["曾国华"].person
    )  # the second: not Hefei's
    client.force_login(office)
    page = client.get(f"/admin/liaison/committee/cards/?station={station.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert [c["name"] for c in page.context["cards"]] == ["张伟"]
    assert "三河镇代表联络站" in html and "<svg" in html
    ref = deputies["张伟"].ref
    assert page.context["cards"][0]["url"].endswith(f"/mp/write?deputy={ref}&site=340100")
