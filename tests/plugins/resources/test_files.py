"""Files: PDFs served with the viewer's watermark on every page, originals never served to
readers, other files as they are; read receipts and the download audit."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader
from wagtail.models import ModelLogEntry

from plugins.resources import service
from plugins.resources.models import Download, Receipt

from .conftest import api, make_resource, pdf_bytes

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (6, 6), "green").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def item(feixi, people):
    return make_resource(feixi, "内部参考资料", files=[("原件.pdf", pdf_bytes(pages=3)),
                                                   ("图表.png", _png())])  # fmt: skip


def _file(item, pdf: bool):
    return item.files.get(upload__content_type="application/pdf" if pdf else "image/png")


def test_a_pdf_carries_the_viewers_name_and_time_on_every_page(client, item, people):
    before = timezone.localtime()
    response = client.get(api(f"{item.pk}/files/{_file(item, True).pk}/"), **people["张伟"].auth)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Watermarked"] == "true"
    assert "attachment" in response["Content-Disposition"]
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        text = page.extract_text()
        assert f"Original page {number}" in text  # the document itself is still there
        assert "张伟" in text
        stamps = re.findall(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text)
        assert stamps, text
        assert stamps[0] >= before.strftime("%Y-%m-%d %H:%M")
        assert "仅供本人阅读" in text
    # Another reader gets their own copy, with their own name and not his.
    other = client.get(api(f"{item.pk}/files/{_file(item, True).pk}/"), **people["孙丽"].auth)
    text = PdfReader(io.BytesIO(other.content)).pages[0].extract_text()
    assert "孙丽" in text and "张伟" not in text
    # The stored original is untouched.
    with _file(item, True).upload.file.open("rb") as handle:
        assert "张伟" not in PdfReader(handle).pages[0].extract_text()


def test_the_original_is_never_served_to_a_reader(client, item, people):
    """The upload route (the originals) does not open to the audience; only the office."""
    token = _file(item, True).upload.token
    assert client.get(f"/api/v1/uploads/{token}/", **people["张伟"].auth).status_code == 404
    assert client.get(f"/api/v1/uploads/{token}/").status_code == 404


def test_other_files_are_served_as_they_are(client, item, people):
    response = client.get(api(f"{item.pk}/files/{_file(item, False).pk}/"), **people["张伟"].auth)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Watermarked"] == "false"
    with _file(item, False).upload.file.open("rb") as handle:
        assert response.content == handle.read()


def test_reads_and_downloads_are_recorded(client, item, people):
    zhang = people["张伟"]
    assert not Receipt.objects.filter(user=zhang.user, first_read_at__isnull=False).exists()
    client.get(api(f"{item.pk}/"), **zhang.auth)
    first = Receipt.objects.get(resource=item, user=zhang.user).first_read_at
    assert first is not None
    client.get(api(f"{item.pk}/"), **zhang.auth)  # a second read keeps the first time
    assert Receipt.objects.get(resource=item, user=zhang.user).first_read_at == first

    pdf = _file(item, True)
    client.get(api(f"{item.pk}/files/{pdf.pk}/"), **zhang.auth)
    row = Download.objects.get(resource=item, user=zhang.user)
    assert (row.file_id, row.name, row.watermarked) == (pdf.pk, "张伟", True)
    entry = ModelLogEntry.objects.filter(
        action="resources.downloaded", object_id=str(item.pk)
    ).get()
    assert entry.user_id == zhang.user.pk and entry.data["file"] == pdf.pk

    # Outsiders leave no trace: nothing recorded for a refused download.
    client.get(api(f"{item.pk}/files/{pdf.pk}/"), **people["李芳"].auth)
    assert not Download.objects.filter(user=people["李芳"].user).exists()
    assert not Receipt.objects.filter(user=people["李芳"].user).exists()


def test_a_download_counts_as_a_read(client, item, people):
    sun = people["孙丽"]
    client.get(api(f"{item.pk}/files/{_file(item, True).pk}/"), **sun.auth)
    assert Receipt.objects.get(resource=item, user=sun.user).first_read_at is not None


def test_an_encrypted_pdf_is_refused_on_upload(feixi, people):
    from pypdf import PdfWriter

    from cms.services.uploads import UploadError

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    resource = make_resource(feixi, "加密", publish=False)
    with pytest.raises(UploadError, match="加密"):
        service.add_file(resource, SimpleUploadedFile("x.pdf", out.getvalue()), None)
    assert resource.files.count() == 0


def test_rotated_and_offset_pages_carry_the_watermark_too():
    from pypdf import PdfWriter

    from plugins.resources import watermark

    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes(pages=2)))
    writer.pages[0].rotate(90)
    writer.pages[1].mediabox.lower_left = (50, 50)
    source = io.BytesIO()
    writer.write(source)
    marked = PdfReader(
        io.BytesIO(watermark.watermark(source.getvalue(), ["李四 2026-01-01 10:00"]))
    )
    assert all("李四 2026-01-01 10:00" in page.extract_text() for page in marked.pages)
    with pytest.raises(watermark.WatermarkError):
        watermark.watermark(b"%PDF-1.4 not really", ["x"])
