"""Importing past sessions' items from Excel: the admin page and the command, all or nothing.

The sample workbook (``fixtures/suggestions_import.xlsx``) imports on the test
site; the corpus below breaks it one mistake at a time, and each time the
report names the row and the column and nothing is stored.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from cms.services import deadlines
from fixtures import suggestions_import as sample
from plugins.suggestions import importer
from plugins.suggestions.models import Suggestion

from .conftest import make_deputy
from .test_flow import api

pytestmark = pytest.mark.django_db

IMPORT = "/admin/suggestions/import/"
BOARD = "/admin/suggestions/suggestion/"


def upload(data: bytes, name: str = "past.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/vnd.ms-excel")


def post_import(client, feixi, data: bytes, dry_run: bool = False, name: str = "past.xlsx"):
    form = {"site": feixi.site_id, "file": upload(data, name)}
    if dry_run:
        form["dry_run"] = "on"
    return client.post(IMPORT, form)


def with_cell(row: int, column: str, value, rows=sample.SAMPLE_ROWS) -> bytes:
    """The sample with one cell changed (``row``: the sheet's row number, 2 = the first item)."""
    return with_cells(row, {column: value}, rows)


def with_cells(row: int, cells: dict, rows=sample.SAMPLE_ROWS) -> bytes:
    """The sample with some cells of one row changed."""
    rows = [list(r) for r in rows]
    for column, value in cells.items():
        rows[row - 2][sample.COLUMNS.index(column)] = value
    return sample.build(rows)


def moves(item) -> list[tuple[str, str]]:
    """The item's changes of state, in order (history lines that keep the state left out)."""
    return [(h.from_state, h.to_state) for h in item.history.all() if h.from_state != h.to_state]


def test_the_sample_file_is_the_builders():
    book = importer._open(io.BytesIO(sample.PATH.read_bytes()))
    rows = [
        tuple(importer._text(v) for v in r) for r in book.worksheets[0].iter_rows(values_only=True)
    ]
    assert rows[0] == importer.COLUMNS
    assert rows[1:] == [tuple(r) for r in sample.SAMPLE_ROWS]


def test_the_sample_imports_through_the_admin_in_the_right_states(
    client, people, units, office, feixi
):
    zhang, li = people["张伟"], people["李芳"]
    client.force_login(office)
    page = client.get(IMPORT)
    assert page.status_code == 200 and "领衔代表" in page.content.decode()
    template = client.get(f"{IMPORT}template/")
    assert template.status_code == 200 and template["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )

    response = post_import(client, feixi, sample.PATH.read_bytes())
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and report.created == 8, report.as_text()
    assert "导入完成" in response.content.decode()
    items = {s.number: s for s in Suggestion.objects.filter(site_id=feixi.site_id, imported=True)}
    states = {number: s.state for number, s in items.items()}
    assert states == {"第0001号": "closed", "第0002号": "rated", "第0003号": "replied",
                      "第0004号": "assigned", "第0005号": "accepted", "第0006号": "accepted",
                      "第0007号": "rehandling", "第0008号": "closed"}  # fmt: skip
    for number, item in items.items():
        if number not in ("第0007号", "第0008号"):  # re-handled: test_a_rehandled_item_…
            assert [(h.from_state, h.to_state, h.note) for h in item.history.all()] == [
                ("", item.state, "导入")
            ]
    first = items["第0001号"]
    assert first.session == "十七届人大四次会议" and first.category == "transport"
    assert first.author == zhang.user and first.deputy_ref == zhang.ref
    assert [
        (c.name, c.user == li.user, c.confirmed_at is not None) for c in first.cosigners.all()
    ] == [("李芳", True, True)]
    assert {(a.unit.name, a.role) for a in first.assignments.all()} == {
        ("肥西县交通运输局", "lead"),
        ("肥西县财政局", "co"),
    }
    assert first.reply_class == "A" and first.replied_at.date() == dt.date(2026, 6, 10)
    # The lead deputy's rating and the co-signer's, each with the co-signer's account.
    assert [(r.deputy_name, r.round, r.result, r.user) for r in first.ratings.all()] == [
        ("张伟", 1, "satisfied", zhang.user), ("李芳", 1, "basically", li.user)
    ]  # fmt: skip
    promise = items["第0002号"]
    assert promise.commitment == "新增招呼站20个" and promise.commitment_due == dt.date(2027, 6, 30)
    assert promise.commitment_open
    motion = items["第0006号"]
    assert motion.kind == "motion" and motion.period == "recess"
    # The open item's reply clock runs from its 交办日期; the answered ones have none.
    clock = deadlines.clocks_of(Suggestion, [items["第0004号"].pk], ["suggestion.reply"])
    clock = clock[str(items["第0004号"].pk)]
    assert clock.started_on == dt.date(2026, 10, 20)
    assert clock.due_on == deadlines.due_date("suggestion.reply", dt.date(2026, 10, 20), feixi.site)
    assert not deadlines.clocks_of(Suggestion, [first.pk], ["suggestion.reply"])

    # On the board, by session; the deputies see theirs in the API.
    board = client.get(BOARD, {"session": "十七届人大四次会议"})
    assert {s.number for s in board.context["object_list"]} == {
        f"第000{i}号" for i in (1, 2, 3, 4, 5, 7, 8)
    }
    client.logout()
    mine = client.get(f"{api()}&state=rated", **li.auth).json()
    assert [s["id"] for s in mine["results"]] == [promise.pk]
    detail = client.get(api(f"{promise.pk}/"), **li.auth).json()
    assert detail["status"] == "rated"
    assert detail["commitment"]["action"] == "新增招呼站20个"
    assert detail["history"][0]["note"] == "导入"

    # The same file again: every number is taken, nothing more is stored.
    client.force_login(office)
    again = post_import(client, feixi, sample.PATH.read_bytes())
    assert not again.context["report"].ok
    assert (2, "编号", "本站点已有编号为“第0001号”的议案建议") in again.context["report"].errors
    assert Suggestion.objects.filter(imported=True).count() == 8


def test_a_dry_run_checks_and_writes_nothing(client, people, units, office, feixi):
    client.force_login(office)
    response = post_import(client, feixi, sample.PATH.read_bytes(), dry_run=True)
    report = response.context["report"]
    assert report.ok and report.dry_run and report.created == 0 and report.rows == 8
    assert "校验通过(未写入)" in response.content.decode()
    assert not Suggestion.objects.filter(imported=True).exists()


CORPUS = [
    # (row, column, value) → (row, column, part of the message)
    ((2, "领衔代表", "王小明"), (2, "领衔代表", "代表名册中没有本级人大代表“王小明”")),
    ((3, "领衔代表", "曾国华"), (3, "领衔代表", "代表名册中没有本级人大代表“曾国华”")),
    ((4, "附议代表", "李芳、无名氏"), (4, "附议代表", "无名氏")),
    ((2, "附议代表", "张伟"), (2, "附议代表", "是领衔代表")),
    ((2, "主办单位", "肥西县水务局"), (2, "主办单位", "本站点没有承办单位“肥西县水务局”")),
    ((2, "协办单位", "肥西县交通运输局"), (2, "协办单位", "已是主办单位")),
    ((2, "答复类别", "E"), (2, "答复类别", "不是答复类别的可选值")),
    ((2, "答复日期", "2026-13-01"), (2, "答复日期", "不是有效日期")),
    ((2, "答复日期", "下个月"), (2, "答复日期", "日期格式应为")),
    ((2, "答复日期", "2099-01-01"), (2, "答复日期", "不能晚于今天")),
    ((2, "答复内容", ""), (2, "答复内容", "须一并填写")),
    ((4, "评价", "非常满意"), (4, "评价", "不是评价的可选值")),
    ((5, "评价", "满意"), (5, "评价", "尚未答复")),
    ((5, "交办日期", ""), (5, "交办日期", "须填写交办日期")),
    ((2, "承诺事项", "不该有"), (2, "承诺完成时间", "须一并填写")),
    ((3, "承诺完成时间", ""), (3, "承诺完成时间", "须一并填写")),
    ((3, "答复类别", "A"), (3, "承诺事项", "只有B类、C类")),
    ((2, "类别", "提案"), (2, "类别", "不是类别的可选值")),
    ((2, "分类", "体育"), (2, "分类", "不是分类的可选值")),
    ((2, "标题", ""), (2, "标题", "必填")),
    ((2, "届次会议", ""), (2, "届次会议", "必填")),
    ((2, "标题", "长" * 201), (2, "标题", "不超过 200 字")),
    ((3, "编号", "第0001号"), (3, "编号", "与第2行的编号重复")),
    ((6, "协办单位", "肥西县财政局"), (6, "主办单位", "填写协办单位时须填写主办单位")),
    # Co-signers' ratings (row 2: 张伟 leads, 李芳 co-signs; row 4: nobody co-signs).
    ((2, "附议代表评价", "王五:满意"), (2, "附议代表评价", "代表名册中没有本级人大代表“王五”")),
    ((2, "附议代表评价", "张伟:满意"), (2, "附议代表评价", "张伟是领衔代表,其评价填在“评价”列")),
    ((4, "附议代表评价", "李芳:满意"), (4, "附议代表评价", "李芳不是这件议案建议的附议代表")),
    ((2, "附议代表评价", "李芳满意"), (2, "附议代表评价", "应写作“姓名:评价”")),
    ((2, "附议代表评价", "李芳:非常满意"), (2, "附议代表评价", "不是评价的可选值")),
    ((2, "附议代表评价", "李芳:满意、李芳：满意"), (2, "附议代表评价", "李芳的评价填了两次")),
    ((5, "附议代表评价", "张伟:满意"), (5, "附议代表评价", "尚未答复")),
    # Row 8: 李芳 rated the first reply 不满意 (re-handling); row 9: answered again.
    ((8, "附议代表评价", "张伟:不满意"), (8, "附议代表评价", "只能有一位代表评价不满意")),
    ((8, "二次评价", "满意"), (8, "二次评价", "尚未二次答复")),
    ((8, "附议代表二次评价", "张伟:满意"), (8, "附议代表二次评价", "尚未二次答复")),
    ((9, "二次答复内容", ""), (9, "二次答复内容", "须一并填写")),
    ((9, "二次答复类别", "E"), (9, "二次答复类别", "不是二次答复类别的可选值")),
    ((9, "二次答复日期", "2026-06-10"), (9, "二次答复日期", "须晚于答复日期")),
    ((9, "二次答复日期", "2099-01-01"), (9, "二次答复日期", "不能晚于今天")),
    ((9, "二次评价", "很好"), (9, "二次评价", "不是二次评价的可选值")),
    ((9, "附议代表二次评价", "李芳:很好"), (9, "附议代表二次评价", "不是评价的可选值")),
    ((9, "附议代表二次评价", "张伟:满意"), (9, "附议代表二次评价", "其评价填在“二次评价”列")),
    ((9, "附议代表评价", "李芳:满意"), (9, "二次答复类别", "只有第一次答复被评价为不满意")),
    ((9, "承诺事项", "另行增开班次"), (9, "承诺完成时间", "须一并填写")),
]

SECOND_ROUND = {"二次答复类别": "A", "二次答复内容": "已重新办理。", "二次答复日期": "2026-09-01"}
ROUND_CORPUS = [
    # (row, cells) → (row, column, part of the message): rows that need several cells.
    ((2, SECOND_ROUND), (2, "二次答复类别", "只有第一次答复被评价为不满意")),
    ((6, SECOND_ROUND), (6, "二次答复类别", "尚未答复的议案建议不能有二次答复")),
    (
        (9, {"承诺事项": "另行增开班次", "承诺完成时间": "2027-06-30"}),
        (9, "承诺事项", "只有B类、C类答复有承诺事项(有二次答复时,承诺事项是二次答复的)"),
    ),
    (
        (9, {"二次评价": "不满意", "附议代表二次评价": "李芳:不满意"}),
        (9, "附议代表二次评价", "只能有一位代表评价不满意"),
    ),
    (
        (3, {"评价": "不满意", **SECOND_ROUND, "二次答复类别": "D"}),
        (3, "承诺事项", "只有B类、C类答复有承诺事项"),
    ),
]


@pytest.mark.parametrize(("change", "expected"), CORPUS, ids=[f"{c[1]}-{c[0]}" for c, _ in CORPUS])
def test_a_bad_row_is_named_and_nothing_is_stored(
    client, people, units, office, feixi, change, expected
):
    client.force_login(office)
    response = post_import(client, feixi, with_cell(*change))
    report = response.context["report"]
    assert not report.ok
    row, column, part = expected
    assert any(r == row and c == column and part in m for r, c, m in report.errors), report.errors
    page = response.content.decode()
    assert "未导入任何数据" in page and part in page
    assert not Suggestion.objects.filter(imported=True).exists()


@pytest.mark.parametrize(("change", "expected"), ROUND_CORPUS,
                         ids=[f"{e[1]}-{c[0]}" for c, e in ROUND_CORPUS])  # fmt: skip
def test_a_bad_round_is_named_and_nothing_is_stored(
    client, people, units, office, feixi, change, expected, tmp_path
):
    client.force_login(office)
    data = with_cells(*change)
    report = post_import(client, feixi, data).context["report"]
    row, column, part = expected
    assert any(r == row and c == column and part in m for r, c, m in report.errors), report.errors
    assert not Suggestion.objects.filter(imported=True).exists()
    # The command reports the same line and stores nothing either.
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError) as failure:
        call_command("import_suggestions", "340123", str(path))
    assert f"第{row}行 {column}:" in str(failure.value) and part in str(failure.value)
    assert not Suggestion.objects.filter(imported=True).exists()


def test_a_shared_name_needs_the_register_id(client, people, units, office, feixi):
    other = make_deputy("李芳", "13900000019", "340123")
    client.force_login(office)
    report = post_import(client, feixi, sample.PATH.read_bytes()).context["report"]
    assert any(c == "领衔代表" and "2 位代表名为“李芳”" in m for _r, c, m in report.errors)
    assert any(c == "附议代表" for _r, c, m in report.errors)
    assert any(c == "附议代表评价" and "2 位代表名为“李芳”" in m for _r, c, m in report.errors)
    # The register id names her in the ratings as in 附议代表: "李芳(12):不满意".
    rows = [[f"李芳({other.ref})" if v == "李芳" else v.replace("李芳:", f"李芳({other.ref}):")
             for v in row] for row in sample.SAMPLE_ROWS]  # fmt: skip
    report = post_import(client, feixi, sample.build(rows)).context["report"]
    assert report.ok, report.as_text()
    assert Suggestion.objects.get(number="第0002号").deputy_ref == other.ref
    rehandled = Suggestion.objects.get(number="第0008号")
    assert [(r.user, r.round, r.result) for r in rehandled.ratings.filter(deputy_name="李芳")] == [
        (other.user, 1, "unsatisfied"), (other.user, 2, "satisfied")
    ]  # fmt: skip
    # A register id that is not the named deputy's is refused.
    wrong = [
        [f"李芳({people['张伟'].ref})" if v == "李芳" else v for v in r] for r in sample.SAMPLE_ROWS
    ]
    wrong = [[f"X{v}" if i == 0 else v for i, v in enumerate(r)] for r in wrong]
    report = post_import(client, feixi, sample.build(wrong)).context["report"]
    assert any(c == "领衔代表" and "没有编号为" in m for _r, c, m in report.errors), report.errors


def test_files_of_the_wrong_shape_are_refused(client, people, units, office, feixi):
    client.force_login(office)
    response = post_import(client, feixi, b"not a workbook", name="past.csv")
    assert response.status_code == 200 and "只能导入 Excel" in response.content.decode()
    response = post_import(client, feixi, b"not a workbook")
    assert "不是有效的 Excel" in response.content.decode()
    header = sample.build(sample.SAMPLE_ROWS, columns=("编号", "标题"))
    response = post_import(client, feixi, header)
    assert "第 1 行应为表头" in response.content.decode()
    response = post_import(client, feixi, sample.build(()))
    assert "没有数据行" in response.content.decode()
    # The short header (without the optional columns) is accepted.
    base = len(importer.BASE)
    short = sample.build(
        [r[:base] for r in sample.SAMPLE_ROWS if not any(r[base:])], columns=sample.COLUMNS[:base]
    )
    report = post_import(client, feixi, short).context["report"]
    assert report.ok and report.created == 5, report.as_text()
    # An unknown column, or one twice, is refused; the optional ones come in any order.
    for columns, message in (((*importer.BASE, "备注"), "第 16 列“备注”不是导入模板的列"),
                             ((*importer.BASE, "二次评价", "二次评价"), "列“二次评价”重复")):  # fmt: skip
        response = post_import(client, feixi, sample.build((), columns=columns))
        assert message in response.content.decode()
    Suggestion.objects.filter(imported=True).delete()
    columns = (
        *importer.BASE,
        "附议代表评价",
        "二次评价",
        "二次答复日期",
        "二次答复内容",
        "二次答复类别",
    )
    row = {
        **dict(zip(sample.COLUMNS, sample.SAMPLE_ROWS[-1], strict=True)),
        "附议代表评价": "李芳：不满意",
    }
    report = post_import(client, feixi, sample.build([[row[c] for c in columns]], columns=columns))
    assert report.context["report"].ok, report.context["report"].as_text()
    item = Suggestion.objects.get(imported=True)
    assert (item.state, item.round, item.reply_class) == ("closed", 2, "A")
    assert [(r.deputy_name, r.round, r.result) for r in item.ratings.all()] == [
        ("张伟", 1, "basically"), ("李芳", 1, "unsatisfied"), ("张伟", 2, "satisfied")
    ]  # fmt: skip


def test_only_the_office_of_a_site_with_the_plugin_imports(client, people, units, feixi, make_user):
    client.force_login(units["lead_staff"])
    assert client.get(IMPORT).status_code in (302, 403, 404)
    nobody = make_user("no-perms")
    client.force_login(nobody)
    assert client.get(IMPORT).status_code in (302, 403, 404)


def test_the_command_imports_all_or_nothing(people, units, feixi, tmp_path):
    good = tmp_path / "past.xlsx"
    good.write_bytes(sample.PATH.read_bytes())
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(with_cell(3, "主办单位", "肥西县水务局"))
    out = io.StringIO()
    call_command("import_suggestions", "340123", str(good), "--dry-run", stdout=out)
    assert "校验通过(未写入):共 8 行" in out.getvalue()
    assert not Suggestion.objects.filter(imported=True).exists()
    with pytest.raises(CommandError) as failure:
        call_command("import_suggestions", "340123", str(bad))
    assert "第3行 主办单位:本站点没有承办单位“肥西县水务局”" in str(failure.value)
    assert not Suggestion.objects.filter(imported=True).exists()
    with pytest.raises(CommandError, match="No site"):
        call_command("import_suggestions", "999999", str(good))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_suggestions", "340123", str(tmp_path / "missing.xlsx"))
    call_command("import_suggestions", "340123", str(good), stdout=out)
    assert "导入完成:共 8 行,新增 8 件议案建议" in out.getvalue()
    item = Suggestion.objects.get(number="第0001号")
    assert item.history.get().actor_name == "系统" and item.entered_by is None


def test_the_page_and_the_template_list_the_new_columns(client, people, units, office, feixi):
    client.force_login(office)
    page = client.get(IMPORT).content.decode()
    for column in ("附议代表评价", "二次答复类别", "二次答复内容", "二次答复日期", "二次评价",
                   "附议代表二次评价"):  # fmt: skip
        assert f"<td>{column}</td>" in page
    assert "可省略此列" in page
    book = importer._open(io.BytesIO(client.get(f"{IMPORT}template/").content))
    header, example = list(book.worksheets[0].iter_rows(values_only=True))[:2]
    assert tuple(header) == importer.COLUMNS
    notes = {r[0]: r for r in book.worksheets[1].iter_rows(values_only=True) if r and r[0]}
    assert "李四:满意、王五:不满意" in notes["附议代表评价"][2]
    assert notes["二次答复类别"][1] == "可省略此列" and notes["标题"][1] == "必填"
    # The template's example row is skipped, co-signers' ratings and all.
    data = io.BytesIO(client.get(f"{IMPORT}template/").content)
    report = post_import(client, feixi, data.read()).context["report"]
    assert "没有数据行" in report.as_text()


def test_a_rehandled_item_lands_as_the_workflow_leaves_it(people, units, feixi, tmp_path):
    zhang, li = people["张伟"], people["李芳"]
    path = tmp_path / "past.xlsx"
    path.write_bytes(sample.PATH.read_bytes())
    call_command("import_suggestions", "340123", str(path), stdout=io.StringIO())

    # 第0008号: 李芳 (co-signer) found the C reply 不满意; the unit answered again (A), closed.
    done = Suggestion.objects.get(number="第0008号")
    assert (done.state, done.round, done.reply_class) == ("closed", 2, "A")
    assert done.reply_text == "经重新调度,已增加早晚班次各1班。"
    assert done.replied_at.date() == dt.date(2026, 8, 20) and not done.commitment
    assert [(r.deputy_name, r.user, r.round, r.result) for r in done.ratings.all()] == [
        ("张伟", zhang.user, 1, "basically"), ("李芳", li.user, 1, "unsatisfied"),
        ("张伟", zhang.user, 2, "satisfied"), ("李芳", li.user, 2, "satisfied"),
    ]  # fmt: skip
    assert moves(done) == [("", "replied"), ("replied", "rehandling"), ("rehandling", "replied"),
                           ("replied", "rated"), ("rated", "closed")]  # fmt: skip
    notes = [h.note for h in done.history.all()]
    assert notes[0].startswith("导入;第1次答复(C类,2026年6月10日):受车辆和运力限制")
    assert notes[1:] == ["李芳评价:不满意(导入)", "答复(A类)(导入)", "张伟评价:满意(导入)",
                         "办结(导入)"]  # fmt: skip
    assert {h.actor_name for h in done.history.all()} == {"系统"}
    # The re-handling clock ran from the rated reply's day to the second reply.
    clocks = deadlines.Deadline.objects.filter(object_id=str(done.pk), rule="suggestion.rehandling")
    (clock,) = clocks
    assert clock.started_on == dt.date(2026, 6, 10) and clock.stopped_at.date() == dt.date(
        2026, 8, 20
    )
    assert clock.due_on == deadlines.due_date(
        "suggestion.rehandling", dt.date(2026, 6, 10), feixi.site
    )
    assert deadlines.state(clock) == deadlines.DeadlineState.MET_LATE
    assert not deadlines.Deadline.objects.filter(object_id=str(done.pk), rule="suggestion.reply")
    # A past session's replies start no publication clock (a live reply does).
    assert not deadlines.Deadline.objects.filter(
        object_id=str(done.pk), rule="suggestion.publication"
    )

    # 第0007号: the lead deputy's 不满意; still re-handled, its clock running (and overdue).
    open_ = Suggestion.objects.get(number="第0007号")
    assert (open_.state, open_.round, open_.reply_class) == ("rehandling", 1, "D")
    assert [(r.deputy_name, r.round, r.result) for r in open_.ratings.all()] == [
        ("李芳", 1, "unsatisfied")
    ]
    assert moves(open_) == [("", "replied"), ("replied", "rehandling")]
    assert [h.note for h in open_.history.all()] == ["导入", "李芳评价:不满意(导入)"]
    clock = deadlines.running_clock(open_, "suggestion.rehandling")
    assert clock.started_on == dt.date(2026, 6, 15)
    assert deadlines.state(clock) in (deadlines.DeadlineState.OVERDUE,
                                      deadlines.DeadlineState.LONG_OVERDUE)  # fmt: skip


def test_the_public_statistics_count_the_imported_ratings_and_rounds(
    client, people, units, office, feixi
):
    client.force_login(office)
    assert post_import(client, feixi, sample.PATH.read_bytes()).context["report"].ok
    client.logout()
    data = client.get("/api/v1/suggestions/statistics/", {"site": "340123"}).json()
    total = data["total"]
    r = lambda n, d: {"numerator": n, "denominator": d, "percent": round(n * 100 / d, 1)}  # noqa: E731
    # Handled: 0001 closed, 0002 rated, 0003 replied, 0007 re-handled, 0008 closed.
    assert total["counts"] == {"accepted": 8, "assigned": 6, "handled": 5, "open": 2}
    assert total["withheld"] is False
    # Ratings: 0001 满意 + 基本满意; 0002 基本满意; 0007 不满意; 0008 基本满意, 不满意, 满意, 满意.
    assert total["satisfaction"] == r(6, 8)
    assert total["ratings"] == {"satisfied": r(3, 8), "basically": r(3, 8), "unsatisfied": r(2, 8)}
    assert total["rehandling"] == r(2, 5)
    assert total["classes"] == {"A": r(2, 5), "B": r(1, 5), "C": r(0, 5), "D": r(2, 5)}
    # Open: 0004 (reply clock from 2026-10-20) and 0007 (re-handling clock, long overdue).
    late = timezone.localdate() > deadlines.due_date("suggestion.reply", dt.date(2026, 10, 20),
                                                     feixi.site)  # fmt: skip
    assert total["overdue_open"] == r(1 + late, 2)
    transport = next(u for u in data["units"] if u["name"] == "肥西县交通运输局")
    # The lead unit's four handled items are fewer than the public minimum (5): counts only.
    assert transport["counts"]["handled"] == 4 and transport["withheld"] is True


def test_imported_items_count_as_the_same_items_handled_live(
    client, site_group, people, units, office, feixi, make_user, monkeypatch
):
    """The same three items: handled live on 合肥市, imported on 肥西县; the same figures."""
    from django.apps import apps

    from cms.plugins import set_enabled
    from plugins.suggestions import workflow

    from .conftest import unit_with_staff

    hefei = site_group["340100"]
    set_enabled("suggestions", hefei, True)
    monkeypatch.setitem(apps.get_app_config("suggestions").plugin_settings,
                        "PUBLIC_STATS_MIN_HANDLED", 1)  # fmt: skip
    zhang, wang = people["张伟"], make_deputy("王强", "13900000021", "340123", "340100")
    unit, staff = unit_with_staff(hefei, "合肥市交通运输局", "unit-hefei-transport")
    hefei_office = make_user("hefei-office", hefei.editors_group)

    def live(title, first, ratings, second=None, second_ratings=(), close=False):
        s = Suggestion.objects.create(site=hefei.site, title=title, text="建议内容。",
                                      author=zhang.user, deputy_ref=zhang.ref, deputy_name="张伟",
                                      session=sample.SESSION)  # fmt: skip
        workflow.move_created(s, zhang.user)
        workflow.invite_cosigners(s, [wang.ref])
        workflow.submit(s, zhang.user)
        workflow.confirm_cosign(s, wang.user)
        workflow.accept(s, hefei_office, "transport")
        workflow.assign(s, hefei_office, unit, on=timezone.localdate() - dt.timedelta(days=30))
        for cls, rounds in ((first, ratings), (second, second_ratings)):
            if cls is None:
                break
            promise = {"commitment": "列入计划", "commitment_due": dt.date(2099, 6, 30)}
            workflow.reply(s, staff, reply_class=cls, text="答复。", signed_by="局长",
                           **(promise if cls in "BC" else {}))  # fmt: skip
            for who, result in rounds:
                workflow.rate(s, who.user, result)
        if close:
            workflow.close(s, hefei_office)
        return s

    satisfied, basically, unsatisfied = "satisfied", "basically", "unsatisfied"
    live_items = [
        live(
            "甲",
            "D",
            [(zhang, basically), (wang, unsatisfied)],
            "A",
            [(zhang, satisfied), (wang, satisfied)],
            close=True,
        ),
        live("乙", "B", [(wang, basically), (zhang, satisfied)]),
        live("丙", "D", [(wang, unsatisfied)]),
    ]
    blank = dict.fromkeys(sample.COLUMNS, "")
    base = {**blank, "届次会议": sample.SESSION, "类别": "建议", "内容": "建议内容。",
            "领衔代表": "张伟", "附议代表": "王强", "分类": "交通建设", "主办单位": "肥西县交通运输局",
            "交办日期": "2026-03-20", "答复内容": "答复。", "答复日期": "2026-06-10"}  # fmt: skip
    rows = [
        {**base, "标题": "甲", "答复类别": "D", "评价": "基本满意", "附议代表评价": "王强:不满意",
         "二次答复类别": "A", "二次答复内容": "答复。", "二次答复日期": "2026-08-01",
         "二次评价": "满意", "附议代表二次评价": "王强：满意"},
        {**base, "标题": "乙", "答复类别": "B", "评价": "满意", "附议代表评价": "王强:基本满意",
         "承诺事项": "列入计划", "承诺完成时间": "2099-06-30"},
        {**base, "标题": "丙", "答复类别": "D", "附议代表评价": "王强 : 不满意"},
    ]  # fmt: skip
    client.force_login(office)
    data = sample.build([[row[c] for c in sample.COLUMNS] for row in rows])
    report = post_import(client, feixi, data).context["report"]
    assert report.ok, report.as_text()
    imported = [Suggestion.objects.get(site_id=feixi.site_id, title=t) for t in ("甲", "乙", "丙")]

    for a, b in zip(live_items, imported, strict=True):
        a.refresh_from_db()
        assert (b.state, b.round, b.reply_class) == (a.state, a.round, a.reply_class)
        assert b.commitment_open == a.commitment_open

        def ratings(item):
            return sorted((r.round, r.deputy_name, r.user_id, r.result) for r in item.ratings.all())

        assert ratings(b) == ratings(a)
        # The re-handling clocks: as many, running or stopped alike.
        clocks = [
            [
                c.stopped_at is None
                for c in deadlines.Deadline.objects.filter(
                    object_id=str(item.pk), rule="suggestion.rehandling"
                )
            ]  # fmt: skip
            for item in (a, b)
        ]
        assert clocks[0] == clocks[1]
    assert [s.state for s in imported] == ["closed", "rated", "rehandling"]
    # The moves of the re-handled item, from its first reply on.
    tail = [to for _from, to in moves(live_items[0])]
    assert [to for _from, to in moves(imported[0])] == tail[tail.index("replied") :]

    client.logout()
    data = client.get("/api/v1/suggestions/statistics/", {"site": "340100"}).json()
    rows = {row["site"]["code"]: row for row in data["sites"]}
    compared = ("counts", "handled", "classes", "satisfaction", "ratings", "rehandling")
    assert {k: rows["340123"][k] for k in compared} == {k: rows["340100"][k] for k in compared}
    assert rows["340100"]["rehandling"]["numerator"] == 2
    assert rows["340100"]["satisfaction"]["denominator"] == 7
