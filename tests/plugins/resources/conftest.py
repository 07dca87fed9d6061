"""Deputies (current, former, of other levels), staff of two sites, and resources on 肥西县.

The deputies come from the deputies plugin's register (the directory the core's
audience service asks); the resources plugin never imports that plugin.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.plugins import set_enabled
from cms.services import audience as audiences
from plugins.deputies import models as m
from plugins.resources import service
from plugins.resources.models import Resource
from tests.plugins.deputy_accounts import Deputy, bearer, make_deputy, staff_auth, term_of  # noqa: F401


def pdf_bytes(pages: int = 2, text: str = "Original page") -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    for page in range(1, pages + 1):
        sheet.setFont("Helvetica", 12)
        sheet.drawString(72, 700, f"{text} {page}")
        sheet.showPage()
    sheet.save()
    return buffer.getvalue()


@pytest.fixture
def feixi(site_group):
    for code in ("340000", "340100", "340121", "340123"):
        set_enabled("resources", site_group[code], True)
    return site_group["340123"]


@pytest.fixture
def people(feixi):
    """张伟 (肥西 county deputy), 李芳 (合肥 city deputy only), 王强 (肥西 seat ended, still a
    合肥 deputy), 孙丽 (肥西 county deputy in a delegation and a deputy group)."""
    term = term_of("340123")
    delegation = m.Delegation.objects.create(term=term, name="上派镇代表团")
    group = m.DeputyGroup.objects.create(term=term, name="第一代表小组")
    return {
        "张伟": make_deputy("张伟", "13900000101", "340123"),
        "李芳": make_deputy("李芳", "13900000102", "340100"),
        "王强": make_deputy("王强", "13900000103", "340100", ended=("340123",)),
        "孙丽": make_deputy("孙丽", "13900000104", "340123", delegation=delegation, group=group),
    }


@pytest.fixture
def office(feixi, make_user):
    """肥西's office: an editor of the site (the role's model permissions)."""
    return make_user("feixi-office", feixi.editors_group)


@pytest.fixture
def changfeng_staff(site_group, make_user):
    return make_user("changfeng-staff", site_group["340121"].editors_group)


def make_resource(site, title="关于2026年预算执行情况的报告", spec=None, publish=True,
                  files=(), **fields) -> Resource:  # fmt: skip
    """A resource of ``site`` with an audience (default: the county's deputies), files
    (name → bytes) and published through the service as the office does."""
    resource = Resource.objects.create(site_id=site.site_id, title=title, **fields)
    for name, data in files:
        content_type = "application/pdf" if name.endswith(".pdf") else "image/png"
        service.add_file(resource, SimpleUploadedFile(name, data, content_type), None)
    service.set_audience(resource, spec or audiences.AudienceSpec(levels=("county",)), None)
    if publish:
        service.publish(resource, None)
    resource.refresh_from_db()
    return resource


def api(path: str, code: str = "340123", **query) -> str:
    from urllib.parse import urlencode

    return f"/api/v1/resources/{path}?{urlencode({'site': code, **query})}"
