"""A per-viewer watermark on every page of a PDF (reportlab draws it, pypdf merges it).

The overlay names the viewer and the time (Beijing time), with the plugin's note
(``WATERMARK_NOTE``): large and faint across the middle of the page, repeated
small along the foot. reportlab's built-in CID font ``STSong-Light`` draws
Chinese without any font file, and the text stays extractable, so a leaked copy
says whose it was. The original is never changed; each request gets a new copy.
"""

from __future__ import annotations

import io
from functools import lru_cache

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError

FONT = "STSong-Light"


class WatermarkError(ValueError):
    """The PDF cannot be read or changed (damaged, or encrypted); the message is Chinese."""


@lru_cache(maxsize=1)
def font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _overlay(width: float, height: float, lines: list[str]):
    """One page of the given size carrying the watermark, as a pypdf page."""
    from reportlab.pdfgen import canvas

    name = font()
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    size = max(14.0, min(width, height) / 22)
    sheet.saveState()
    sheet.setFillColorRGB(0.55, 0.55, 0.55)
    sheet.setFillAlpha(0.22)
    sheet.translate(width / 2, height / 2)
    sheet.rotate(35)
    for row in range(-3, 4):
        for i, line in enumerate(lines):
            sheet.setFont(name, size if i == 0 else size * 0.7)
            sheet.drawCentredString(0, row * size * 4.2 - i * size * 1.2, line)
    sheet.restoreState()
    sheet.setFillColorRGB(0.4, 0.4, 0.4)
    sheet.setFillAlpha(0.6)
    sheet.setFont(name, 8)
    sheet.drawString(18, 12, "  ".join(lines))
    sheet.save()
    return PdfReader(io.BytesIO(buffer.getvalue())).pages[0]


def watermark(data: bytes, lines: list[str]) -> bytes:
    """``data`` (a PDF) with ``lines`` drawn on every page; raises :class:`WatermarkError`."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise WatermarkError("PDF 文件已加密,无法加水印。")
        writer = PdfWriter(clone_from=reader)
    except PdfReadError as error:
        raise WatermarkError("PDF 文件已损坏,无法读取。") from error
    overlays: dict[tuple[float, float], object] = {}
    for page in writer.pages:
        page.transfer_rotation_to_content()
        box = page.mediabox
        size = (float(box.width), float(box.height))
        if size not in overlays:
            overlays[size] = _overlay(*size, lines)
        if float(box.left) or float(box.bottom):
            from pypdf import Transformation

            shift = Transformation().translate(float(box.left), float(box.bottom))
            page.merge_transformed_page(overlays[size], shift)
        else:
            page.merge_page(overlays[size])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check(data: bytes) -> None:
    """Raise :class:`WatermarkError` for a PDF that could not be served with a watermark."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise WatermarkError("PDF 文件已加密,无法加水印;请上传未加密的文件。")
        if not reader.pages:
            raise WatermarkError("PDF 文件没有页面。")
    except (PdfReadError, ValueError, KeyError) as error:
        if isinstance(error, WatermarkError):
            raise
        raise WatermarkError("PDF 文件已损坏,无法读取。") from error
