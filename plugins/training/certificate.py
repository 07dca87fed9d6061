"""The certificate of completion (结业证书) as a PDF: reportlab draws it with the
built-in CID font ``STSong-Light`` (Chinese without a font file; the text stays
extractable)."""

from __future__ import annotations

import io
from functools import lru_cache

from django.utils import timezone

FONT = "STSong-Light"


@lru_cache(maxsize=1)
def font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def render(enrolment) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    course = enrolment.course
    issuer = getattr(getattr(course.site, "profile", None), "name", "")
    name = font()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    sheet = canvas.Canvas(buffer, pagesize=(width, height))
    sheet.setTitle(f"结业证书 {enrolment.certificate_number}")
    sheet.setStrokeColorRGB(0.6, 0.1, 0.1)
    sheet.setLineWidth(3)
    sheet.rect(30, 30, width - 60, height - 60)
    sheet.setFont(name, 36)
    sheet.drawCentredString(width / 2, height - 120, "结业证书")
    sheet.setFont(name, 18)
    completed = timezone.localtime(enrolment.completed_at)
    lines = [
        f"{enrolment.name} 同志:",
        f"于 {completed:%Y年%m月%d日} 完成培训课程《{course.title[:40]}》的学习,",
        f"经考核合格,计 {course.hours} 学时。特发此证。",
    ]
    for i, line in enumerate(lines):
        sheet.drawString(100, height - 200 - i * 40, line)
    sheet.setFont(name, 14)
    sheet.drawRightString(width - 100, 130, issuer)
    sheet.drawRightString(width - 100, 105, f"{completed:%Y年%m月%d日}")
    sheet.setFont(name, 11)
    sheet.drawString(60, 50, f"证书编号:{enrolment.certificate_number}")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()
