"""Excel and CSV, read and written safely: the one helper every import and export uses.

Writing (exports, templates):

* A text cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or a
  carriage return before one, or their full-width forms) would be a live
  formula in Excel: ``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0`` imported as a
  deputy's occupation would run on the office PC that opens the export
  ("formula injection"). :func:`cell` writes such text as a text cell (type
  string, Excel's quote prefix set), so it shows exactly as stored and stays
  text even when edited; :func:`append` writes a row of them;
  :func:`csv_value` prefixes a ``'`` for CSV, which has no cell types.
* :class:`SafeSpreadsheetExportMixin` does the same for wagtail-modeladmin's
  XLSX and CSV exports (``list_export``); the core's admin index views use it.

Reading (imports):

* :func:`open_workbook` refuses files over ``LIANXI_SPREADSHEET_MAX_BYTES``
  and files that are not workbooks, with Chinese messages.
* :func:`rows` reads every row of a sheet **without trusting** its
  ``<dimension>``: a workbook whose dimension under-reports its size (written
  by a tool that never updates it) would otherwise lose rows silently in
  openpyxl's read-only mode.
* :func:`cell_text` and :func:`cell_date` read a cell as a person typed it
  (``12.0`` is "12", a date cell or "2026年6月10日" is a date).
* :func:`check_upload` caps an uploaded file's size
  (``LIANXI_SPREADSHEET_MAX_UPLOAD_BYTES``) with a clear message, so a large
  register is imported by the management command rather than inside a web
  request.
"""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import ValidationError

#: First characters that make Excel (or LibreOffice) read text as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
#: Characters Excel skips before the formula sign when a cell is edited or pasted.
_LEADING = "\t\r\n "


_DATE = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")


def cell_text(value) -> str:
    """A cell's value as the text a person typed: empty for none, ``12`` for a number
    Excel stored as ``12.0``, the date of a date-time, stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def cell_date(value, example: str = "2026-06-10") -> datetime.date:
    """A date cell, or text such as "2026-06-10", "2026/6/10", "2026.06.10" or
    "2026年6月10日"; else ``ValueError`` with a Chinese message showing ``example``."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    match = _DATE.match(cell_text(value))
    if not match:
        raise ValueError(f"日期格式应为 {example}")
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        raise ValueError(f"“{cell_text(value)}”不是有效日期") from None


class SpreadsheetError(Exception):
    """A file that cannot be read as a workbook; ``str()`` is a Chinese message."""


def is_formula_like(value) -> bool:
    """Would Excel take this text for a formula (or a DDE command)?"""
    if not isinstance(value, str) or not value:
        return False
    return value.lstrip(_LEADING).startswith(FORMULA_STARTS) or value[0] in "\t\r"


def cell(sheet, value):
    """A write-only cell of ``sheet`` for ``value``: formula-like text is written as text."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        result = WriteOnlyCell(sheet, value=None)
        result.value = value
        result.data_type = "s"  # never "f": openpyxl takes "=…" for a formula
        if is_formula_like(value):
            result.quotePrefix = True  # and Excel keeps it text when the cell is edited
        return result
    return WriteOnlyCell(sheet, value=value)


def append(sheet, values: Iterable) -> None:
    """Append one row to ``sheet`` (write-only or normal) with every text written as text."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    values = list(values)
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([cell(sheet, v) for v in values])
        return
    sheet.append(values)
    row = sheet._current_row  # the row just appended
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            target = sheet.cell(row=row, column=column)
            target.data_type = "s"
            if is_formula_like(value):
                target.quotePrefix = True


def csv_value(value):
    """``value`` for a CSV file: formula-like text gets a leading ``'`` (OWASP's advice)."""
    if is_formula_like(value):
        return "'" + value
    return value


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(workbook) -> bytes:
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(workbook, filename: str):
    """An export's answer: the workbook as an ``.xlsx`` attachment named ``filename``
    (a Chinese name is sent as RFC 6266 ``filename*``), never kept by a cache."""
    from django.http import HttpResponse
    from django.utils.http import content_disposition_header

    response = HttpResponse(workbook_bytes(workbook), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


# --- reading -------------------------------------------------------------------------


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default) or 0)


def _size(file) -> int | None:
    size = getattr(file, "size", None)
    if size is not None:
        return size
    try:
        position = file.tell()
        file.seek(0, 2)
        size = file.tell()
        file.seek(position)
        return size
    except (AttributeError, OSError):
        return None


def human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def open_workbook(file, *, read_only: bool = True):
    """Open ``file`` (a path or a binary file) as a workbook, values not formulas."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    limit = _limit("LIANXI_SPREADSHEET_MAX_BYTES", 200 * 1024 * 1024)
    size = _size(file) if hasattr(file, "read") else None
    if size is None and not hasattr(file, "read"):
        import os

        size = os.path.getsize(file)
    if limit and size is not None and size > limit:
        raise SpreadsheetError(f"文件过大({human_size(size)}),上限为 {human_size(limit)}。")
    try:
        return load_workbook(file, read_only=read_only, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise SpreadsheetError("文件不是有效的 Excel 工作簿(.xlsx)。") from None


def rows(sheet, *, min_row: int = 1) -> Iterator[tuple]:
    """Every row of ``sheet`` as a tuple of values, whatever its ``<dimension>`` says."""
    if hasattr(sheet, "reset_dimensions"):  # read-only: the stored dimension may lie
        sheet.reset_dimensions()
    yield from sheet.iter_rows(min_row=min_row, values_only=True)


def check_upload(upload, *, setting: str = "LIANXI_SPREADSHEET_MAX_UPLOAD_BYTES") -> None:
    """Refuse an uploaded file over the web upload cap, with a Chinese message."""
    limit = _limit(setting, 2 * 1024 * 1024)
    size = _size(upload)
    if limit and size is not None and size > limit:
        raise ValidationError(
            f"文件过大({human_size(size)}):网页上传的上限为 {human_size(limit)}。"
            "更大的文件请拆分后上传,或由管理员用命令行导入。",
            code="file_too_large",
        )


# --- wagtail-modeladmin's exports ----------------------------------------------------------


class SafeSpreadsheetExportMixin:
    """For views with Wagtail's ``SpreadsheetExportMixin``: every text written as text."""

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        import datetime

        for field, value in row_dict.items():
            prepared = self.preprocess_field_value(field, value, self.FORMAT_XLSX)
            result = cell(worksheet, prepared)
            if date_format and isinstance(value, datetime.datetime):
                result.number_format = date_format
            yield result

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: csv_value(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )
