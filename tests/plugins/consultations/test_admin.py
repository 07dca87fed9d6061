"""The office's path in the admin: create from Word with a preview, publish, decide (alone
and grouped, linked to a changed article), publish the report, export, statistics."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from plugins.consultations import workflow
from plugins.consultations.models import Comment, Consultation, Kind, Proposal, Status

from .conftest import citizen_auth, make_deputy, today
from .corpus import as_docx, text

pytestmark = pytest.mark.django_db
API = "/api/v1/consultations/"


def test_new_from_word_previews_before_saving(client, office, province):
    client.force_login(office)
    assert client.get("/admin/consultations/new/").status_code == 200
    form = {"site": province.site_id, "opens_on": today().isoformat(), "explanation": "起草说明。"}
    preview = client.post(
        "/admin/consultations/new/", {**form, "file": as_docx(text("chapters_sections"))}
    )
    page = preview.content.decode()
    assert preview.status_code == 200 and "共识别出 13 条" in page
    assert "第一节 规划" in page and "（四）运行管理与保障措施。" in page
    assert Consultation.objects.count() == 0  # nothing saved before the editor confirms
    # A window shorter than the statutory minimum is refused on the form.
    short = client.post("/admin/consultations/new/", {**form, "text": text("no_chapters"),
                        "closes_on": (today() + dt.timedelta(days=5)).isoformat()})  # fmt: skip
    assert "不得短于法定期限" in short.content.decode()
    # Confirm: the text comes back from the preview's form.
    saved = client.post(
        "/admin/consultations/new/", {**form, "text": text("chapters_sections"), "confirm": "1"}
    )
    consultation = Consultation.objects.get()
    assert (
        saved.status_code == 302 and saved["Location"] == f"/admin/consultations/{consultation.pk}/"
    )
    assert consultation.title == "安徽省农村供水条例（草案）征求意见"
    assert consultation.status == Status.DRAFT
    assert consultation.closes_on >= today() + dt.timedelta(days=30)
    version = consultation.versions.get()
    assert version.provisions.filter(kind="article").count() == 13
    assert version.provisions.filter(kind="item").count() == 7
    # Publish from the manage page.
    client.post(f"/admin/consultations/{consultation.pk}/", {"step": "publish"})
    consultation.refresh_from_db()
    assert consultation.status == Status.OPEN


def test_other_sites_office_sees_nothing(client, draft, feixi_office):
    client.force_login(feixi_office)
    assert client.get(f"/admin/consultations/{draft.pk}/").status_code == 404
    assert client.get(f"/admin/consultations/{draft.pk}/export/").status_code == 404


def test_decide_grouped_report_export_stats(client, draft, office, province):
    citizen, other = citizen_auth("13900000201"), citizen_auth("13900000202")
    deputy = make_deputy("赵敏", "13900000203", "340000")
    version = draft.versions.get()
    fourth = version.provisions.get(kind="article", number=4)
    tenth = version.provisions.get(kind="article", number=10)
    for auth, article, words in ((citizen, fourth, "规划应明确期限。"), (deputy.auth, fourth, "规划期限五年。"),
                                 (other, tenth, "应增加禁止行为。")):  # fmt: skip
        r = client.post(f"{API}comments/?site=340000", {"consultation": draft.pk, "provision": article.pk,
                        "text": words}, content_type="application/json", **auth)  # fmt: skip
        assert r.status_code == 201
    Consultation.objects.filter(pk=draft.pk).update(closes_on=today() - dt.timedelta(days=1),
                                                    opens_on=today() - dt.timedelta(days=31))  # fmt: skip
    workflow.run_window()
    client.force_login(office)
    page = client.get(f"/admin/consultations/{draft.pk}/").content.decode()
    assert "规划期限五年。" in page and "处理所选意见" in page

    # A second version from pasted text, previewed then confirmed.
    second = text("chapters_sections").replace(
        "报本级人民政府批准后实施。", "报本级人民政府批准后实施,规划期限为五年。"
    )
    preview = client.post(f"/admin/consultations/{draft.pk}/", {"step": "version", "stage": "second",
                          "text": second})  # fmt: skip
    assert "上传新版本:预览" in preview.content.decode() and draft.versions.count() == 1
    client.post(f"/admin/consultations/{draft.pk}/", {"step": "version", "stage": "second",
                "text": second, "confirm": "1"})  # fmt: skip
    new_fourth = draft.versions.get(number=2).provisions.get(kind="article", number=4)
    page = client.get(f"/admin/consultations/{draft.pk}/").content.decode()
    assert "修改 1 条,移动 0 条,新增 0 条,删除 0 条" in page

    on_fourth = list(Comment.objects.filter(article=fourth).values_list("pk", flat=True))
    # Grouped: both comments on 第四条, one decision linked to the changed article.
    r = client.post(f"/admin/consultations/{draft.pk}/", {
        "step": "decide", "comment": on_fourth, "result": "adopted", "reason": "已明确规划期限。",
        "changed_provision": new_fourth.pk})  # fmt: skip
    assert r.status_code == 302
    # Not yet all decided: the report waits.
    client.post(f"/admin/consultations/{draft.pk}/", {"step": "report"})
    assert Consultation.objects.get(pk=draft.pk).report_published_at is None
    # A decision without a reason is refused; then the last one alone.
    last = Comment.objects.get(article=tenth)
    client.post(f"/admin/consultations/{draft.pk}/", {"step": "decide", "comment": [last.pk],
                "result": "not_adopted", "reason": ""})  # fmt: skip
    assert Comment.objects.get(pk=last.pk).decision is None
    client.post(f"/admin/consultations/{draft.pk}/", {"step": "decide", "comment": [last.pk],
                "result": "not_adopted", "reason": "上位法已有规定。"})  # fmt: skip
    client.post(f"/admin/consultations/{draft.pk}/", {"step": "report", "summary": "收到意见3条。"})
    assert Consultation.objects.get(pk=draft.pk).report_published_at is not None
    rep = client.get(f"{API}{draft.pk}/report/?site=340000").json()
    assert rep["summary"] == "收到意见3条。" and rep["totals"]["adopted"] == 2
    assert rep["changed_clauses"][0]["comment_count"] == 2

    # Excel: every comment with its decision.
    export = client.get(f"/admin/consultations/{draft.pk}/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "条款", "身份") and len(rows) == 4
    by_text = {r[3]: r for r in rows[1:]}
    assert by_text["规划期限五年。"][2] == "人大代表"
    assert by_text["规划期限五年。"][6:] == ("采纳", "已明确规划期限。", "二审稿第四条")
    assert by_text["应增加禁止行为。"][6] == "未采纳"

    stats = client.get(f"/admin/consultations/{draft.pk}/stats/").content.decode()
    chart = stats.split('<div class="chart">')[1].split("</div>")[0]
    assert "<svg" in chart and "各条意见数" in chart and "<script" not in chart


def test_project_call(client, call, feixi_office, feixi):
    citizen = citizen_auth("13900000301")
    url = "/api/v1/consultations/proposals/?site=340123"
    body = {"call": call.pk, "proposer_type": "citizen", "title": "农村饮水安全监督",
            "reasons": "部分村庄水质不稳定。", "content": "听取县政府专项工作报告。"}  # fmt: skip
    r = client.post(url, body, content_type="application/json", **citizen)
    assert r.status_code == 201 and r.json()["outcome"] == ""
    org = client.post(url, {**body, "proposer_type": "organisation", "title": "养老服务监督"},
                      content_type="application/json", **citizen)  # fmt: skip
    assert org.status_code == 400 and org.json()["errors"][0]["field"] == "organisation"
    as_deputy = client.post(
        url, {**body, "proposer_type": "deputy"}, content_type="application/json", **citizen
    )
    assert as_deputy.status_code == 400
    client.post(url, {**body, "proposer_type": "organisation", "organisation": "某县养老协会",
                      "title": "养老服务监督"}, content_type="application/json", **citizen)  # fmt: skip
    assert Proposal.objects.count() == 2
    Consultation.objects.filter(pk=call.pk).update(closes_on=today() - dt.timedelta(days=1),
                                                   opens_on=today() - dt.timedelta(days=31))  # fmt: skip
    workflow.run_window()
    client.force_login(feixi_office)
    first, second = Proposal.objects.order_by("pk")
    client.post(f"/admin/consultations/{call.pk}/", {"step": "decide_proposal", "proposal": first.pk,
                "outcome": "included", "reason": "列入2027年监督工作计划。"})  # fmt: skip
    client.post(f"/admin/consultations/{call.pk}/", {"step": "decide_proposal", "proposal": second.pk,
                "outcome": "merged", "reason": "与养老服务体系建设合并。", "merged_into": "养老服务体系建设情况"})  # fmt: skip
    # Outcomes are not public before the report.
    mine = client.get(url, **citizen).json()["results"]
    assert {m["outcome"] for m in mine} == {""}
    assert client.get(f"{API}{call.pk}/report/?site=340123").status_code == 404
    client.post(f"/admin/consultations/{call.pk}/", {"step": "report", "summary": "共收到2件。"})
    rep = client.get(f"{API}{call.pk}/report/?site=340123").json()
    assert rep["totals"] == {"total": 2, "included": 1, "merged": 1, "not_included": 0}
    assert {p["merged_into"] for p in rep["proposals"]} == {"", "养老服务体系建设情况"}
    assert "某县养老协会" not in str(rep)  # the proposer is not named
    mine = client.get(url, **citizen).json()["results"]
    assert {m["outcome"] for m in mine} == {"included", "merged"}
    assert call.kind == Kind.CALL
