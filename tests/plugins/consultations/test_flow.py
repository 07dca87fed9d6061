"""The full path through the API: published, open, commented (citizens and deputies),
moderated, closed by the scheduler, decided (alone and grouped), report published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from cms.moderation.models import ModerationItem
from cms.services import moderation
from plugins.consultations import structure, workflow
from plugins.consultations.models import Comment, Consultation, Stage, Status

from .conftest import citizen_auth, make_deputy, make_draft, today
from .corpus import text

pytestmark = pytest.mark.django_db
API = "/api/v1/consultations/"


def comment(client, auth, consultation, text_, provision=None, key=None, site="340000"):
    body = {"consultation": consultation.pk, "text": text_}
    if provision is not None:
        body["provision"] = provision
    headers = dict(auth)
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"{API}comments/?site={site}", body, content_type="application/json",
                       **headers)  # fmt: skip


def articles_of(payload):
    found = []

    def walk(nodes):
        for node in nodes:
            if node["kind"] == "article":
                found.append(node)
            walk(node["children"])

    walk(payload["draft"]["provisions"])
    return found


def test_public_list_and_structured_draft(client, draft, province):
    hidden = make_draft(province, name="no_chapters", title="未发布的草案")
    listed = client.get(f"{API}?site=340000").json()
    assert [r["id"] for r in listed["results"]] == [draft.pk]
    assert listed["results"][0]["status"] == "open"
    assert client.get(f"{API}{hidden.pk}/?site=340000").status_code == 404
    detail = client.get(f"{API}{draft.pk}/?site=340000").json()
    assert detail["explanation"].startswith("为保障农村供水安全")
    assert detail["draft"]["version"]["stage"] == "first"
    chapters = detail["draft"]["provisions"]
    assert [c["label"] for c in chapters] == ["第一章", "第二章", "第三章", "第四章", "第五章"]
    assert [s["heading"] for s in chapters[1]["children"]] == ["规划", "建设"]
    arts = articles_of(detail)
    assert [a["label"] for a in arts][-1] == "第十三条" and len(arts) == 13
    fifth = arts[4]
    assert [i["label"] for i in fifth["children"][0]["children"]] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
    ]
    assert all(a["comments"] == {"total": 0, "deputies": 0} for a in arts)


def test_descendants_list(client, draft, call):
    own = client.get(f"{API}?site=340000").json()["results"]
    assert {r["id"] for r in own} == {draft.pk}
    tree = client.get(f"{API}?site=340000&include_descendants=true").json()["results"]
    assert {(r["id"], r["site"]) for r in tree} == {(draft.pk, "340000"), (call.pk, "340123")}
    calls = client.get(f"{API}?site=340000&include_descendants=true&kind=call").json()["results"]
    assert [r["topic"] for r in calls] == ["supervision"]
    assert client.get(f"{API}?site=340000&status=bogus").status_code == 400


def test_comment_needs_a_verified_login(client, draft, make_user):
    assert comment(client, {}, draft, "意见").status_code in (401, 403)
    assert Comment.objects.count() == 0


def test_full_path(
    client, draft, office, province, django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):  # fmt: skip
    from cms.review.models import SensitiveWord

    citizen = citizen_auth("13900000101")
    other = citizen_auth("13900000102")
    deputy = make_deputy("王强", "13900000103", "340000")
    detail = client.get(f"{API}{draft.pk}/?site=340000").json()
    arts = articles_of(detail)
    fourth, fifth = arts[3], arts[4]
    second_paragraph = fifth["children"][1]["id"]

    # Comments: on an article, a paragraph, the whole draft; a deputy's; a retried one.
    r = comment(
        client, citizen, draft, "建议明确规划的编制期限。", fourth["id"], key="comment-key-0001"
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "approved" and r.json()["as_deputy"] is False
    again = comment(
        client, citizen, draft, "建议明确规划的编制期限。", fourth["id"], key="comment-key-0001"
    )
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert (
        comment(client, other, draft, "规划应当听取村民意见。", second_paragraph).status_code == 201
    )
    r = comment(client, deputy.auth, draft, "建议规划每五年修订一次。", fourth["id"])
    assert r.status_code == 201 and r.json()["as_deputy"] is True
    assert comment(client, other, draft, "总体赞成。").status_code == 201
    # Bad input: 400 with field errors, nothing stored.
    n = Comment.objects.count()
    bad = comment(client, other, draft, "", fourth["id"])
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    assert comment(client, other, draft, "x", provision=999999).status_code == 400
    assert Comment.objects.count() == n
    # A comment on a listed word is held: not counted until a moderator passes it.
    SensitiveWord.objects.create(word="演示违禁词", site=province.site)
    held = comment(client, other, draft, "这里有演示违禁词。", fourth["id"])
    assert held.json()["status"] == "pending"

    arts = articles_of(client.get(f"{API}{draft.pk}/?site=340000").json())
    assert arts[3]["comments"] == {"total": 2, "deputies": 1}
    assert arts[4]["comments"] == {"total": 1, "deputies": 0}
    # During the window the texts are not public.
    assert client.get(f"{API}{draft.pk}/comments/?site=340000").status_code == 409

    # Moderation through the core queue: the held one is approved and then counted.
    item = ModerationItem.objects.get(object_id=str(held.json()["id"]))
    with django_capture_on_commit_callbacks(execute=True):  # moderation_decided: after commit
        moderation.approve(item, office)
    arts = articles_of(client.get(f"{API}{draft.pk}/?site=340000").json())
    assert arts[3]["comments"]["total"] == 3

    # The window closes by itself: the scheduler's sweep.
    Consultation.objects.filter(pk=draft.pk).update(opens_on=today() - dt.timedelta(days=40),
                                                    closes_on=today() - dt.timedelta(days=1))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    draft.refresh_from_db()
    assert draft.status == Status.CLOSED
    late = comment(client, other, draft, "迟到的意见。", fourth["id"])
    assert late.status_code == 400 and late.json()["errors"][0]["field"] == "consultation"

    texts = client.get(f"{API}{draft.pk}/comments/?site=340000").json()
    assert texts["count"] == 5
    assert {c["text"] for c in texts["results"]} >= {"总体赞成。", "这里有演示违禁词。"}
    assert client.get(f"{API}{draft.pk}/report/?site=340000").status_code == 404

    # The second reading: 第四条 reworded because of the comments on it.
    second_text = text("chapters_sections").replace(
        "报本级人民政府批准后实施。", "报本级人民政府批准后实施。规划期限一般为五年。"
    )
    second = workflow.save_version(draft, structure.parse_text(second_text), stage=Stage.SECOND)
    changed = second.provisions.get(kind="article", number=4)
    on_fourth = list(Comment.objects.filter(article_id=fourth["id"]).values_list("pk", flat=True))
    grouped = workflow.decide(draft, on_fourth, result="adopted", reason="已明确规划期限。",
                              changed_provision=changed, user=office)  # fmt: skip
    rest = Comment.objects.exclude(pk__in=on_fourth)
    for c in rest:
        workflow.decide(draft, [c.pk], result="not_adopted", reason="草案已有规定。", user=office)
    workflow.publish_report(draft, office, summary="共收到意见5条。")

    rep = client.get(f"{API}{draft.pk}/report/?site=340000").json()
    assert rep["totals"]["total"] == 5 and rep["totals"]["deputies"] == 1
    assert rep["totals"]["adopted"] == 3 and rep["totals"]["not_adopted"] == 2
    row = next(a for a in rep["articles"] if a["label"] == "第四条")
    assert row["total"] == 3 and row["adopted"] == 3 and row["deputies"] == 1
    assert rep["whole_draft"]["total"] == 1
    dec = next(d for d in rep["decisions"] if d["id"] == grouped.pk)
    assert dec["comments"] == 3 and dec["articles"] == ["第四条"] * 1
    assert dec["changed_provision"] == {"id": changed.pk, "label": "第四条", "version": 2}
    clause = rep["changed_clauses"][0]
    assert clause["label"] == "第四条" and "规划期限一般为五年" in clause["text"]
    assert {c["text"] for c in clause["comments"]} == {
        "建议明确规划的编制期限。", "建议规划每五年修订一次。", "这里有演示违禁词。"}  # fmt: skip
    assert rep["comparison"]["summary"]["changed"] == 1
    assert rep["comparison"]["changes"][0]["new_label"] == "第四条"
    # No names or accounts in the public report.
    assert "13900000101" not in str(rep) and "王强" not in str(rep)

    # Each commenter hears once that the answers are public (a second publication: no repeat).
    workflow.publish_report(draft, office)
    for auth in (citizen, other, deputy.auth):
        inbox = client.get("/api/v1/me/notifications/?site=340000", **auth).json()
        rows = inbox["results"] if isinstance(inbox, dict) else inbox
        told = [n for n in rows if n["kind"] == "consultations.report"]
        assert len(told) == 1 and "安徽省农村供水条例" in told[0]["body"]

    # My comments and their decisions.
    mine = client.get(f"{API}comments/?site=340000", **citizen).json()["results"]
    assert len(mine) == 1
    assert mine[0]["decision"]["result"] == "adopted"
    assert mine[0]["decision"]["changed_provision"] == "二审稿第四条"
    assert mine[0]["provision_label"] == "第四条"

    # The report is stored when published: served without recomputing it...
    draft.refresh_from_db()
    draft.report_summary = "说明已修改。"  # the edit form's save (it forgets the cached answers)
    draft.save()
    with django_assert_max_num_queries(6):
        served = client.get(f"{API}{draft.pk}/report/?site=340000")
    assert served.json()["totals"] == rep["totals"] and served.json()["summary"] == "说明已修改。"
    # ...and built again when the office decides after publication.
    first_rest = rest.first()
    workflow.decide(draft, [first_rest.pk], result="partly", reason="部分吸收。", user=office)
    again = client.get(f"{API}{draft.pk}/report/?site=340000").json()
    assert again["totals"]["partly"] == 1 and again["totals"]["not_adopted"] == 1
    assert any(d["reason"] == "部分吸收。" for d in again["decisions"])


def test_decisions_need_a_closed_window_and_a_reason(draft, office):
    with pytest.raises(Exception, match="结束后"):
        workflow.decide(draft, [1], result="adopted", reason="x", user=office)


def test_window_minimum(province):
    from django.core.exceptions import ValidationError

    c = Consultation(site=province.site, title="过短", opens_on=dt.date(2026, 12, 1),
                     closes_on=dt.date(2026, 12, 10))  # fmt: skip
    with pytest.raises(ValidationError, match="最早为2026-12-31"):
        c.full_clean()


def test_sweep_opens_scheduled_consultations(province, django_capture_on_commit_callbacks):
    c = make_draft(province, opens=today() + dt.timedelta(days=3))
    workflow.publish(c)
    assert c.status == Status.SCHEDULED
    workflow.run_window(today())
    c.refresh_from_db()
    assert c.status == Status.SCHEDULED
    Consultation.objects.filter(pk=c.pk).update(opens_on=today())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduler", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    c.refresh_from_db()
    assert c.status == Status.OPEN


def test_a_comment_keeps_the_sites_other_cached_answers(client, draft, call, province):
    """An open consultation's counts are never cached (always fresh); a comment empties
    nothing else of the site's cache."""
    closed = make_draft(province, title="已结束的征求意见")
    workflow.publish(closed)
    Consultation.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    citizen = citizen_auth("13900000111")
    other = f"{API}{closed.pk}/?site=340000"
    assert client.get(other)["X-Lianxi-Cache"] == "miss"
    assert client.get(other)["X-Lianxi-Cache"] == "hit"
    detail = client.get(f"{API}{draft.pk}/?site=340000")
    assert detail["Cache-Control"] == "no-cache" and "X-Lianxi-Cache" not in detail
    article = articles_of(detail.json())[0]
    assert article["comments"]["total"] == 0
    listed = client.get(f"{API}?site=340000")
    assert listed["Cache-Control"] == "no-cache"  # it counts the open draft's comments

    assert comment(client, citizen, draft, "建议增加罚则。", article["id"]).status_code == 201
    assert client.get(other)["X-Lianxi-Cache"] == "hit"  # not emptied by the comment
    fresh = client.get(f"{API}{draft.pk}/?site=340000").json()
    assert articles_of(fresh)[0]["comments"]["total"] == 1
    row = next(r for r in client.get(f"{API}?site=340000").json()["results"] if r["id"] == draft.pk)
    assert row["comment_count"] == 1
    # Without an open consultation the list is cached as every public answer.
    only_closed = f"{API}?site=340000&status=closed"
    assert client.get(only_closed)["X-Lianxi-Cache"] == "miss"
    assert client.get(only_closed)["X-Lianxi-Cache"] == "hit"
