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
    rows = [list(r) for r in rows]
    rows[row - 2][sample.COLUMNS.index(column)] = value
    return sample.build(rows)


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
    assert report.ok and report.created == 6, report.as_text()
    assert "导入完成" in response.content.decode()
    items = {s.number: s for s in Suggestion.objects.filter(site_id=feixi.site_id, imported=True)}
    states = {number: s.state for number, s in items.items()}
    assert states == {"第0001号": "closed", "第0002号": "rated", "第0003号": "replied",
                      "第0004号": "assigned", "第0005号": "accepted", "第0006号": "accepted"}  # fmt: skip
    for item in items.values():
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
    assert [(r.deputy_name, r.result) for r in first.ratings.all()] == [("张伟", "satisfied")]
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
    assert {s.number for s in board.context["object_list"]} == {f"第000{i}号" for i in range(1, 6)}
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
    assert Suggestion.objects.filter(imported=True).count() == 6


def test_a_dry_run_checks_and_writes_nothing(client, people, units, office, feixi):
    client.force_login(office)
    response = post_import(client, feixi, sample.PATH.read_bytes(), dry_run=True)
    report = response.context["report"]
    assert report.ok and report.dry_run and report.created == 0 and report.rows == 6
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


def test_a_shared_name_needs_the_register_id(client, people, units, office, feixi):
    other = make_deputy("李芳", "13900000019", "340123")
    client.force_login(office)
    report = post_import(client, feixi, sample.PATH.read_bytes()).context["report"]
    assert any(c == "领衔代表" and "2 位代表名为“李芳”" in m for _r, c, m in report.errors)
    assert any(c == "附议代表" for _r, c, m in report.errors)
    rows = [[f"李芳({other.ref})" if v == "李芳" else v for v in row] for row in sample.SAMPLE_ROWS]
    report = post_import(client, feixi, sample.build(rows)).context["report"]
    assert report.ok, report.as_text()
    assert Suggestion.objects.get(number="第0002号").deputy_ref == other.ref
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
    # The short header (without the two commitment columns) is accepted.
    short = sample.build(
        [r[:15] for r in sample.SAMPLE_ROWS if not r[15]], columns=sample.COLUMNS[:15]
    )
    report = post_import(client, feixi, short).context["report"]
    assert report.ok and report.created == 5


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
    assert "校验通过(未写入):共 6 行" in out.getvalue()
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
    assert "导入完成:共 6 行,新增 6 件议案建议" in out.getvalue()
    item = Suggestion.objects.get(number="第0001号")
    assert item.history.get().actor_name == "系统" and item.entered_by is None
