"""The office's tools through the admin: the board, exports, bulk assignment, merged
handling and the follow-up of B and C commitments (the deputy reads them in the API)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cms.notifications.models import Notification
from cms.services import deadlines
from plugins.suggestions.models import Suggestion

from .test_flow import api, office_post, post, unit_post

pytestmark = pytest.mark.django_db

BOARD = "/admin/suggestions/suggestion/"
QUEUE = "/admin/suggestions/units/"


def submit(client, deputy, title: str, **extra) -> int:
    payload = {"title": title, "text": f"{title}的具体内容。", "submit": True, **extra}
    response = post(client, deputy.auth, data=payload)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def accepted(client, office, deputy, title: str, category: str = "transport") -> int:
    pk = submit(client, deputy, title)
    client.force_login(office)
    assert office_post(client, pk, step="accept", category=category).status_code == 302
    client.logout()
    return pk


def assigned(client, office, deputy, units, title: str) -> int:
    pk = accepted(client, office, deputy, title)
    client.force_login(office)
    response = office_post(client, pk, step="assign", lead=units["lead"].pk)
    assert response.status_code == 302
    client.logout()
    return pk


def reply_clock(pk: int):
    return (
        deadlines.Deadline.objects.filter(object_id=str(pk), rule="suggestion.reply")
        .order_by("-pk")
        .first()
    )


def make_overdue(pk: int, days: int = 100) -> None:
    """The clock's own dates moved back: assigned ``days`` ago."""
    clock = reply_clock(pk)
    clock.started_on = timezone.localdate() - dt.timedelta(days=days)
    clock.due_on = deadlines.due_date("suggestion.reply", clock.started_on)
    clock.save()


def titles(response) -> set[str]:
    return {s.title for s in response.context["object_list"]}


def sheet_rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    return list(book.worksheets[0].iter_rows(values_only=True))


# --- the board ---------------------------------------------------------------------------


def test_the_board_shows_every_item_by_state_and_clock_with_filters(client, people, units, office):
    zhang, li = people["张伟"], people["李芳"]
    submit(client, zhang, "甲:刚提交的建议")
    accepted(client, office, li, "乙:已立案的建议", category="education")
    late = assigned(client, office, zhang, units, "丙:逾期的建议")
    assigned(client, office, li, units, "丁:按期办理的建议")
    make_overdue(late)

    client.force_login(office)
    board = client.get(BOARD)
    assert board.status_code == 200
    assert titles(board) == {
        "甲:刚提交的建议",
        "乙:已立案的建议",
        "丙:逾期的建议",
        "丁:按期办理的建议",
    }
    counts = {value: n for value, _label, n in board.context["board"].state_counts}
    assert counts["submitted"] == counts["accepted"] == 1 and counts["assigned"] == 2
    clocks = {value: n for value, _label, n in board.context["board"].clock_counts}
    assert clocks == {"on_time": 1, "overdue": 1, "none": 2}
    page = board.content.decode()
    assert "逾期" in page and "批量交办" in page and "并案办理" in page

    assert titles(client.get(BOARD, {"clock": "overdue"})) == {"丙:逾期的建议"}
    assert titles(client.get(BOARD, {"clock": "none"})) == {"甲:刚提交的建议", "乙:已立案的建议"}
    assert titles(client.get(BOARD, {"state": "assigned", "clock": "on_time"})) == {
        "丁:按期办理的建议"
    }
    assert titles(client.get(BOARD, {"unit": units["lead"].pk})) == {
        "丙:逾期的建议",
        "丁:按期办理的建议",
    }
    assert titles(client.get(BOARD, {"category": "education"})) == {"乙:已立案的建议"}
    assert titles(client.get(BOARD, {"kind": "motion"})) == set()
    assert titles(client.get(BOARD, {"q": "逾期"})) == {"丙:逾期的建议"}
    # The counts per state follow the other filters.
    filtered = client.get(BOARD, {"unit": units["lead"].pk})
    counts = {value: n for value, _label, n in filtered.context["board"].state_counts}
    assert counts["assigned"] == 2 and counts["submitted"] == 0


def test_the_board_is_the_offices_only(client, people, units, office, site_group, make_user):
    submit(client, people["张伟"], "肥西的建议")
    changfeng = make_user("changfeng-office", site_group["340121"].editors_group)
    client.force_login(changfeng)
    response = client.get(BOARD)
    if response.status_code == 200:  # the plugin is on there too: its own items only
        assert titles(response) == set()
        assert sheet_rows(client.get(BOARD, {"export": "xlsx"}))[1:] == []
    else:
        assert client.get(BOARD, {"export": "xlsx"}).status_code == response.status_code
    client.force_login(units["lead_staff"])  # a unit's staff have their queue, not the board
    assert client.get(BOARD).status_code in (302, 403, 404)
    assert client.get(BOARD, {"export": "xlsx"}).status_code in (302, 403, 404)


def test_the_export_is_the_filtered_list_without_contact_details(client, people, units, office):
    zhang = people["张伟"]
    assigned(client, office, zhang, units, "关于修缮村道的建议")
    accepted(client, office, zhang, '=HYPERLINK("http://x","点此")')
    client.force_login(office)
    rows = sheet_rows(client.get(BOARD, {"state": "assigned", "export": "xlsx"}))
    header, body = rows[0], rows[1:]
    assert header[:6] == ("编号", "届次会议", "类别", "标题", "内容", "领衔代表")
    assert [r[header.index("标题")] for r in body] == ["关于修缮村道的建议"]
    row = dict(zip(header, body[0], strict=True))
    assert row["状态"] == "办理中" and row["主办单位"] == "肥西县交通运输局"
    assert row["期限状态"] == "正常"
    assert (
        row["答复期限"]
        == reply_clock(Suggestion.objects.get(title="关于修缮村道的建议").pk).due_on.isoformat()
    )
    everything = client.get(BOARD, {"export": "xlsx"})
    cells = [str(v) for r in sheet_rows(everything) for v in r if v is not None]
    assert not any(zhang.person.mobile in c or "某路 1 号" in c for c in cells)
    # A title that looks like a formula stays text.
    book = load_workbook(io.BytesIO(everything.content))
    formula = [c for r in book.worksheets[0].iter_rows() for c in r if str(c.value).startswith("=")]
    assert formula and all(c.data_type == "s" for c in formula)


def test_the_units_queue_exports_only_its_items(client, people, units, office):
    assigned(client, office, people["张伟"], units, "交通局的件")
    other = accepted(client, office, people["李芳"], "财政局的件")
    client.force_login(office)
    office_post(client, other, step="assign", lead=units["co"].pk)
    client.force_login(units["lead_staff"])
    rows = sheet_rows(client.get(QUEUE, {"export": "xlsx"}))
    assert rows[0][:4] == ("编号", "届次会议", "标题", "领衔代表")
    assert [r[2] for r in rows[1:]] == ["交通局的件"]
    assert rows[1][4] == "肥西县交通运输局" and rows[1][9] == "正常"


# --- bulk assignment -------------------------------------------------------------------------


def test_bulk_assignment_is_all_or_nothing_and_gives_each_its_clock(client, people, units, office):
    zhang, li = people["张伟"], people["李芳"]
    ids = [accepted(client, office, zhang, f"批量交办的建议{i}") for i in range(3)]
    waiting = submit(client, li, "尚未立案的建议")
    client.force_login(office)
    data = {"action": "assign", "lead": units["lead"].pk, "co_units": [units["co"].pk]}
    response = client.post(BOARD, {**data, "items": [*ids, waiting]}, follow=True)
    assert "只能交办已立案" in response.content.decode()
    assert set(Suggestion.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        "accepted"
    }
    assert not deadlines.Deadline.objects.filter(object_id__in=[str(i) for i in ids]).exists()

    response = client.post(BOARD, {**data, "items": ids, "back": "state=accepted"})
    assert response.status_code == 302 and response["Location"].endswith("?state=accepted")
    for pk in ids:
        item = Suggestion.objects.get(pk=pk)
        assert item.state == "assigned"
        assert {(a.unit_id, a.role) for a in item.assignments.all()} == {
            (units["lead"].pk, "lead"),
            (units["co"].pk, "co"),
        }
        assert reply_clock(pk) is not None
        assert item.history.filter(note__startswith="交办:主办单位肥西县交通运输局").count() == 1
    assert (
        Notification.objects.filter(
            user=units["lead_staff"], kind="suggestions.unit_assigned"
        ).count()
        == 3
    )
    detail = client.get(api(f"{ids[0]}/"), **zhang.auth).json()
    assert detail["status"] == "assigned" and detail["clock"]["state"] == "on_time"


def test_bulk_assignment_needs_a_unit_of_the_items_site(client, people, units, office, site_group):
    from .conftest import unit_with_staff

    pk = accepted(client, office, people["张伟"], "待交办的建议")
    changfeng_unit, _staff = unit_with_staff(site_group["340121"], "长丰县交通运输局", "cf-unit")
    client.force_login(office)
    response = client.post(BOARD, {"action": "assign", "lead": changfeng_unit.pk, "items": [pk]},
                           follow=True)  # fmt: skip
    assert response.status_code == 200
    assert Suggestion.objects.get(pk=pk).state == "accepted"


# --- merged handling -------------------------------------------------------------------------


def test_merged_items_are_assigned_together_and_answered_separately(client, people, units, office):
    zhang, li = people["张伟"], people["李芳"]
    first = accepted(client, office, zhang, "关于治理上派河污染的建议")
    second = accepted(client, office, li, "关于上派河水质改善的建议")
    client.force_login(office)
    response = client.post(BOARD, {"action": "merge", "items": [first, second],
                                   "title": "上派河治理"})  # fmt: skip
    assert response.status_code == 302
    group = Suggestion.objects.get(pk=first).merge_group
    assert group is not None and group.title == "上派河治理"
    assert Suggestion.objects.get(pk=second).merge_group == group
    page = client.get(f"/admin/suggestions/office/{first}/").content.decode()
    assert "上派河治理" in page and "关于上派河水质改善的建议" in page
    assert titles(client.get(BOARD, {"q": "上派河"})) == {
        "关于治理上派河污染的建议",
        "关于上派河水质改善的建议",
    }

    # Assigning one assigns the group: each item its own clock and history line.
    response = office_post(client, first, step="assign", lead=units["lead"].pk,
                           co_units=[units["co"].pk])  # fmt: skip
    assert response.status_code == 302
    for pk in (first, second):
        assert Suggestion.objects.get(pk=pk).state == "assigned"
        assert reply_clock(pk) is not None
    assert reply_clock(first).pk != reply_clock(second).pk

    # The lead unit answers each deputy separately.
    client.force_login(units["lead_staff"])
    queue = client.get(QUEUE)
    rows = {i["row"].suggestion_id: i["row"] for i in queue.context["items"]
            if i["row"].role == "lead"}  # fmt: skip
    assert set(rows) == {first, second}
    unit_page = client.get(f"{QUEUE}{rows[first].pk}/").content.decode()
    assert "上派河治理" in unit_page
    unit_post(client, rows[first].pk, step="reply", reply_class="A",
              text="答复张伟代表:已完成清淤。", signed_by="王局长")  # fmt: skip
    assert Suggestion.objects.get(pk=second).state == "assigned"  # not answered by the first
    unit_post(client, rows[second].pk, step="reply", reply_class="A",
              text="答复李芳代表:水质已达标。", signed_by="王局长")  # fmt: skip
    client.logout()
    mine = client.get(api(f"{first}/"), **zhang.auth).json()
    assert mine["reply"]["text"] == "答复张伟代表:已完成清淤。"
    assert client.get(api(f"{second}/"), **zhang.auth).status_code == 404
    assert (
        client.get(api(f"{second}/"), **li.auth).json()["reply"]["text"]
        == "答复李芳代表:水质已达标。"
    )
    # Each is rated by its own deputy.
    assert (
        post(client, zhang.auth, f"{first}/rate/", {"result": "satisfied"}).json()["status"]
        == "rated"
    )
    assert Suggestion.objects.get(pk=second).state == "replied"


def test_merging_needs_two_unreplied_items_and_can_be_undone(client, people, units, office):
    zhang, li = people["张伟"], people["李芳"]
    a = accepted(client, office, zhang, "甲件")
    b = accepted(client, office, li, "乙件")
    c = accepted(client, office, li, "丙件")
    done = assigned(client, office, zhang, units, "已答复件")
    client.force_login(units["lead_staff"])
    lead = Suggestion.objects.get(pk=done).assignments.get(role="lead")
    unit_post(client, lead.pk, step="reply", reply_class="A", text="已办。", signed_by="王局长")
    client.force_login(office)
    response = client.post(BOARD, {"action": "merge", "items": [a]}, follow=True)
    assert "至少要选择两件" in response.content.decode()
    response = client.post(BOARD, {"action": "merge", "items": [a, done]}, follow=True)
    assert "只能合并尚未答复" in response.content.decode()
    assert not Suggestion.objects.filter(merge_group__isnull=False).exists()

    client.post(BOARD, {"action": "merge", "items": [a, b]})
    client.post(BOARD, {"action": "merge", "items": [b, c]})  # c joins a and b's group
    group = Suggestion.objects.get(pk=a).merge_group
    assert {s.pk for s in group.items.all()} == {a, b, c}
    assert office_post(client, c, step="unmerge").status_code == 302
    assert Suggestion.objects.get(pk=c).merge_group is None
    assert Suggestion.objects.get(pk=c).history.filter(note__startswith="取消并案办理").exists()
    office_post(client, b, step="unmerge")  # a group of one is dissolved
    assert Suggestion.objects.get(pk=a).merge_group is None


# --- commitments ---------------------------------------------------------------------------


def test_a_b_reply_carries_a_commitment_that_keeps_the_item_open(client, people, units, office):
    zhang = people["张伟"]
    pk = assigned(client, office, zhang, units, "关于建设乡镇养老院的建议")
    lead = Suggestion.objects.get(pk=pk).assignments.get(role="lead")
    client.force_login(units["lead_staff"])
    reply = {"step": "reply", "reply_class": "B", "text": "已列入明年计划。", "signed_by": "王局长"}
    response = unit_post(client, lead.pk, **reply)
    assert response.status_code == 200
    errors = response.context["forms"]["reply"].errors
    assert "commitment" in errors and "commitment_due" in errors
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = unit_post(client, lead.pk, **reply, commitment="建成养老院", commitment_due=past)
    assert "commitment_due" in response.context["forms"]["reply"].errors
    assert Suggestion.objects.get(pk=pk).state == "assigned"
    due = timezone.localdate() + dt.timedelta(days=200)
    response = unit_post(client, lead.pk, **reply, commitment="明年底前建成养老院一所",
                         commitment_due=due.isoformat())  # fmt: skip
    assert response.status_code == 302
    client.logout()

    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["commitment"] == {"action": "明年底前建成养老院一所", "due_on": due.isoformat(),
                                    "status": "open", "done_at": None}  # fmt: skip
    assert (
        post(client, zhang.auth, f"{pk}/rate/", {"result": "satisfied"}).json()["status"] == "rated"
    )

    # Not closable while the promise is open.
    client.force_login(office)
    page = client.get(f"/admin/suggestions/office/{pk}/").content.decode()
    assert "确认已落实" in page and 'value="close"' not in page
    response = office_post(client, pk, step="close")
    assert response.status_code == 200 and "尚未落实" in response.content.decode()
    assert Suggestion.objects.get(pk=pk).state == "rated"

    # Overdue commitments are shown on the board (the date has passed).
    Suggestion.objects.filter(pk=pk).update(
        commitment_due=timezone.localdate() - dt.timedelta(days=3)
    )
    board = client.get(BOARD)
    assert board.context["board"].commitments_overdue == 1
    assert "逾期未落实" in board.content.decode()
    assert titles(client.get(BOARD, {"commitment": "overdue"})) == {"关于建设乡镇养老院的建议"}
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["commitment"]["status"] == "overdue"

    # The unit reports it done, the office confirms, then closes.
    client.force_login(units["lead_staff"])
    response = unit_post(client, lead.pk, step="commitment_report", report="养老院已建成投用。")
    assert response.status_code == 302
    client.force_login(office)
    assert titles(client.get(BOARD, {"commitment": "reported"})) == {"关于建设乡镇养老院的建议"}
    assert office_post(client, pk, step="commitment_done", note="").status_code == 302
    assert office_post(client, pk, step="close").status_code == 302
    item = Suggestion.objects.get(pk=pk)
    assert item.state == "closed" and item.commitment_done_at is not None
    notes = list(item.history.values_list("note", flat=True))
    assert any("承诺" in n and "明年底前建成养老院一所" in n for n in notes)
    assert (
        "办公室确认承诺事项已落实:养老院已建成投用。" not in notes
    )  # the unit's report is its own line
    assert any(n.startswith("承办单位报告承诺事项已落实") for n in notes)
    detail = client.get(api(f"{pk}/"), **zhang.auth).json()
    assert detail["status"] == "closed" and detail["commitment"]["status"] == "done"


def test_a_and_d_replies_carry_no_commitment(client, people, units, office):
    pk = assigned(client, office, people["张伟"], units, "关于路灯的建议")
    lead = Suggestion.objects.get(pk=pk).assignments.get(role="lead")
    client.force_login(units["lead_staff"])
    unit_post(client, lead.pk, step="reply", reply_class="D", text="留作参考。", signed_by="王局长",
              commitment="不应保存", commitment_due="2099-01-01")  # fmt: skip
    item = Suggestion.objects.get(pk=pk)
    assert item.state == "replied" and item.commitment == "" and item.commitment_due is None
    client.logout()
    assert client.get(api(f"{pk}/"), **people["张伟"].auth).json()["commitment"] is None
    client.force_login(office)
    assert office_post(client, pk, step="close").status_code == 302


def test_bulk_assigning_an_item_of_a_group_assigns_the_group(client, people, units, office):
    x = accepted(client, office, people["张伟"], "并案甲")
    y = accepted(client, office, people["李芳"], "并案乙")
    alone = accepted(client, office, people["李芳"], "单独一件")
    client.force_login(office)
    client.post(BOARD, {"action": "merge", "items": [x, y]})
    response = client.post(BOARD, {"action": "assign", "lead": units["lead"].pk, "items": [x]},
                           follow=True)  # fmt: skip
    assert "已将 2 件议案建议交办" in response.content.decode()
    states = dict(Suggestion.objects.filter(pk__in=[x, y, alone]).values_list("pk", "state"))
    assert states == {x: "assigned", y: "assigned", alone: "accepted"}
