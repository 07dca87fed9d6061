"""Downloads of 委员联系代表: the coverage view as Excel (every rate with its numerator and
denominator) and a station's QR cards as a PDF (A4, 8 cards a page, the QR codes embedded
as images; reportlab's CID font ``STSong-Light`` for the Chinese text).

The contact log's Excel export is the admin list's own (``ContactAdmin.list_export``):
it exports what the list shows, with its filters and search, over the user's sites.
"""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils import timezone

from cms.plugins import site_access
from cms.services import directory, spreadsheets

from . import committee_admin, committee_coverage, committee_logic, committee_qr

LABEL = committee_logic.LABEL

#: (heading, key) of the rates; each becomes three columns: numerator, denominator, %.
RATES = (
    ("已联系", "contacted"),
    ("未联系", "uncontacted"),
    ("达到最少次数", "met_minimum"),
    ("代表已被联系", "deputies_contacted"),
)


def _headings() -> list[str]:
    out = ["联系关系(个)"]
    for heading, _key in RATES:
        out += [f"{heading}(分子)", f"{heading}(分母)", f"{heading}(%)"]
    out.append("代表(名)")
    return out


def _values(row: dict) -> list:
    out = [row["assigned"]]
    for _heading, key in RATES:
        figure = row[key]
        out += [figure["numerator"], figure["denominator"], figure["percent"]]
    out.append(row["deputies"])
    return out


DEFINITIONS = (
    ("联系关系", "一名组成人员与其联系的一名代表为一个联系关系;统计年度内任一时间有效的均计入。"),
    ("已联系 / 未联系", "年度内有(没有)联系记录的联系关系;分母为联系关系数。"),
    ("达到最少次数", "年度内联系记录达到每年最少联系次数的联系关系;分母为联系关系数。"),
    ("代表已被联系", "年度内至少被一名组成人员联系过的代表;分母为有联系关系的代表人数。"),
    ("汇总", "有下级的站点含其所辖各级站点;比率由汇总后的数计算,不做平均。"),
    ("(%)", "分母为 0 时留空。"),
)


def coverage_export_view(request):
    """联系覆盖情况 as Excel: the sites with the total, the members, the uncontacted
    deputies, and what each figure means."""
    from openpyxl import Workbook

    profiles = committee_admin.held_profiles(request, "liaison.view_assignment")
    form = committee_admin.CoverageForm(request.GET or None, profiles=profiles)
    if form.is_bound and not form.is_valid():
        errors = "；".join(f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}"
                          for k, v in form.errors.items())  # fmt: skip
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    data = form.cleaned_data if form.is_bound else {}
    code = data.get("site") or profiles[0].division_code
    scope = next(p for p in profiles if p.division_code == code)
    allowed = site_access(request).plugin_site_ids(LABEL)
    figures = committee_coverage.coverage(scope, allowed=allowed, year=data.get("year"),
                                          uncontacted_limit=100_000)  # fmt: skip

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "各站点"
    spreadsheets.append(sheet, ("站点", "站点代码", *_headings()))
    for row in figures["sites"]:
        name = row["site"]["name"] + ("(含下级)" if row["has_below"] else "")
        spreadsheets.append(sheet, (name, row["site"]["code"], *_values(row)))
    spreadsheets.append(sheet, ("合计", figures["scope"]["code"], *_values(figures["total"])))

    members = workbook.create_sheet("各组成人员")
    spreadsheets.append(members, ("组成人员", "职务", "站点", *_headings()))
    for row in figures["members"]:
        member = row["member"]
        spreadsheets.append(members, (member["name"], member["post"], member["site"],
                                      *_values(row)))  # fmt: skip

    uncontacted = workbook.create_sheet("尚未被联系的代表")
    spreadsheets.append(uncontacted, ("代表", "联系的组成人员", "站点"))
    for row in figures["uncontacted"]:
        spreadsheets.append(uncontacted, (row["deputy"]["name"], row["member"], row["site"]))

    about = workbook.create_sheet("说明")
    for line in (
        ("统计范围", f"{figures['scope']['name']}及其下启用本功能的站点"),
        ("年度", str(figures["year"])),
        ("每年最少联系次数", str(figures["minimum"])),
        ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("", ""),
        *DEFINITIONS,
    ):
        spreadsheets.append(about, line)
    filename = f"liaison-coverage-{figures['scope']['code']}-{figures['year']}.xlsx"
    return spreadsheets.download(workbook, filename)


# --- PDF cards ---------------------------------------------------------------------

FONT = "STSong-Light"


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _photo(image_id):
    """The deputy's photo as reportlab reads it, or ``None`` (missing or unreadable)."""
    if not image_id:
        return None
    from reportlab.lib.utils import ImageReader
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    try:
        rendition = image.get_rendition("fill-240x320")
        with rendition.file.open("rb") as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except Exception:  # a missing file leaves the card without a photo
        return None


def cards_pdf(station, people, division_code: str) -> bytes:
    """A4 pages of 90 × 60 mm cards, two across and four down: name, station, hint, photo
    and the QR code (PNG) of each deputy's write page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfgen import canvas

    font = _font()
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    sheet.setTitle(f"{station.name}代表二维码卡片")
    sheet.setAuthor("联系群众")
    width, height = A4
    card_w, card_h, gap, margin = 90 * mm, 60 * mm, 6 * mm, 12 * mm
    left = (width - 2 * card_w - gap) / 2
    per_page = 8
    for index, person in enumerate(people):
        if index and index % per_page == 0:
            sheet.showPage()
        slot = index % per_page
        x = left + (slot % 2) * (card_w + gap)
        y = height - margin - (slot // 2 + 1) * card_h - (slot // 2) * gap
        sheet.setStrokeColorRGB(0.6, 0.6, 0.6)
        sheet.roundRect(x, y, card_w, card_h, 3 * mm)
        text_x, text_w = x + 4 * mm, card_w - 8 * mm - 34 * mm - 3 * mm
        photo = _photo(person.photo_id)
        if photo is not None:
            sheet.drawImage(photo, text_x, y + card_h - 4 * mm - 28 * mm, 21 * mm, 28 * mm)
            lines_y = (20 * mm, 13 * mm, 7 * mm)  # under the photo
        else:
            lines_y = (36 * mm, 28 * mm, 21 * mm)
        qr = ImageReader(io.BytesIO(committee_qr.png(person.ref, division_code)))
        qr_size = 34 * mm
        sheet.drawImage(qr, x + card_w - 4 * mm - qr_size, y + (card_h - qr_size) / 2,
                        qr_size, qr_size)  # fmt: skip
        sheet.setFillColorRGB(0, 0, 0)
        for text, size, line_y in ((person.name, 16, lines_y[0]), (station.name, 9, lines_y[1]),
                                   ("扫码给代表写信", 9, lines_y[2])):  # fmt: skip
            while size > 6 and pdfmetrics.stringWidth(text, font, size) > text_w:
                size -= 0.5
            sheet.setFont(font, size)
            sheet.drawString(text_x, y + line_y, text)
    if not people:
        sheet.setFont(font, 12)
        sheet.drawString(margin, height - margin - 12, "该联络站没有在任代表。")
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def cards_pdf_view(request):
    """代表二维码卡片 as a PDF download (the page's form: ``?station=``)."""
    profiles = committee_admin.held_profiles(request, "liaison.view_assignment")
    by_site = {p.site_id: p for p in profiles}
    stations = [s for p in profiles for s in directory.stations(site_id=p.site_id)]
    form = committee_admin.CardsForm(request.GET or None, stations=stations)
    if not (form.is_bound and form.is_valid()):
        return HttpResponse("请选择联络站。", status=400, content_type="text/plain; charset=utf-8")
    station = next(s for s in stations if s.ref == form.cleaned_data["station"])
    profile = by_site[station.site_id]
    current = committee_logic.current_deputies(station.site_id)
    people = sorted((current[r] for r in station.deputies if r in current), key=lambda p: p.name)
    response = HttpResponse(cards_pdf(station, people, profile.division_code),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="liaison-cards-{station.ref}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
