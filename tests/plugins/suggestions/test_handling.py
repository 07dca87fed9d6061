"""Inside the handling: two-step sign-off, co-handling views, contacts with the deputy, motions.

Each step is made where its user makes it: the unit's staff and signer in the
admin's 承办件 pages, the office on its handling page, the deputies through the
API; and read back where the deputy reads it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cms.services import deadlines
from plugins.suggestions.models import Assignment, MotionRule, ReplyDraft, Suggestion

from .conftest import make_deputy
from .test_flow import api, assign, notified, office_post, post, submitted, unit_post

pytestmark = pytest.mark.django_db


def _rows(suggestion_pk):
    rows = Assignment.objects.filter(suggestion_id=suggestion_pk)
    return rows.get(role="lead"), rows.get(role="co")


@pytest.fixture
def clerk(units):
    """A member of the lead unit who drafts but does not sign off."""
    user = get_user_model().objects.create_user(username="unit-clerk", password="pw-lianxi-test",
                                                first_name="小刘")  # fmt: skip
    user.groups.add(Group.objects.get(name="承办单位工作人员"))
    units["lead"].members.add(user)
    return user


def test_a_clerk_drafts_and_only_the_units_signer_sends_the_reply(
    client, people, units, office, clerk
):
    zhang = people["张伟"]
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    lead, _co = _rows(pk)

    client.force_login(clerk)
    page = client.get(f"/admin/suggestions/units/{lead.pk}/").content.decode()
    assert "提交签发" in page and "unit-transport" not in page
    response = unit_post(client, lead.pk, step="reply", reply_class="B", text="列入明年计划。")
    assert response.status_code == 302
    draft = ReplyDraft.objects.get(suggestion_id=pk)
    assert draft.status == "awaiting" and draft.drafted_by == clerk and draft.round == 1
    assert notified(units["lead_staff"], "suggestions.draft") == 1
    # Nothing has reached the deputy; the clerk can neither sign nor draft twice.
    assert client.get(api(f"{pk}/"), **zhang.auth).json()["status"] == "assigned"
    unit_post(client, lead.pk, step="approve")
    unit_post(client, lead.pk, step="reply", reply_class="A", text="再来一稿")
    assert ReplyDraft.objects.filter(suggestion_id=pk).count() == 1
    assert Suggestion.objects.get(pk=pk).state == "assigned"

    # The signer sends it back with what to change; the clerk is told.
    client.force_login(units["lead_staff"])
    assert "待签发的答复稿" in client.get(f"/admin/suggestions/units/{lead.pk}/").content.decode()
    unit_post(client, lead.pk, step="send_back", note="")
    assert ReplyDraft.objects.get(pk=draft.pk).status == "awaiting"  # a note is required
    unit_post(client, lead.pk, step="send_back", note="请写明完成时间。")
    draft.refresh_from_db()
    assert draft.status == "sent_back" and draft.note == "请写明完成时间。"
    assert notified(clerk, "suggestions.draft_sent_back") == 1

    # A second draft, approved: the reply goes out signed by the signer.
    client.force_login(clerk)
    unit_post(client, lead.pk, step="reply", reply_class="B", text="列入明年计划,6月底前完工。")
    client.force_login(units["lead_staff"])
    assert unit_post(client, lead.pk, step="approve").status_code == 302
    client.logout()
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["status"] == "replied" and detail["clock"]["state"] == "met"
    assert detail["reply"]["text"] == "列入明年计划,6月底前完工。"
    assert detail["reply"]["signed_by"] == units["lead_staff"].first_name
    notes = [h["note"] for h in detail["history"]]
    assert "答复稿退回修改:请写明完成时间。" in notes
    assert [d.status for d in ReplyDraft.objects.filter(suggestion_id=pk).order_by("pk")] == [
        "sent_back", "approved",
    ]  # fmt: skip


def test_a_signer_outside_the_unit_cannot_sign_and_the_admin_refuses_one(
    client, people, units, office, clerk, make_user
):
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    lead, _co = _rows(pk)
    client.force_login(clerk)
    unit_post(client, lead.pk, step="reply", reply_class="A", text="已解决。")
    # The co-handling unit's staff see the item but not the draft's buttons.
    client.force_login(units["co_staff"])
    _lead, co = _rows(pk)
    unit_post(client, co.pk, step="approve")
    assert ReplyDraft.objects.get(suggestion_id=pk).status == "awaiting"
    # 设置 → 承办单位: a signer must be one of the unit's staff.
    admin = make_user("sysadmin-test", superuser=True)
    client.force_login(admin)
    unit = units["lead"]
    response = client.post(f"/admin/accounts/handlingunit/edit/{unit.pk}/", {
        "site": unit.site_id, "name": unit.name, "kind": unit.kind, "contact_phone": "",
        "members": [units["lead_staff"].pk], "signers": [clerk.pk], "active": "on",
    })  # fmt: skip
    assert response.status_code == 200
    assert "签发领导须是本单位的工作人员" in response.content.decode()
    assert list(unit.signers.all()) == [units["lead_staff"]]


def test_a_co_handling_unit_sends_its_views_to_the_lead_unit(client, people, units, office):
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    lead, co = _rows(pk)
    client.force_login(units["co_staff"])
    page = client.get(f"/admin/suggestions/units/{co.pk}/").content.decode()
    assert "协办意见(送主办单位)" in page and "答复代表" not in page
    assert (
        unit_post(
            client, co.pk, step="opinion", opinion="资金可从农村公路养护专项中安排。"
        ).status_code
        == 302
    )
    co.refresh_from_db()
    assert co.opinion == "资金可从农村公路养护专项中安排。" and co.opinion_by == units["co_staff"]
    assert notified(units["lead_staff"], "suggestions.co_opinion") == 1
    # The lead unit reads the views on its page; a lead cannot send "co" views.
    client.force_login(units["lead_staff"])
    page = client.get(f"/admin/suggestions/units/{lead.pk}/").content.decode()
    assert "资金可从农村公路养护专项中安排。" in page
    unit_post(client, lead.pk, step="opinion", opinion="x")
    lead.refresh_from_db()
    assert lead.opinion == ""


def _contact_clock(pk):
    from django.contrib.contenttypes.models import ContentType

    return deadlines.Deadline.objects.get(
        content_type=ContentType.objects.get_for_model(Suggestion), object_id=str(pk),
        rule="suggestion.contact_deputy",
    )  # fmt: skip


def test_the_lead_unit_logs_its_contact_with_the_deputy(client, people, units, office):
    zhang = people["张伟"]
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    lead, co = _rows(pk)
    clock = _contact_clock(pk)
    assert clock.stopped_at is None
    assert clock.due_on == deadlines.due_date("suggestion.contact_deputy", timezone.localdate(),
                                              Suggestion.objects.get(pk=pk).site)  # fmt: skip
    client.force_login(units["lead_staff"])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    unit_post(client, lead.pk, step="contact", on=tomorrow.isoformat(), method="phone", note="x")
    assert not Suggestion.objects.get(pk=pk).contacts.exists()  # not in the future
    today = timezone.localdate()
    response = unit_post(client, lead.pk, step="contact", on=today.isoformat(), method="visit",
                         note="到村里察看了路况,与张伟代表当面交流。")  # fmt: skip
    assert response.status_code == 302
    clock.refresh_from_db()
    assert clock.stopped_at is not None and deadlines.state(clock) == "met"
    # The deputy reads it in the history; the co-handling unit cannot log contacts.
    notes = [h["note"] for h in client.get(api(f"{pk}/"), **zhang.auth).json()["history"]]
    assert any(n.startswith("肥西县交通运输局联系代表(走访,") and "当面交流" in n for n in notes)
    client.force_login(units["co_staff"])
    unit_post(client, co.pk, step="contact", on=today.isoformat(), method="phone", note="电话")
    assert Suggestion.objects.get(pk=pk).contacts.count() == 1


# --- motions ----------------------------------------------------------------------------


@pytest.fixture
def nine_more(people):
    """Enough sitting deputies of 肥西 to co-sign a motion (10 with the lead)."""
    return [make_deputy(f"代表{i}", f"1390000{i:04d}", "340123") for i in range(20, 28)]


MOTION = {"kind": "motion", "title": "关于制定农贸市场管理办法的议案",
          "text": "农贸市场管理缺乏统一规范,建议制定管理办法。"}  # fmt: skip


def test_a_motion_needs_its_levels_number_of_signers(client, people, units, office, nine_more):
    zhang, li = people["张伟"], people["李芳"]
    few = [li.ref]
    response = post(client, zhang.auth, data={**MOTION, "cosigners": few, "submit": True})
    assert response.status_code == 400
    assert "议案须由10名以上代表联名" in response.content.decode()
    assert not Suggestion.objects.filter(kind="motion").exists()  # nothing half-made

    refs = [li.ref, *(d.ref for d in nine_more)]  # 9 co-signers + the lead = 10
    response = post(client, zhang.auth, data={**MOTION, "cosigners": refs, "submit": True})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    # The office cannot accept it before the co-signers confirm.
    client.force_login(office)
    page = client.get(f"/admin/suggestions/office/{pk}/").content.decode()
    assert "已确认 1 名(含领衔代表),邀请 10 名;议案须 10 名以上" in page
    office_post(client, pk, step="accept")
    assert Suggestion.objects.get(pk=pk).state == "submitted"
    for deputy in [li, *nine_more]:
        assert post(client, deputy.auth, f"{pk}/cosign/").status_code == 200
    client.force_login(office)
    assert office_post(client, pk, step="accept").status_code == 302
    assert Suggestion.objects.get(pk=pk).state == "accepted"

    # A motion is not assigned to units: the presidium decides.
    office_post(client, pk, step="assign", lead=units["lead"].pk)
    assert Suggestion.objects.get(pk=pk).state == "accepted"
    assert "主席团决定" in client.get(f"/admin/suggestions/office/{pk}/").content.decode()
    assert (
        office_post(
            client, pk, step="presidium", decision="agenda", note="第三次全体会议"
        ).status_code
        == 302
    )
    motion = Suggestion.objects.get(pk=pk)
    assert motion.state == "agenda" and motion.kind == "motion"
    assert notified(zhang.user, "suggestions.presidium") == 1
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["status"] == "agenda" and detail["history"][-1]["note"].startswith(
        "主席团决定列入会议议程"
    )
    assert office_post(client, pk, step="close").status_code == 302
    assert Suggestion.objects.get(pk=pk).state == "closed"


def test_the_presidium_turns_a_motion_into_a_suggestion_that_is_then_assigned(
    client, people, units, office, nine_more, site_group
):
    zhang = people["张伟"]
    # 县级 needs 3 signers here (a level setting); 市级 keeps the default.
    MotionRule.objects.create(level="county", signers=3)
    assert MotionRule.signers_for(site_group["340100"]) == 10
    refs = [people["李芳"].ref, nine_more[0].ref]
    pk = post(client, zhang.auth, data={**MOTION, "cosigners": refs, "submit": True}).json()["id"]
    for deputy in (people["李芳"], nine_more[0]):
        post(client, deputy.auth, f"{pk}/cosign/")
    client.force_login(office)
    office_post(client, pk, step="accept")
    office_post(client, pk, step="presidium", decision="")
    assert Suggestion.objects.get(pk=pk).kind == "motion"  # a decision is required
    office_post(client, pk, step="presidium", decision="to_suggestion")
    item = Suggestion.objects.get(pk=pk)
    assert (item.kind, item.from_motion, item.state) == ("suggestion", True, "accepted")
    response = office_post(client, pk, step="assign", lead=units["lead"].pk)
    assert response.status_code == 302
    assert Suggestion.objects.get(pk=pk).state == "assigned"
    assert "由议案转为建议" in client.get(f"/admin/suggestions/office/{pk}/").content.decode()
