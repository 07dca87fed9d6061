"""Lesson files go through the core's uploads service (``cms.services.uploads``): type by
content against the lesson's kind, the plugin's size cap, images re-encoded without their
metadata, private storage, the file deleted with its lesson. The demo video is a real,
decodable H.264/AAC MP4 that players can start before it has all arrived."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cms.moderation.models import Upload
from cms.plugins import get_plugin
from plugins.training import media
from plugins.training.models import Lesson

from .conftest import api, make_course, video_bytes

pytestmark = pytest.mark.django_db


def _manage(client, office, course):
    client.force_login(office)
    return f"/admin/training/courses/{course.pk}/"


def _add(client, manage, kind, name, data, content_type):
    return client.post(manage, {"step": "lesson", "title": f"{kind}课时", "kind": kind,
                                "duration": "10", "body": "",
                                "media": SimpleUploadedFile(name, data, content_type)})  # fmt: skip


def test_a_lesson_video_is_an_upload_of_the_core_service(client, feixi, people, office):
    course = make_course(feixi, "监督法视频课")
    manage = _manage(client, office, course)
    data = video_bytes()
    assert _add(client, manage, "video", "讲座.mp4", data, "video/mp4").status_code == 302
    lesson = Lesson.objects.get(course=course, kind="video")
    stored = lesson.upload
    assert (stored.content_type, stored.size, stored.extension) == ("video/mp4", len(data), ".mp4")
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.owner == office
    assert stored.file.name.startswith("uploads/") and not stored.public
    # Served to the course's audience by the lesson's route (range requests), never by the
    # core's uploads route to a deputy.
    auth = people["张伟"].auth
    lesson_json = next(
        item for item in client.get(api(f"courses/{course.pk}/"), **auth).json()["lessons"]
        if item["kind"] == "video"
    )  # fmt: skip
    assert lesson_json["media"]["size"] == len(data)
    part = client.get(lesson_json["media"]["url"], HTTP_RANGE="bytes=100-199", **auth)
    assert part.status_code == 206 and b"".join(part.streaming_content) == data[100:200]
    client.logout()
    assert client.get(f"/api/v1/uploads/{stored.token}/", **auth).status_code == 404
    # Removing the lesson deletes its upload and the stored file.
    storage, name = stored.file.storage, stored.file.name
    _manage(client, office, course)
    client.post(manage, {"step": "remove_lesson", "lesson": lesson.pk})
    assert not Upload.objects.filter(pk=stored.pk).exists() and not storage.exists(name)


def test_the_type_is_read_from_the_content_against_the_lessons_kind(client, feixi, office):
    course = make_course(feixi, "类型检查")
    manage = _manage(client, office, course)
    before = Upload.objects.count()
    for kind, name, data in (
        ("video", "讲座.mp4", b"%PDF-1.4 a document named .mp4"),
        ("pdf", "讲义.pdf", video_bytes()),
        ("audio", "录音.mp3", b"<html>not audio</html>"),
        ("images", "课件.png", b"GIF89a not a png"),
    ):
        refused = _add(client, manage, kind, name, data, "application/octet-stream")
        assert refused.status_code == 200 and "文件类型与课时类型" in refused.content.decode(), kind
    assert Upload.objects.count() == before
    assert not Lesson.objects.filter(course=course, upload__isnull=False).exists()


def test_the_plugins_size_cap_applies(client, feixi, office, monkeypatch):
    monkeypatch.setitem(get_plugin("training").plugin_settings, "MEDIA_MAX_BYTES", 50_000)
    course = make_course(feixi, "大小限制")
    manage = _manage(client, office, course)
    refused = _add(client, manage, "video", "讲座.mp4", video_bytes(), "video/mp4")
    assert refused.status_code == 200 and "文件不能超过" in refused.content.decode()
    assert not Lesson.objects.filter(course=course, kind="video").exists()


def test_lesson_images_lose_their_metadata(client, feixi, office):
    image = Image.new("RGB", (80, 60), "navy")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    raw = io.BytesIO()
    image.save(raw, "JPEG", exif=exif)
    course = make_course(feixi, "图片课件")
    manage = _manage(client, office, course)
    assert (
        _add(client, manage, "images", "课件.jpg", raw.getvalue(), "image/jpeg").status_code == 302
    )
    stored = Lesson.objects.get(course=course, kind="images").upload
    data = stored.file.read()
    assert b"PhoneMaker" not in data and stored.content_type == "image/jpeg"


def test_the_api_uploads_still_take_no_video(client, feixi, people):
    response = client.post("/api/v1/uploads/?site=340123",
                           {"file": SimpleUploadedFile("x.mp4", video_bytes(), "video/mp4")},
                           **people["张伟"].auth)  # fmt: skip
    assert response.status_code == 400 and "不支持的文件类型" in response.content.decode()


def test_the_demo_video_is_a_real_h264_aac_mp4():
    data = media.demo_mp4()
    assert 50_000 < len(data) < 150_000
    assert data[4:8] == b"ftyp"
    # Sample entries of a decodable H.264 video track and an AAC audio track.
    assert b"avc1" in data and b"avcC" in data and b"mp4a" in data
    # The movie header comes first (+faststart): a player starts and seeks early.
    assert data.index(b"moov") < data.index(b"mdat")
    # Its duration: mvhd (version 0) timescale and duration → ten seconds.
    at = data.index(b"mvhd") + 4
    timescale = int.from_bytes(data[at + 12 : at + 16], "big")
    duration = int.from_bytes(data[at + 16 : at + 20], "big")
    assert round(duration / timescale) == media.DEMO_SECONDS == 10
