"""Deputies (current, former, of other levels), staff of two sites, and resources on 肥西县.

The deputies come from the deputies plugin's register (the directory the core's
audience service asks); the resources plugin never imports that plugin.
"""

from __future__ import annotations

import datetime
import io
import itertools
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.plugins import set_enabled
from cms.services import accounts
from cms.services import audience as audiences
from plugins.deputies import models as m
from plugins.resources import service
from plugins.resources.models import Resource
from tests.plugins.deputies.conftest import valid_id_number

_seeds = itertools.count(700)


@dataclass
class Deputy:
    person: m.Person
    user: object
    auth: dict[str, str]

    @property
    def ref(self) -> str:
        return str(self.person.pk)


def term_of(code: str) -> m.Term:
    congress = m.Congress.objects.get(division_code=code)
    return congress.terms.order_by("-number").first() or m.Term.objects.create(
        congress=congress, number=1, start_date=datetime.date(2022, 1, 1)
    )


def make_deputy(name: str, mobile: str, *codes: str, ended: tuple[str, ...] = (),
                delegation=None, group=None) -> Deputy:  # fmt: skip
    """A deputy seated in the congresses of ``codes`` (current), and of ``ended`` (a seat
    that ended last year), with an open account and a bearer token."""
    person = None
    for code in (*codes, *ended):
        term = term_of(code)
        if person is None:
            person = m.Person(site_id=term.congress.site_id, name=name, gender="male")
            person.id_number = valid_id_number(next(_seeds))
            person.mobile = mobile
            person.save()
        direct = term.congress.level in m.DIRECT_LEVELS
        m.Membership.objects.create(
            person=person, congress=term.congress, term=term, start_date=term.start_date,
            election=m.Election.DIRECT if direct else m.Election.INDIRECT,
            end_date=datetime.date.today() - datetime.timedelta(days=365) if code in ended else None,
            end_reason=m.EndReason.MOVED_AWAY if code in ended else "",
            delegation=delegation if code in codes else None,
            deputy_group=group if code in codes else None,
        )  # fmt: skip
    user, _ = accounts.open_deputy_account(str(person.pk))
    tokens = accounts.issue_tokens(user, device_id=f"test-{mobile}")
    return Deputy(person, user, bearer(tokens))


def bearer(tokens) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.access_token}"}


def staff_auth(user) -> dict[str, str]:
    """A staff account used from the mini-program: an access token of its own."""
    return bearer(accounts.issue_tokens(user, device_id=f"test-staff-{user.pk}"))


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
