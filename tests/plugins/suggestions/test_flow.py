"""The whole path of a suggestion through the public surfaces: the deputies' API and the admin.

Each state change is made where its user makes it (deputy: API; office and
handling unit: admin pages) and read back where the deputy reads it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cms.notifications.models import Notification
from cms.services import deadlines
from plugins.deputies.models import PerformanceEntry

from .conftest import citizen_auth

pytestmark = pytest.mark.django_db

API = "/api/v1/suggestions/"
SITE = "340123"
PAYLOAD = {
    "title": "关于修缮上派镇乡村道路的建议",
    "text": "上派镇部分村道年久失修,建议列入改造计划。",
}


def api(path: str = "", site: str = SITE) -> str:
    return f"{API}{path}?site={site}"


def post(client, auth, path="", data=None, site=SITE):
    return client.post(api(path, site), data or {}, content_type="application/json", **auth)


def office_post(client, pk, **data):
    return client.post(f"/admin/suggestions/office/{pk}/", data)


def unit_post(client, assignment_pk, **data):
    return client.post(f"/admin/suggestions/units/{assignment_pk}/", data)


def notified(user, kind) -> int:
    return Notification.objects.filter(user=user, kind=kind).count()


def entries(source_ref: str) -> list:
    return list(PerformanceEntry.objects.filter(source="suggestions", source_ref=source_ref))


def submitted(client, people, **extra) -> dict:
    zhang = people["张伟"]
    response = post(client, zhang.auth, data={**PAYLOAD, "submit": True, **extra})
    assert response.status_code == 201, response.content
    return response.json()


def assign(client, office, units, pk, **extra):
    client.force_login(office)
    assert office_post(client, pk, step="accept", category="transport").status_code == 302
    data = {"step": "assign", "lead": units["lead"].pk, "co_units": [units["co"].pk], **extra}
    response = office_post(client, pk, **data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()


def test_the_whole_path_from_draft_to_closed(client, people, units, office):
    zhang, li = people["张伟"], people["李芳"]

    # A deputy writes a draft with a co-signer, then submits it.
    response = post(client, zhang.auth, data={**PAYLOAD, "cosigners": [li.ref]})
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["status"] == "draft" and draft["state_label"] == "草稿"
    assert draft["cosigned_by"] == [{"deputy": li.ref, "name": "李芳", "confirmed": False}]
    assert draft["clock"] is None and len(draft["history"]) == 1
    pk = draft["id"]
    assert not entries(str(pk))  # a draft is no duty yet
    response = post(client, zhang.auth, f"{pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert [e.kind for e in entries(str(pk))] == ["suggestion"]

    # The co-signer sees it among their suggestions and confirms.
    mine = client.get(api(), **li.auth).json()
    assert [(s["id"], s["my_role"]) for s in mine["results"]] == [(pk, "cosigner")]
    response = post(client, li.auth, f"{pk}/cosign/")
    assert response.status_code == 200, response.content
    assert response.json()["cosigned_by"][0]["confirmed"] is True
    assert len(entries(f"{pk}:cosign:{li.ref}")) == 1
    assert post(client, li.auth, f"{pk}/submit/").status_code == 403  # only the lead deputy

    # The office accepts and assigns; both deputies are told at each step.
    client.force_login(office)
    page = client.get(f"/admin/suggestions/office/{pk}/")
    assert page.status_code == 200 and "立案" in page.content.decode()
    assert office_post(client, pk, step="accept", category="transport").status_code == 302
    assert (
        notified(zhang.user, "suggestions.accepted")
        == notified(li.user, "suggestions.accepted")
        == 1
    )
    response = office_post(
        client, pk, step="assign", lead=units["lead"].pk, co_units=[units["co"].pk]
    )
    assert response.status_code == 302
    assert notified(zhang.user, "suggestions.assigned") == 1
    assert notified(units["lead_staff"], "suggestions.unit_assigned") == 1
    client.logout()

    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    today = timezone.localdate()
    assert detail["status"] == "assigned" and detail["category"] == "transport"
    assert detail["clock"]["started_on"] == today.isoformat()
    assert detail["clock"]["limit_months"] == 3 and detail["clock"]["state"] == "on_time"
    assert {(u["name"], u["role"]) for u in detail["units"]} == {
        ("肥西县交通运输局", "lead"),
        ("肥西县财政局", "co"),
    }
    # Withdrawal is for before the assignment only.
    assert post(client, zhang.auth, f"{pk}/withdraw/").status_code == 409

    # The lead unit's staff find it in their queue and reply; the clock stops.
    client.force_login(units["lead_staff"])
    queue = client.get("/admin/suggestions/units/")
    assert queue.status_code == 200 and PAYLOAD["title"] in queue.content.decode()
    lead = next(a for a in queue.context["items"] if a["row"].role == "lead")["row"]
    response = unit_post(client, lead.pk, step="reply", reply_class="B",
                         text="已列入明年村道改造计划。", signed_by="王局长",
                         commitment="明年6月底前完成改造", commitment_due="2099-06-30")  # fmt: skip
    assert response.status_code == 302
    client.logout()
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["status"] == "replied" and detail["clock"]["state"] == "met"
    assert detail["reply"]["reply_class"] == "B" and detail["reply"]["round"] == 1
    assert notified(zhang.user, "suggestions.replied") == 1

    # Not satisfied: back to the unit for re-handling, replied again, then rated.
    response = post(
        client, zhang.auth, f"{pk}/rate/", {"result": "unsatisfied", "comment": "未说明时间"}
    )
    assert response.status_code == 200 and response.json()["status"] == "rehandling"
    assert response.json()["clock"]["state"] == "on_time"  # the re-handling clock runs
    assert post(client, zhang.auth, f"{pk}/rate/", {"result": "satisfied"}).status_code == 409
    client.force_login(units["lead_staff"])
    response = unit_post(client, lead.pk, step="reply", reply_class="A",
                         text="已于本月完成修缮。", signed_by="王局长")  # fmt: skip
    assert response.status_code == 302
    client.logout()
    assert (
        post(client, zhang.auth, f"{pk}/rate/", {"result": "satisfied"}).json()["status"]
        == "replied"
    )
    response = post(client, li.auth, f"{pk}/rate/", {"result": "basically"})
    assert response.status_code == 200 and response.json()["status"] == "rated"
    assert len(entries(f"{pk}:rating:{zhang.ref}:2")) == 1

    client.force_login(office)
    assert office_post(client, pk, step="close").status_code == 302
    client.logout()
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["status"] == "closed"
    moves = [
        (h["from_state"], h["to_state"])
        for h in detail["history"]
        if h["from_state"] != h["to_state"]
    ]
    assert moves == [
        ("", "draft"), ("draft", "submitted"), ("submitted", "accepted"), ("accepted", "assigned"),
        ("assigned", "replied"), ("replied", "rehandling"), ("rehandling", "replied"),
        ("replied", "rated"), ("rated", "closed"),
    ]  # fmt: skip
    assert [(r["round"], r["result"]) for r in detail["ratings"]] == [
        (1, "unsatisfied"), (2, "satisfied"), (2, "basically"),
    ]  # fmt: skip


def test_the_office_returns_with_a_reason_the_deputy_reads(client, people, office):
    zhang = people["张伟"]
    pk = submitted(client, people)["id"]
    client.force_login(office)
    page = office_post(client, pk, step="return", reason="")
    assert page.status_code == 200  # the reason is required
    assert (
        office_post(client, pk, step="return", reason="属于人事任免事项,不作为建议").status_code
        == 302
    )
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["status"] == "returned"
    assert detail["return_reason"] == "属于人事任免事项,不作为建议"
    assert notified(zhang.user, "suggestions.returned") == 1
    # A returned suggestion can be neither accepted nor withdrawn.
    client.force_login(office)
    office_post(client, pk, step="accept")
    assert client.get(api(f"{pk}/"), **zhang.auth).json()["status"] == "returned"


def test_a_deputy_withdraws_before_assignment(client, people):
    zhang = people["张伟"]
    pk = submitted(client, people)["id"]
    assert len(entries(str(pk))) == 1
    response = post(client, zhang.auth, f"{pk}/withdraw/", {"note": "已另行反映"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert not entries(str(pk))  # the duty record forgets a withdrawn suggestion
    response = post(client, zhang.auth, f"{pk}/withdraw/")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")


def test_only_sitting_deputies_of_the_site_submit(client, people):
    before = client.get(api(), **people["张伟"].auth).json()["count"]
    response = post(client, citizen_auth("13700000009"), data=PAYLOAD)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    # 曾国华 sits in 长丰, not in 肥西.
    assert post(client, people["曾国华"].auth, data=PAYLOAD).status_code == 403
    assert post(client, people["曾国华"].auth, data=PAYLOAD, site="340121").status_code == 201
    # A township's code addresses its county's site.
    assert post(client, people["张伟"].auth, data=PAYLOAD, site="340123100").status_code == 201
    assert client.get(api(), **people["张伟"].auth).json()["count"] == before + 1
    # Co-signers must sit in the same congress.
    response = post(
        client, people["张伟"].auth, data={**PAYLOAD, "cosigners": [people["曾国华"].ref]}
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "cosigners"


def test_units_see_only_their_items_and_return_a_wrong_assignment(
    client, people, units, office, make_user
):
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    outsider = make_user("unit-outsider")
    client.force_login(outsider)
    assert client.get("/admin/suggestions/units/").status_code in (302, 403, 404)

    client.force_login(units["co_staff"])
    queue = client.get("/admin/suggestions/units/")
    rows = [i["row"] for i in queue.context["items"]]
    assert [r.role for r in rows] == ["co"]
    lead_pk = units["lead"].pk
    from plugins.suggestions.models import Assignment

    lead_row = Assignment.objects.get(unit_id=lead_pk)
    assert client.get(f"/admin/suggestions/units/{lead_row.pk}/").status_code == 404
    # A co-handling unit cannot reply.
    unit_post(client, rows[0].pk, step="reply", reply_class="A", text="x", signed_by="y")
    assert client.get(api(f"{pk}/"), **people["张伟"].auth).json()["status"] == "assigned"

    # The lead unit returns it within the window: back to the office, the clock goes.
    client.force_login(units["lead_staff"])
    response = unit_post(client, lead_row.pk, step="return", reason="不属于本单位职责")
    assert response.status_code == 302
    detail = client.get(api(f"{pk}/"), **people["张伟"].auth).json()
    assert detail["status"] == "accepted" and detail["units"] == [] and detail["clock"] is None
    assert any("不属于本单位职责" in h["note"] for h in detail["history"])
    # The office reassigns; a new clock starts.
    client.force_login(office)
    response = office_post(client, pk, step="assign", lead=units["co"].pk)
    assert response.status_code == 302
    detail = client.get(api(f"{pk}/"), **people["张伟"].auth).json()
    assert detail["status"] == "assigned" and detail["units"][0]["name"] == "肥西县财政局"
    assert (
        notified(people["张伟"].user, "suggestions.assigned") == 2
    )  # told of the reassignment too


def test_another_sites_office_cannot_handle_it(client, people, site_group, make_user):
    pk = submitted(client, people)["id"]
    client.force_login(make_user("changfeng-office", site_group["340121"].editors_group))
    assert client.get(f"/admin/suggestions/office/{pk}/").status_code == 404
    assert office_post(client, pk, step="accept").status_code == 404


# --- the clock -------------------------------------------------------------------------


def _clock(pk):
    from plugins.suggestions.models import Suggestion
    from plugins.suggestions.workflow import clock_of

    return clock_of(Suggestion.objects.get(pk=pk))


def test_the_reply_deadline_is_three_months_extended_to_six_with_approval(
    client, people, units, office
):
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    today = timezone.localdate()
    clock = _clock(pk)
    assert clock.rule == "suggestion.reply" and clock.limit == 3
    three = deadlines.add_months(today, 3)
    # On the working-day calendar: a deadline on a rest day moves to the next working day.
    assert three <= clock.due_on <= three + dt.timedelta(days=10)
    assert deadlines.due_date("suggestion.reply", today) == clock.due_on

    client.force_login(office)
    office_post(client, pk, step="extend", months=7, reason="涉及多个部门")
    assert _clock(pk).limit == 3  # beyond the six months' maximum: refused
    office_post(client, pk, step="extend", months=6, reason="涉及多个部门")
    clock = _clock(pk)
    assert clock.limit == 6 and clock.extended_by_id == office.pk
    assert clock.due_on >= deadlines.add_months(today, 6)
    detail = client.get(api(f"{pk}/"), **people["张伟"].auth).json()
    assert detail["clock"]["limit_months"] == 6
    assert any("延长至6个月" in h["note"] for h in detail["history"])


def test_overdue_is_shown_and_the_lead_unit_is_reminded(client, people, units, office):
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    clock = _clock(pk)
    # Three months and a day later (the clock's own dates moved back instead).
    start = timezone.localdate() - dt.timedelta(days=100)
    clock.started_on = start
    clock.due_on = deadlines.due_date("suggestion.reply", start)
    clock.next_reminder_on = start
    clock.save()
    detail = client.get(api(f"{pk}/"), **people["张伟"].auth).json()
    assert detail["clock"]["state"] in ("overdue", "long_overdue")
    client.force_login(units["lead_staff"])
    assert "逾期" in client.get("/admin/suggestions/units/").content.decode()

    assert deadlines.send_reminders() >= 1
    reminders = Notification.objects.filter(
        user=units["lead_staff"], kind="deadline.suggestion.reply"
    )
    assert reminders.count() == 1
    assert deadlines.send_reminders() == 0  # each reminder once
    assert not Notification.objects.filter(user=units["co_staff"], kind="deadline.suggestion.reply")


def test_the_history_is_append_only(client, people):
    from django.core.exceptions import ValidationError

    from plugins.suggestions.models import Transition

    pk = submitted(client, people)["id"]
    row = Transition.objects.filter(suggestion_id=pk).first()
    row.note = "改写"
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()


def test_a_held_suggestion_is_not_accepted_before_moderation(client, people, office, feixi):
    from cms.moderation.models import ModerationItem
    from cms.review.models import SensitiveWord
    from cms.services import moderation

    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    body = {**PAYLOAD, "text": "这里有演示违禁词。", "submit": True}
    response = post(client, people["张伟"].auth, data=body)
    assert response.status_code == 201 and response.json()["status"] == "pending"
    pk = response.json()["id"]
    client.force_login(office)
    assert (
        "立案"
        not in client.get(f"/admin/suggestions/office/{pk}/").content.decode().split("办理记录")[-1]
    )
    office_post(client, pk, step="accept")
    assert client.get(api(f"{pk}/"), **people["张伟"].auth).json()["status"] == "pending"
    moderation.approve(ModerationItem.objects.get(object_id=str(pk)), office)
    assert office_post(client, pk, step="accept").status_code == 302
    assert client.get(api(f"{pk}/"), **people["张伟"].auth).json()["status"] == "accepted"


def test_switched_off_the_plugin_hides_everything_on_the_site(client, people, units, office, feixi):
    from cms.plugins import set_enabled

    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    set_enabled("suggestions", feixi, False)
    assert client.get(api(f"{pk}/"), **people["张伟"].auth).status_code == 404
    client.force_login(office)
    assert client.get(f"/admin/suggestions/office/{pk}/").status_code == 404
    client.force_login(units["lead_staff"])
    assert "/admin/suggestions/units/" not in client.get("/admin/").content.decode()
    set_enabled("suggestions", feixi, True)
    assert client.get("/admin/suggestions/units/").context["items"]


def test_the_office_enters_a_paper_submission_for_a_deputy(client, people, office, feixi):
    li = people["李芳"]
    client.force_login(office)
    assert client.get("/admin/suggestions/suggestion/create/").status_code == 200
    form = {"site": feixi.site_id, "kind": "suggestion", "period": "session",
            "title": "关于整治集镇占道经营的建议", "text": "集镇街道占道经营严重,建议综合整治。",
            "submit": "on"}  # fmt: skip
    refused = client.post(
        "/admin/suggestions/suggestion/create/", {**form, "deputy": people["曾国华"].ref}
    )
    assert refused.status_code == 200 and "不是本站点人大的在任代表" in refused.content.decode()
    response = client.post("/admin/suggestions/suggestion/create/", {**form, "deputy": li.ref})
    assert response.status_code == 302
    client.logout()
    mine = client.get(api(), **li.auth).json()["results"]
    assert [(s["title"], s["on_paper"], s["status"], s["my_role"]) for s in mine] == [
        ("关于整治集镇占道经营的建议", True, "submitted", "lead")
    ]
    assert mine[0]["history"][0]["note"] == "工作人员代录纸质议案建议"
    assert mine[0]["history"][0]["actor"] != "李芳"
    assert len(entries(str(mine[0]["id"]))) == 1  # in the deputy's duty record too


def test_the_reply_carries_an_attachment(client, people, units, office):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    client.force_login(units["lead_staff"])
    lead = client.get("/admin/suggestions/units/").context["items"][0]["row"]
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(image, "PNG")
    bad = SimpleUploadedFile(
        "reply.exe", b"MZ\x90\x00not a document", content_type="application/octet-stream"
    )
    response = unit_post(client, lead.pk, step="reply", reply_class="A", text="已办结。",
                         signed_by="王局长", attachment=bad)  # fmt: skip
    assert response.status_code == 200  # refused: the state stays, the form says why
    assert client.get(api(f"{pk}/"), **people["张伟"].auth).json()["status"] == "assigned"
    photo = SimpleUploadedFile("reply.png", image.getvalue(), content_type="image/png")
    response = unit_post(client, lead.pk, step="reply", reply_class="A", text="已办结。",
                         signed_by="王局长", attachment=photo)  # fmt: skip
    assert response.status_code == 302
    reply = client.get(api(f"{pk}/"), **people["张伟"].auth).json()["reply"]
    assert len(reply["attachments"]) == 1
    # The deputy it answers reads the file; another deputy and the public are told it is not there.
    client.logout()
    url = f"/api/v1/uploads/{reply['attachments'][0]}/"
    response = client.get(url, **people["张伟"].auth)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(url, **people["曾国华"].auth).status_code == 404
    assert client.get(url).status_code == 404


def test_a_level_setting_changes_the_reply_deadline_of_new_assignments(
    client, people, units, office
):
    from cms.services.models import DeadlineSetting

    DeadlineSetting.objects.create(rule="suggestion.reply", level="county", amount=2, max_amount=4)
    pk = submitted(client, people)["id"]
    assign(client, office, units, pk)
    clock = client.get(api(f"{pk}/"), **people["张伟"].auth).json()["clock"]
    assert clock["limit_months"] == 2
    assert (
        clock["due_on"]
        == deadlines.due_date(
            "suggestion.reply", timezone.localdate(), units["lead"].site
        ).isoformat()
    )
    client.force_login(office)
    office_post(client, pk, step="extend", months=5, reason="涉及多个部门")
    assert _clock(pk).limit == 2  # this level's maximum is 4


def test_the_lead_deputy_edits_a_draft_and_only_a_draft(client, people, feixi):
    from cms.review.models import SensitiveWord

    zhang, li = people["张伟"], people["李芳"]
    patch = lambda pk, auth, data: client.patch(  # noqa: E731
        api(f"{pk}/"), data, content_type="application/json", **auth
    )
    draft = post(client, zhang.auth, data=PAYLOAD).json()
    pk = draft["id"]
    # Co-signers named later are invited (and told); the new text replaces the old.
    response = patch(pk, zhang.auth, {"title": "关于修缮上派镇村道和桥梁的建议",
                                      "cosigners": [li.ref]})  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "关于修缮上派镇村道和桥梁的建议" and body["text"] == PAYLOAD["text"]
    assert body["cosigned_by"] == [{"deputy": li.ref, "name": "李芳", "confirmed": False}]
    assert body["history"][-1]["note"] == "代表修改草稿" and body["status"] == "draft"
    assert notified(li.user, "suggestions.cosign") == 1
    # The co-signer reads it but may not change it; nobody else even sees it.
    assert patch(pk, li.auth, {"title": "改"}).status_code == 403
    assert patch(pk, people["曾国华"].auth, {"title": "改"}).status_code == 404
    # A bad field changes nothing.
    bad = patch(pk, zhang.auth, {"title": "", "cosigners": [people["曾国华"].ref]})
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert (
        client.get(api(f"{pk}/"), **zhang.auth).json()["title"] == "关于修缮上派镇村道和桥梁的建议"
    )
    refused = patch(pk, zhang.auth, {"cosigners": [people["曾国华"].ref]})
    assert refused.status_code == 400 and "不是本级人大的在任代表" in refused.content.decode()
    assert len(client.get(api(f"{pk}/"), **zhang.auth).json()["cosigned_by"]) == 1
    # The new text is screened again: a listed word holds the draft for moderation.
    SensitiveWord.objects.create(word="演示违禁词", site=feixi.site)
    held = patch(pk, zhang.auth, {"text": "演示违禁词 村道失修"})
    assert held.status_code == 200 and held.json()["status"] == "pending"
    SensitiveWord.objects.all().delete()
    # Dropping the co-signer and submitting in the same request; then it is no draft any more.
    done = patch(pk, zhang.auth, {"text": "村道失修,建议列入改造计划。", "cosigners": [],
                                  "submit": True})  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted" and done.json()["cosigned_by"] == []
    late = patch(pk, zhang.auth, {"title": "再改"})
    assert late.status_code == 409 and "只有草稿可以修改" in late.json()["detail"]
