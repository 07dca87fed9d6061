"""The office in the admin: create, set the audience, attach, publish, see the reads,
remind the unread, export the reads to Excel."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from cms.notifications.models import Notification
from plugins.resources.models import Resource, Status

from .conftest import api, make_resource, pdf_bytes, term_of

pytestmark = pytest.mark.django_db
TITLE = "肥西县人民政府关于2026年国民经济和社会发展计划执行情况的报告"


def test_the_office_publishes_to_an_audience_and_follows_the_reads(
    client, feixi, people, office, django_capture_on_commit_callbacks
):
    client.force_login(office)
    created = client.post("/admin/resources/resource/create/", {
        "site": feixi.site_id, "title": TITLE, "kind": "document", "issuer": "government",
        "issuing_body": "肥西县人民政府", "number": "肥政〔2026〕31号", "summary": "计划执行情况",
        "body": "", "issued_on": "2026-11-01", "expires_on": "",
    })  # fmt: skip
    assert created.status_code == 302, created.context["form"].errors if created.context else ""
    resource = Resource.objects.get(title=TITLE)
    manage = f"/admin/resources/{resource.pk}/"
    assert created["Location"] == manage
    assert resource.created_by == office and resource.status == Status.DRAFT

    page = client.get(manage)
    assert page.status_code == 200
    content = page.content.decode()
    assert "肥西县人大常委会第" in content or str(term_of("340123")) in content  # the term offered
    # Publishing without an audience is refused, with the reason.
    client.post(manage, {"step": "publish"})
    resource.refresh_from_db()
    assert resource.status == Status.DRAFT

    response = client.post(manage, {"step": "audience", "levels": ["county"], "usernames": ""})
    assert response.status_code == 302
    bad = client.post(manage, {"step": "audience", "usernames": "nobody-here"})
    assert "没有这些账号" in bad.content.decode()
    upload = SimpleUploadedFile("计划.pdf", pdf_bytes(), "application/pdf")
    assert (
        client.post(manage, {"step": "file", "file": upload, "title": "计划报告.pdf"}).status_code
        == 302
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(manage, {"step": "publish"})
    resource.refresh_from_db()
    assert resource.status == Status.PUBLISHED and resource.files.count() == 1
    assert ModelLogEntry.objects.filter(
        action="resources.published", object_id=str(resource.pk)
    ).exists()

    client.get(api(f"{resource.pk}/"), **people["张伟"].auth)
    page = client.get(manage).content.decode()
    assert "应读 2 人,已读 1 人,未读 1 人" in page

    client.post(manage, {"step": "remind"})
    reminded = Notification.objects.filter(kind="resources.reminder")
    assert [n.user_id for n in reminded] == [people["孙丽"].user.pk]

    reads = client.get("/admin/resources/reads/").content.decode()
    assert "张伟" in reads and "孙丽" in reads

    export = client.get(f"/admin/resources/{resource.pk}/export/")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = {row[4]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"张伟", "孙丽"}
    assert rows["张伟"][7] and not rows["孙丽"][7]  # first read time
    assert rows["孙丽"][8] == 1  # reminded once
    whole = load_workbook(io.BytesIO(client.get("/admin/resources/reads/export/").content)).active
    assert whole.max_row == 3


def test_the_office_downloads_with_its_own_watermark(client, feixi, people, office):
    from pypdf import PdfReader

    resource = make_resource(feixi, TITLE, files=[("计划.pdf", pdf_bytes())])
    client.force_login(office)
    response = client.get(f"/admin/resources/{resource.pk}/files/{resource.files.get().pk}/")
    assert response.status_code == 200
    assert "feixi-office" in PdfReader(io.BytesIO(response.content)).pages[0].extract_text()


def test_another_sites_staff_cannot_open_the_screens(client, feixi, people, changfeng_staff):
    resource = make_resource(feixi, TITLE)
    client.force_login(changfeng_staff)
    for route in (f"/admin/resources/{resource.pk}/", f"/admin/resources/{resource.pk}/export/",
                  f"/admin/resources/resource/edit/{resource.pk}/"):  # fmt: skip
        assert client.get(route).status_code == 404, route
    assert TITLE not in client.get("/admin/resources/reads/").content.decode()
    assert client.post(f"/admin/resources/{resource.pk}/", {"step": "withdraw"}).status_code == 404
    resource.refresh_from_db()
    assert resource.status == Status.PUBLISHED


def test_a_reviewer_reads_the_reads_but_changes_nothing(client, feixi, people, make_user):
    resource = make_resource(feixi, TITLE)
    reviewer = make_user("feixi-first-reviewer", feixi.first_reviewers_group)
    client.force_login(reviewer)
    assert client.get(f"/admin/resources/{resource.pk}/").status_code == 200
    assert client.post(f"/admin/resources/{resource.pk}/", {"step": "withdraw"}).status_code == 404


def test_removing_a_file_or_an_item_leaves_nothing_behind(client, feixi, people, office):
    from cms.moderation.models import Upload
    from cms.services.models import Audience

    resource = make_resource(feixi, TITLE, files=[("计划.pdf", pdf_bytes())])
    file = resource.files.get()
    token, stored = file.upload.token, file.upload.file.name
    client.force_login(office)
    client.post(f"/admin/resources/{resource.pk}/", {"step": "remove_file", "file": file.pk})
    assert not resource.files.exists() and not Upload.objects.filter(token=token).exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)
    audience = resource.audience_id
    resource.delete()
    assert not Audience.objects.filter(pk=audience).exists()


def test_the_office_can_give_a_resource_to_a_township_congress_staff(client, feixi, office,
                                                                     make_user):  # fmt: skip
    """The audience form (the core's ``cms.plugins.forms.AudienceForm``) offers 上派镇's
    staff; they read the resource, the county's own editor does not."""
    from cms.content.models import TownshipPage
    from cms.sitegroup.provisioning import township_staff_group

    from .conftest import staff_auth

    township = make_user("shangpai-staff", township_staff_group(
        TownshipPage.objects.get(division_code="340123100")))  # fmt: skip
    resource = make_resource(feixi, title="乡镇人大工作资料", publish=False)
    manage = f"/admin/resources/{resource.pk}/"
    client.force_login(office)
    page = client.get(manage).content.decode()
    assert "乡镇人大工作人员" in page and 'value="340123100"' in page
    response = client.post(
        manage, {"step": "audience", "townships": ["340123100"], "usernames": ""}
    )
    assert response.status_code == 302
    client.post(manage, {"step": "publish"})
    client.logout()
    seen = client.get(api(f"{resource.pk}/"), **staff_auth(township))
    assert seen.status_code == 200 and seen.json()["title"] == "乡镇人大工作资料"
    assert client.get(api(f"{resource.pk}/"), **staff_auth(office)).status_code == 404
