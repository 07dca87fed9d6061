"""The write conventions, on the core's own write (找错) and attachments, as a client would.

Site-scoped POST with problem+json field errors; held for moderation on a
sensitive word (never dropped, never published) and decided in the admin;
Idempotency-Key; attachments checked, cleaned of EXIF and private; each
author sees only their own submissions; writes are throttled.
"""

from __future__ import annotations

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from cms.feedback.models import Feedback
from cms.moderation.models import ModerationItem, Upload
from cms.review.models import SensitiveWord

pytestmark = pytest.mark.django_db
URL = "/api/v1/feedback/?site=340123"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def citizen(make_user):
    return make_user("citizen-a")


def report(api, text="第三段“人民代表大会”写成了“人大代表大会”。", **extra):
    return api.post(
        URL,
        {"category": "typo", "description": text, **extra},
        format="json",
        **extra.pop("headers", {}),
    )


def test_a_clean_report_is_accepted_and_its_author_sees_it(api, citizen, content):
    api.force_authenticate(citizen)
    response = api.post(
        URL,
        {"category": "typo", "page": content.rich.pk, "description": "标题有错别字"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "new" and body["page"] == content.rich.pk
    assert response["Cache-Control"] == "private, no-store"
    mine = api.get(URL).json()
    assert mine["count"] == 1 and mine["results"][0]["id"] == body["id"]
    assert not ModerationItem.objects.exists()


def test_bad_input_names_the_fields_and_stores_nothing(api, content):
    response = api.post(
        URL,
        {"category": "nonsense", "description": "", "page": content.other_site.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert {e["field"] for e in response.json()["errors"]} == {"category", "description"}
    other_site_page = api.post(URL, {"category": "typo", "description": "x", "page": content.other_site.pk},
                               format="json")  # fmt: skip
    assert (
        other_site_page.status_code == 400
        and other_site_page.json()["errors"][0]["field"] == "page"
    )
    draft = api.post(
        URL, {"category": "typo", "description": "x", "page": content.draft.pk}, format="json"
    )
    assert draft.status_code == 400
    assert (
        api.post(
            "/api/v1/feedback/", {"category": "typo", "description": "x"}, format="json"
        ).status_code
        == 400
    )
    assert api.post("/api/v1/feedback/?site=999999", {"category": "typo", "description": "x"},
                    format="json").status_code == 404  # fmt: skip
    assert not Feedback.objects.exists()


def test_a_sensitive_word_holds_the_report_for_moderation(
    api, citizen, content, site_group, client, make_user
):
    SensitiveWord.objects.create(word="违禁词", site=site_group["340123"].site)
    api.force_authenticate(citizen)
    response = api.post(
        URL, {"category": "content", "description": "这里有违禁词。"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    item = ModerationItem.objects.get()
    assert item.hits[0]["word"] == "违禁词" and item.original["description"] == "这里有违禁词。"

    # The site's editor decides in the admin: rejecting needs a reason, the author sees it.
    editor = make_user("feixi-editor", site_group["340123"].editors_group)
    client.force_login(editor)
    queue = client.get("/admin/moderation/").content.decode()
    assert f"/admin/moderation/{item.pk}/" in queue
    empty = client.post(f"/admin/moderation/{item.pk}/", {"action": "reject", "reason": ""})
    assert empty.status_code == 200 and ModerationItem.objects.get().status == "pending"
    client.post(f"/admin/moderation/{item.pk}/", {"action": "reject", "reason": "请勿使用不当用语"})
    mine = api.get(URL).json()["results"][0]
    assert mine["status"] == "rejected" and mine["reason"] == "请勿使用不当用语"
    # Another county's editor sees neither the queue row nor the item.
    other = make_user("changfeng-editor", site_group["340121"].editors_group)
    client.force_login(other)
    assert f"/admin/moderation/{item.pk}/" not in client.get("/admin/moderation/").content.decode()
    assert client.get(f"/admin/moderation/{item.pk}/").status_code == 404


def test_edit_and_approve_keeps_the_original(api, citizen, content, site_group, client, make_user):
    SensitiveWord.objects.create(word="违禁词")
    api.force_authenticate(citizen)
    api.post(URL, {"category": "content", "description": "这里有违禁词。"}, format="json")
    item = ModerationItem.objects.get()
    client.force_login(make_user("feixi-reviewer", site_group["340123"].first_reviewers_group))
    response = client.post(
        f"/admin/moderation/{item.pk}/", {"action": "edit", "field-description": "这里有不当用语。"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "approved" and item.original["description"] == "这里有违禁词。"
    assert Feedback.objects.get().description == "这里有不当用语。"
    assert api.get(URL).json()["results"][0]["status"] == "new"
    assert (
        client.post(f"/admin/moderation/{item.pk}/", {"action": "approve"}).status_code == 200
    )  # decided


def test_a_retried_post_with_its_idempotency_key_creates_one_report(api, content):
    key = str(uuid.uuid4())
    payload = {"category": "link", "description": "附件链接打不开"}
    first = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    again = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Feedback.objects.count() == 1
    other = api.post(
        URL, {**payload, "description": "另一件事"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert other.status_code == 422 and other.json()["type"].endswith("idempotency-key-reused")
    # A failed request does not use the key up.
    bad_key = str(uuid.uuid4())
    assert (
        api.post(URL, {"category": "x"}, format="json", HTTP_IDEMPOTENCY_KEY=bad_key).status_code
        == 400
    )
    assert api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=bad_key).status_code == 201
    assert api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="short").status_code == 400
    assert Feedback.objects.count() == 2


def test_a_write_that_fails_midway_leaves_neither_its_record_nor_its_key(api, content, monkeypatch):
    """The key's record and the write commit together: a crash after the report was
    written (here in the moderation step) rolls both back, and the retry writes it once."""
    from cms.apiaccess.models import IdempotencyRecord
    from cms.services import moderation

    key = str(uuid.uuid4())
    payload = {"category": "link", "description": "附件链接打不开"}
    submit = moderation.submit

    def crash(*args, **kwargs):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(moderation, "submit", crash)
    with pytest.raises(RuntimeError):
        api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert not Feedback.objects.exists() and not IdempotencyRecord.objects.exists()
    monkeypatch.setattr(moderation, "submit", submit)
    retry = api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry
    assert Feedback.objects.count() == IdempotencyRecord.objects.count() == 1


def test_keys_belong_to_their_account(api, content, make_user):
    key = str(uuid.uuid4())
    payload = {"category": "link", "description": "附件链接打不开"}
    api.force_authenticate(make_user("a"))
    api.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key)
    api.force_authenticate(make_user("b"))
    assert "Idempotent-Replayed" not in api.post(
        URL, payload, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert Feedback.objects.count() == 2


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {2: (31.0, 49.0, 12.0), 1: "N"}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_attachments_lose_their_exif_and_stay_private(api, citizen, content, make_user, site_group):
    raw = jpeg_with_gps()
    assert b"PhoneMaker" in raw
    api.force_authenticate(citizen)
    response = api.post("/api/v1/uploads/?site=340123", {"file": SimpleUploadedFile("photo.jpg", raw)},
                        format="multipart")  # fmt: skip
    assert response.status_code == 201, response.content
    token = response.json()["id"]
    stored = Upload.objects.get(token=token)
    data = stored.file.read()
    assert b"PhoneMaker" not in data and not Image.open(io.BytesIO(data)).getexif()
    assert api.get(f"/api/v1/uploads/{token}/").status_code == 200  # the owner
    report = api.post(
        URL, {"category": "content", "description": "见截图", "attachments": [token]}, format="json"
    )
    assert report.status_code == 201 and report.json()["attachments"] == [token]
    stranger = APIClient()
    assert stranger.get(f"/api/v1/uploads/{token}/").status_code == 404
    stranger.force_authenticate(make_user("someone-else"))
    assert stranger.get(f"/api/v1/uploads/{token}/").status_code == 404
    # Someone else's attachment cannot be attached.
    stolen = stranger.post(
        URL, {"category": "content", "description": "x", "attachments": [token]}, format="json"
    )
    assert stolen.status_code == 400 and stolen.json()["errors"][0]["field"] == "attachments"
    staff = APIClient()
    staff.force_authenticate(make_user("feixi-editor", site_group["340123"].editors_group))
    assert staff.get(f"/api/v1/uploads/{token}/").status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.jpg", b"#!/bin/sh\necho hi\n", "不支持的文件类型"),
        ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "图片文件已损坏"),
    ],
)
def test_bad_attachments_are_refused_with_a_reason(api, content, name, data, message):
    response = api.post(
        "/api/v1/uploads/?site=340123", {"file": SimpleUploadedFile(name, data)}, format="multipart"
    )
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["detail"]
    assert not Upload.objects.exists()


def test_an_oversized_attachment_is_refused(api, content, settings):
    settings.LIANXI_UPLOAD_MAX_BYTES = 1024
    pdf = b"%PDF-1.4\n" + b"0" * 2048
    response = api.post(
        "/api/v1/uploads/?site=340123",
        {"file": SimpleUploadedFile("a.pdf", pdf)},
        format="multipart",
    )
    assert response.status_code == 400 and "不能超过" in response.json()["errors"][0]["detail"]


def test_only_my_reports_are_listed(api, content, make_user):
    a, b = make_user("a"), make_user("b")
    api.force_authenticate(a)
    api.post(URL, {"category": "typo", "description": "甲的纠错"}, format="json")
    api.force_authenticate(b)
    assert api.get(URL).json()["count"] == 0
    api.force_authenticate(None)
    assert api.get(URL).status_code == 401


def test_anonymous_writes_are_throttled_per_address(api, content, settings):
    from rest_framework.settings import api_settings

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon_write": "2/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    api_settings.reload()
    try:
        statuses = [report(api).status_code for _ in range(3)]
        forged = api.post(URL, {"category": "typo", "description": "x"}, format="json",
                          HTTP_X_FORWARDED_FOR="198.51.100.7")  # fmt: skip
    finally:
        api_settings.reload()
    assert statuses == [201, 201, 429] and forged.status_code == 429
    assert Feedback.objects.count() == 2


def test_writes_are_throttled_per_mobile_number_across_accounts(api, content, settings):
    """Per account, and per verified mobile number: erasing the account and logging
    in again with the same number gives no fresh allowance."""
    from cms.services import accounts

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "user_write": "100/min",
            "mobile_write": "2/day",
        },
    }

    def post(auth):
        body = {"category": "typo", "description": "标题有错别字"}
        return api.post(URL, body, format="json", **auth)

    def bearer(user):
        return {
            "HTTP_AUTHORIZATION": f"Bearer {accounts.issue_tokens(user, device_id='d1').access_token}"
        }

    first = accounts.citizen_account("13911112222").user
    auth = bearer(first)
    for _ in range(2):
        assert post(auth).status_code == 201
    throttled = post(auth)
    assert throttled.status_code == 429
    assert throttled.json()["type"] == "urn:lianxi:problem:throttled"

    assert api.delete("/api/v1/me/", **auth).status_code == 204  # erase, then come back
    again = accounts.citizen_account("13911112222").user
    assert again.pk != first.pk
    assert post(bearer(again)).status_code == 429
    # Another number has its own allowance.
    assert post(bearer(accounts.citizen_account("13911113333").user)).status_code == 201
    assert Feedback.objects.count() == 3
