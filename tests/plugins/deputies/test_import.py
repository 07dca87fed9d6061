"""Importing the deputies register from Excel: the admin's import page and ``import_deputies``.

Workbooks are built in memory with openpyxl, as congress offices fill them in:
a good file creates people, seats and posts (private fields encrypted, pinyin
filled) and re-imports as unchanged; every kind of bad row is reported with
its row number and column, and then nothing at all is written.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from cms.plugins import set_enabled
from plugins.deputies import models as m
from plugins.deputies.importer import COLUMNS, DELEGATION_COLUMNS
from tests.plugins.deputies.conftest import ID_NUMBERS, valid_id_number

IMPORT_URL = "/admin/deputies/import/"
TEMPLATE_URL = "/admin/deputies/import/template/"


def row(seed: int, **cells) -> dict:
    """A valid row for 肥西县's 18th congress; override cells by column name."""
    values = {
        "人大代码": "340123",
        "届次": 18,
        "姓名": "赵敏",
        "性别": "女",
        "民族": "汉族",
        "出生年月": "1980-05",
        "政治面貌": "中国共产党",
        "学历": "大学本科",
        "职业构成": "农民",
        "工作单位及职务": "某村主任",
        "职称": "",
        "代表团": "",
        "代表小组": "第二代表小组",
        "选区": "第一选区",
        "选举方式": "直接选举",
        "当选日期": "2021-12-01",
        "终止日期": "",
        "终止原因": "",
        "职务": "",
        "身份证号": valid_id_number(seed),
        "手机号码": f"139{seed:08d}",
        "通讯地址": f"肥西县上派镇某路 {seed} 号",
    }
    values.update(cells)
    return values


def workbook(rows, delegations=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "代表"
    sheet.append(COLUMNS)
    for values in rows:
        sheet.append([values[c] for c in COLUMNS])
    if delegations:
        extra = book.create_sheet("代表团")
        extra.append(DELEGATION_COLUMNS)
        for values in delegations:
            extra.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, name="register.xlsx", **extra):
    return client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data), **extra})


def table_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (m.Person, m.Membership, m.Delegation, m.DeputyGroup, m.Constituency,
                      m.Post, m.PostHolding)
    }  # fmt: skip


@pytest.fixture
def feixi_editor(register, site_group, make_user):
    return make_user("feixi-editor", site_group["340123"].editors_group)


@pytest.fixture
def good_rows():
    return [
        row(1, 姓名="赵敏", 职务="常务委员会委员；法制委员会主任"),
        row(
            2,
            姓名="曾小单",
            性别="男",
            出生年月=datetime.datetime(1975, 3, 15),
            政治面貌="群众",
            代表小组="",
            当选日期=datetime.datetime(2021, 12, 1),
            职务="副主任",
        ),
        # 李芳 exists: her seat in 肥西县 gets a group; same person by ID number.
        row(
            3,
            姓名="李芳",
            身份证号=ID_NUMBERS[1],
            民族="回族",
            出生年月="1975年3月",
            政治面貌="群众",
            学历="大学专科",
            职业构成="一线工人",
            工作单位及职务="",
            手机号码="13900000000",
            通讯地址="合肥市蜀山区某路 1 号",
            代表小组="第一代表小组",
        ),
        row(
            4,
            人大代码="340123100",
            届次="第十八届",
            姓名="钱多多",
            性别="男",
            选区="第三选区",
            身份证号=valid_id_number(4, "340123"),
            出生年月="1990.10",
        ),
    ]


def test_a_good_file_creates_people_seats_and_posts(client, feixi_editor, register, good_rows):
    client.force_login(feixi_editor)
    before = table_counts()
    response = upload(client, workbook(good_rows))
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (4, 3, 1, 0)
    assert "导入完成" in response.content.decode()
    assert "<td>340123、340123100</td>" in response.content.decode()
    after = table_counts()
    assert after["Person"] - before["Person"] == 3
    assert after["Membership"] - before["Membership"] == 3
    assert after["Post"] - before["Post"] == 3 and after["PostHolding"] - before["PostHolding"] == 3

    zhao = m.Person.objects.get(name="赵敏")
    assert (zhao.name_pinyin, zhao.name_initials) == ("zhaomin", "zm")
    assert zhao.site_id == register.congresses["340123"].site_id
    assert zhao.birth_date == datetime.date(1980, 5, 1)
    assert (zhao.gender, zhao.party, zhao.education) == ("female", "cpc", "university")
    assert zhao.id_number == valid_id_number(1) and zhao.mobile == "13900000001"
    raw = m.Person.objects.filter(pk=zhao.pk).values()[0]
    stored = " ".join(str(v) for v in raw.values())
    for secret in (valid_id_number(1), "13900000001", "某路 1 号"):
        assert secret not in stored
    assert {h.post.label for h in zhao.post_holdings.select_related("post")} == {
        "常务委员会委员",
        "法制委员会主任",
    }
    zeng = m.Person.objects.get(name="曾小单")
    assert zeng.name_pinyin == "zengxiaodan"  # 曾 read as a surname
    assert zeng.birth_date == datetime.date(1975, 3, 1)
    assert zeng.post_holdings.get().post.label == "常务委员会副主任"
    seat = m.Membership.objects.get(person__name="钱多多")
    assert seat.congress.division_code == "340123100"
    assert seat.site_id == register.congresses["340123100"].site_id
    assert seat.constituency.name == "第三选区" and seat.constituency.term_id == seat.term_id
    assert seat.person.birth_date == datetime.date(1990, 10, 1)
    li = register.people["李芳"]
    li.refresh_from_db()
    assert li.memberships.get(term=register.terms["340123"]).deputy_group.name == "第一代表小组"

    # Bulk writes send no signals: the importer re-indexes the people itself.
    found = client.get("/api/v1/search/", {"q": "钱多多", "site": "340123"}).json()
    assert any(hit["title"] == "钱多多" for hit in found["results"]), found

    entries = ModelLogEntry.objects.filter(action="deputies.imported")
    assert {e.data["congress"] for e in entries} == {"340123", "340123100"}
    assert all(e.data["site"] == "340123" and e.user_id == feixi_editor.pk for e in entries)
    logged = " ".join(str(e.data) for e in entries)
    assert valid_id_number(1) not in logged and "赵敏" not in logged


def test_reimport_changes_nothing_and_one_cell_updates_one_person(
    client, feixi_editor, register, good_rows
):
    client.force_login(feixi_editor)
    assert upload(client, workbook(good_rows)).context["report"].ok
    stamps = dict(m.Person.objects.values_list("pk", "updated_at"))
    before = table_counts()

    again = upload(client, workbook(good_rows)).context["report"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert "未变 4 行" in again.summary()
    assert dict(m.Person.objects.values_list("pk", "updated_at")) == stamps
    assert table_counts() == before

    good_rows[0]["职称"] = "高级农艺师"
    changed = upload(client, workbook(good_rows)).context["report"]
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    after = dict(m.Person.objects.values_list("pk", "updated_at"))
    assert [pk for pk in after if after[pk] != stamps[pk]] == [m.Person.objects.get(name="赵敏").pk]
    assert m.Person.objects.get(name="赵敏").title == "高级农艺师"


BAD_ROWS = [
    # (row number, overrides, column, fragment of the message)
    (2, {"姓名": ""}, "姓名", "必填"),
    (3, {"人大代码": "34012"}, "人大代码", "6 位或 9 位"),
    (4, {"人大代码": "340199"}, "人大代码", "没有代码为 340199"),
    (5, {"届次": 9}, "届次", "没有第九届"),
    (6, {"出生年月": "一九七五年"}, "出生年月", "1975-03"),
    (7, {"当选日期": "2021-13-45"}, "当选日期", "不是有效日期"),
    (8, {"代表团": "不存在代表团"}, "代表团", "没有“不存在代表团”"),
    (9, {"身份证号": "340123198001010012"}, "身份证号", "3401**********0012 校验码不正确"),
    (10, {"身份证号": valid_id_number(20)}, None, None),  # the first of the two: fine
    (11, {"身份证号": valid_id_number(20)}, "身份证号", "与第10行重复（同一届次）"),
    (12, {"性别": "未知"}, "性别", "“未知”不是可选值"),
    (13, {"政治面貌": "某党"}, "政治面貌", "不是可选值"),
    (14, {"学历": "博士后"}, "学历", "不是可选值"),
    (15, {"终止原因": "辞职"}, "终止原因", "须填写终止日期"),
    (16, {"终止日期": "2020-01-01"}, "终止日期", "不能早于当选日期"),
    (17, {"人大代码": "340100", "届次": 17}, "人大代码", "无权导入该人大的代表"),
    (18, {"民族": "火星族"}, "民族", "不是 56 个民族之一"),
    (19, {"职务": "常务委员会组长"}, "职务", "应以"),
    (20, {"身份证号": 340123198001010011}, "身份证号", "文本格式"),
    (21, {"手机号码": "打电话"}, "手机号码", "格式不正确"),
    (22, {"选举方式": "抽签"}, "选举方式", "不是可选值"),
]


def bad_file() -> bytes:
    rows = []
    for number, overrides, *_ in sorted(BAD_ROWS):
        rows.append(row(100 + number, **({"姓名": f"代表{number}"} | overrides)))
    return workbook(rows)


def test_every_kind_of_bad_row_is_reported_and_nothing_is_written(client, feixi_editor, register):
    client.force_login(feixi_editor)
    before = table_counts()
    response = upload(client, bad_file())
    report = response.context["report"]
    assert not report.ok
    assert table_counts() == before
    html = response.content.decode()
    assert "未导入任何数据" in html
    for number, _overrides, column, fragment in BAD_ROWS:
        found = [e for e in report.errors if e[0] == number]
        if column is None:
            assert found == []
            continue
        assert any(e[1] == column and fragment in e[2] for e in found), (number, found)
        assert f"<td>{number}</td><td>{column}</td>" in html
    # Private values never appear: ID numbers masked, mobiles not echoed.
    assert "340123198001010012" not in html and "打电话" not in html


def test_a_row_naming_another_sites_congress_fails_the_whole_file(client, feixi_editor, register):
    client.force_login(feixi_editor)
    before = table_counts()
    rows = [row(1), row(2, 人大代码="340121", 届次=18)]
    report = upload(client, workbook(rows)).context["report"]
    assert report.errors == [(3, "人大代码", "无权导入该人大的代表（长丰县人民代表大会）")]
    assert table_counts() == before
    # The plugin off for 肥西: the editor has no site left to import into.
    set_enabled("deputies", register.congresses["340123"].site_id, False)
    response = upload(client, workbook([row(1)]))
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert table_counts() == before


def test_plugin_switched_off_is_a_row_error_for_the_command(register):
    set_enabled("deputies", register.congresses["340121"].site_id, False)
    path = _file(workbook([row(1, 人大代码="340121", 届次=18)]))
    with pytest.raises(CommandError) as raised:
        call_command("import_deputies", path, "--no-progress")
    assert "第2行 人大代码：长丰县人民代表大会所在站点未启用代表履职插件" in str(raised.value)


def test_the_delegation_sheet_creates_delegations(client, feixi_editor, register, site_group):
    root = type(feixi_editor).objects.create_superuser("root", password="pw")
    client.force_login(root)
    rows = [row(1, 人大代码="340100", 届次=17, 代表团="肥东县代表团", 选区="", 代表小组="")]
    report = upload(
        client, workbook(rows, delegations=[("340100", "第十七届", "肥东县代表团")])
    ).context["report"]
    assert report.ok, report.errors
    seat = m.Membership.objects.get(person__name="赵敏")
    assert seat.delegation.name == "肥东县代表团"
    assert seat.election == "direct"  # as the row says; empty would default by level


def test_a_person_in_two_congresses_must_agree_with_themself(client, register, make_user):
    client.force_login(make_user("root", superuser=True))
    rows = [row(1), row(1, 人大代码="340100", 届次=17, 选区="", 代表小组="", 姓名="赵敏敏")]
    report = upload(client, workbook(rows)).context["report"]
    assert report.errors == [(3, "姓名", "与第2行（同一身份证号）不一致")]
    rows[1]["姓名"] = "赵敏"
    report = upload(client, workbook(rows)).context["report"]
    assert report.ok and report.counts["people_created"] == 1
    assert m.Person.objects.get(name="赵敏").memberships.count() == 2


def test_template_download_is_a_workbook_that_imports_once_filled_in(
    client, feixi_editor, register
):
    client.force_login(feixi_editor)
    response = client.get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert {"代表", "说明", "代表团"} <= set(book.sheetnames)
    sheet = book["代表"]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    notes = {r[0]: r for r in book["说明"].iter_rows(min_row=2, values_only=True) if r}
    assert "男、女" in notes["性别"][3] and notes["姓名"][1] == "必填"
    validated = {str(v.sqref).split(":")[0] for v in sheet.data_validations.dataValidation}
    assert {"A2", "D2", "G2", "H2", "R2"} <= validated
    options = book["选项"]
    assert "340123" in [c.value for c in options["A"]] + [c.value for c in options["H"]]
    assert "340100" not in [str(c.value) for col in options.columns for c in col]

    # Fill in one row under the example and upload it as it is.
    for column, value in row(7).items():
        sheet.cell(row=3, column=COLUMNS.index(column) + 1, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    report = upload(client, buffer.getvalue()).context["report"]
    assert report.ok, report.errors
    assert (report.rows, report.created) == (1, 1)  # the example row was skipped
    assert not m.Person.objects.filter(name="张三").exists()


def test_upload_must_be_an_xlsx_workbook(client, feixi_editor, register):
    client.force_login(feixi_editor)
    refused = upload(client, b"name,gender\n", name="register.csv")
    assert "只能导入 Excel 工作簿（.xlsx）" in refused.content.decode()
    broken = upload(client, b"not a zip file", name="register.xlsx")
    assert "文件不是有效的 Excel 工作簿" in broken.content.decode()
    book = Workbook()
    book.active.title = "代表"
    book.active.append(["姓名", "性别"])
    buffer = io.BytesIO()
    book.save(buffer)
    header = upload(client, buffer.getvalue()).context["report"]
    assert header.errors[0][0] is None and "第 1 行应为表头" in header.errors[0][2]


def test_who_may_open_the_import_page(client, register, site_group, make_user):
    anonymous = client.get(IMPORT_URL)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    editor = make_user("feixi-editor", site_group["340123"].editors_group)
    client.force_login(editor)
    page = client.get(IMPORT_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "csrfmiddlewaretoken" in html and "下载导入模板" in html
    assert "?site=340123" in html and "?site=340100" not in html
    # Staff whose sites have the plugin off, and staff without the permission, are refused
    # (Wagtail's permission denied: back to the dashboard with a message).
    wuhu = make_user("wuhu-editor", site_group["340200"].editors_group)
    client.force_login(wuhu)
    assert client.get(IMPORT_URL).status_code == 200
    set_enabled("deputies", site_group["340200"], False)
    assert client.get(IMPORT_URL)["Location"] == "/admin/"
    site_group["340123"].editors_group.permissions.remove(
        Permission.objects.get(content_type__app_label="deputies", codename="add_person")
    )
    client.force_login(editor)
    for url in (IMPORT_URL, TEMPLATE_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/"


def _file(data: bytes) -> str:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.write(data)
    handle.close()
    return handle.name


def test_command_imports_dry_runs_and_fails_on_bad_rows(register, good_rows, capsys):
    path = _file(workbook(good_rows))
    before = table_counts()
    call_command("import_deputies", path, "--dry-run", "--no-progress")
    out = capsys.readouterr().out
    assert "校验通过（未写入）：共 4 行，新增 3 行，更新 1 行" in out
    assert table_counts() == before

    call_command("import_deputies", path, "--site", "340123", "--no-progress")
    assert "导入完成：共 4 行，新增 3 行" in capsys.readouterr().out
    assert table_counts()["Person"] == before["Person"] + 3
    call_command("import_deputies", path, "--no-progress")
    assert "未变 4 行" in capsys.readouterr().out

    with pytest.raises(CommandError) as raised:
        call_command("import_deputies", path, "--site", "340100", "--no-progress")
    assert "第2行 人大代码：肥西县人民代表大会不属于所选站点" in str(raised.value)

    many = [row(200 + i, 性别="?") for i in range(60)]
    with pytest.raises(CommandError) as raised:
        call_command("import_deputies", _file(workbook(many)), "--no-progress")
    text = str(raised.value)
    assert "第2行 性别：“?”不是可选值" in text and "…and 10 more" in text
    assert valid_id_number(200) not in text


def test_a_large_import_refreshes_postgresqls_statistics(register, good_rows, monkeypatch):
    from django.db import connection

    from plugins.deputies import importer

    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    monkeypatch.setattr(importer, "ANALYZE_ABOVE", 1)  # these few rows count as large
    with connection.execute_wrapper(record):
        call_command("import_deputies", _file(workbook(good_rows)), "--no-progress")
    analyzed = [sql for sql in statements if sql.startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert len(analyzed) == 1 and '"deputies_membership"' in analyzed[0]
    else:  # SQLite keeps no planner statistics worth refreshing here
        assert analyzed == []


def test_the_import_command_invalidates_the_sites_cached_deputies(client, register, good_rows):
    from cms.api.caching import CACHE_HEADER

    url = "/api/v1/deputies/?site=340123&term=all&current=false&limit=100"
    before = client.get(url).json()["count"]
    assert client.get(url)[CACHE_HEADER] == "hit"
    call_command("import_deputies", _file(workbook(good_rows)), "--no-progress")
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert response.json()["count"] > before
