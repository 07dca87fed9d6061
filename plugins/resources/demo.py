"""Demo data: resources for the demo congresses (安徽省, 合肥市, 肥西县) with audiences.

Each item gets a small generated PDF (served with the reader's watermark), an
audience (deputies of a level, of the current term, a site's staff and named
deputies, former deputies too), and is published through ``service`` so the
receipts and notifications are those the real path makes; about half of each
audience has read it (the deputies part-way). One draft stays unpublished.
Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from cms.services import audience as audiences
from cms.services import directory

from . import service
from .models import Category, Issuer, Kind, Receipt, Resource

CATEGORIES = ("重要文件", "学习参考", "调研成果")

#: code → [(title, kind, issuer, issuing body, number, category, audience, publish, days valid)]
ITEMS = {
    "340123": [
        ("肥西县人民政府关于2026年国民经济和社会发展计划执行情况的报告", Kind.DOCUMENT,
         Issuer.GOVERNMENT, "肥西县人民政府", "肥政〔2026〕31号", 0, "county", True, None),
        ("肥西县人民法院2026年上半年审判执行工作情况通报", Kind.WORK_INFO, Issuer.COURT,
         "肥西县人民法院", "", 0, "term", True, None),
        ("关于农村人居环境整治情况的调研报告", Kind.RESEARCH, Issuer.CONGRESS,
         "肥西县人大常委会研究室", "", 2, "staff_and_named", True, None),
        ("代表履职学习参考资料(2026年第3期)", Kind.REFERENCE, Issuer.CONGRESS,
         "肥西县人大常委会代表工作委员会", "", 1, "county_township_former", True, 120),
        ("肥西县人民检察院公益诉讼工作情况", Kind.WORK_INFO, Issuer.PROCURATORATE,
         "肥西县人民检察院", "", 0, "county", True, None),
        ("肥西县监察委员会专项工作报告(征求意见稿)", Kind.DOCUMENT, Issuer.SUPERVISORY,
         "肥西县监察委员会", "", 0, "county", False, None),
    ],
    "340100": [
        ("合肥市人民政府关于2026年市级预算执行情况的报告", Kind.DOCUMENT, Issuer.GOVERNMENT,
         "合肥市人民政府", "合政〔2026〕58号", 0, "municipal", True, None),
        ("合肥市人大代表参考资料:营商环境优化专题", Kind.REFERENCE, Issuer.CONGRESS,
         "合肥市人大常委会代表工作委员会", "", 1, "municipal_county", True, 180),
    ],
    "340000": [
        ("安徽省人民政府关于全省生态环境状况的报告", Kind.DOCUMENT, Issuer.GOVERNMENT,
         "安徽省人民政府", "皖政〔2026〕12号", 0, "province", True, None),
    ],
}  # fmt: skip

SUMMARY = "本材料供人大代表知情知政参考,请认真阅读,不得擅自转发。"


def _pdf(title: str, issuing_body: str) -> bytes:
    """A two-page PDF standing for the original document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from .watermark import font

    name = font()
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    for page in (1, 2):
        sheet.setFont(name, 16)
        sheet.drawCentredString(width / 2, height - 90, title[:36])
        sheet.setFont(name, 11)
        sheet.drawCentredString(width / 2, height - 115, issuing_body)
        lines = ["(演示文件,内容为虚构。)", SUMMARY, f"第 {page} 页 共 2 页"]
        for i, line in enumerate(lines):
            sheet.drawString(72, height - 170 - i * 22, line)
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _current_term(site_id: int, division_code: str) -> str:
    for congress in directory.congresses([site_id]):
        if congress.division_code == division_code:
            for term in congress.terms:
                if term.current:
                    return term.ref
    return ""


def _spec(name: str, profile) -> audiences.AudienceSpec:
    if name in ("county", "municipal", "province"):
        return audiences.AudienceSpec(levels=(name,))
    if name == "municipal_county":
        return audiences.AudienceSpec(levels=("municipal", "county"))
    if name == "county_township_former":
        return audiences.AudienceSpec(levels=("county", "township"), include_former=True)
    if name == "term":
        term = _current_term(profile.site_id, profile.division_code)
        return audiences.AudienceSpec(terms=(term,)) if term else audiences.AudienceSpec(
            levels=("county",)
        )  # fmt: skip
    named = tuple(p.ref for p in directory.deputies(profile.site_id)[:3])
    return audiences.AudienceSpec(staff_sites=(profile.site_id,), deputies=named)


def load_demo(profile) -> None:
    items = ITEMS.get(profile.division_code)
    if not items:
        return
    categories = []
    for order, name in enumerate(CATEGORIES):
        category, _created = Category.objects.get_or_create(
            site_id=profile.site_id, name=name, defaults={"order": order}
        )
        categories.append(category)
    now = timezone.now()
    for index, (title, kind, issuer, body_name, number, category, spec, publish, days) in enumerate(
        items
    ):
        if Resource.objects.filter(site_id=profile.site_id, title=title).exists():
            continue
        resource = Resource.objects.create(
            site_id=profile.site_id, title=title, kind=kind, issuer=issuer,
            issuing_body=body_name, number=number, category=categories[category],
            summary=SUMMARY, body=f"{title}。\n\n{SUMMARY}",
            issued_on=timezone.localdate() - dt.timedelta(days=10 + index * 7),
            expires_on=timezone.localdate() + dt.timedelta(days=days) if days else None,
        )  # fmt: skip
        upload = ContentFile(_pdf(title, body_name), name=f"{title[:40]}.pdf")
        service.add_file(resource, upload, None, title=f"{title[:60]}.pdf")
        try:
            service.set_audience(resource, _spec(spec, profile), None)
        except ValidationError:  # a site without deputies: the item stays a draft
            continue
        if not publish:
            continue
        service.publish(resource, None)
        Resource.objects.filter(pk=resource.pk).update(
            published_at=now - dt.timedelta(days=7 - index)
        )
        service.push.call(resource.pk)
        # Deputies part-way: about half of the audience has read it.
        receipts = list(Receipt.objects.filter(resource=resource).order_by("pk"))
        for n, receipt in enumerate(receipts):
            if (n + index) % 2 == 0:
                Receipt.objects.filter(pk=receipt.pk).update(
                    first_read_at=now - dt.timedelta(days=6 - index, hours=n % 9)
                )
