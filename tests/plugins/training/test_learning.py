"""Learning through the API: media with range requests, throttled progress, quizzes that
never leak their answers, completion with a certificate and the performance record."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from cms.services import performance
from plugins.training.models import Enrolment, LessonProgress

from .conftest import api, make_course, video_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _lessons(client, course, auth):
    return client.get(api(f"courses/{course.pk}/"), **auth).json()["lessons"]


def test_media_answers_range_requests(client, feixi, people):
    data = video_bytes()
    assert len(data) > 100_000 and data[4:8] == b"ftyp"
    course = make_course(feixi, video=data)
    auth = people["张伟"].auth
    lesson = _lessons(client, course, auth)[0]
    assert lesson["kind"] == "video" and lesson["media"]["size"] == len(data)
    url = lesson["media"]["url"]

    whole = client.get(url, **auth)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == data
    assert whole["Content-Type"] == "video/mp4" and whole["Content-Length"] == str(len(data))

    # Seeking: a range in the middle, an open-ended one, the last bytes.
    part = client.get(url, HTTP_RANGE="bytes=50000-50999", **auth)
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 50000-50999/{len(data)}"
    assert part["Content-Length"] == "1000"
    assert b"".join(part.streaming_content) == data[50000:51000]
    tail = client.get(url, HTTP_RANGE="bytes=99000-", **auth)
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == data[99000:]
    last = client.get(url, HTTP_RANGE="bytes=-10", **auth)
    assert b"".join(last.streaming_content) == data[-10:]
    past = client.get(url, HTTP_RANGE=f"bytes={len(data)}-", **auth)
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(data)}"


def test_a_file_of_the_wrong_kind_is_refused(feixi, people):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from plugins.training import service
    from plugins.training.models import Lesson

    course = make_course(feixi)
    lesson = Lesson.objects.create(course=course, title="视频", kind="video")
    with pytest.raises(ValidationError):
        service.attach_media(lesson, SimpleUploadedFile("x.mp4", b"<html>not a video</html>"))
    assert lesson.upload_id is None


@pytest.fixture
def clock():
    from django.utils import timezone
    from freezegun import freeze_time

    with freeze_time(timezone.now()) as frozen:
        yield frozen


def test_progress_is_written_at_most_every_n_seconds(client, feixi, people, clock):
    course = make_course(feixi, video=video_bytes())
    auth = people["张伟"].auth
    lesson = _lessons(client, course, auth)[0]
    url = api(f"courses/{course.pk}/lessons/{lesson['id']}/progress/")

    def report(**body):
        return client.post(url, body, content_type="application/json", **auth)

    first = report(position=5)
    assert first.status_code == 200 and first.json()["saved"] is True
    row = LessonProgress.objects.get(lesson_id=lesson["id"])
    assert row.position == 5
    # Within 15 seconds: answered, not written; the latest position is what a reader sees.
    clock.tick(5)
    held = report(position=10)
    assert held.json() == {"position": 10, "done": False, "saved": False,
                           "course_completed": False}  # fmt: skip
    row.refresh_from_db()
    assert row.position == 5
    assert _lessons(client, course, auth)[0]["position"] == 10
    # Due again after 15 seconds; and a final report is always written.
    clock.tick(11)
    assert report(position=20).json()["saved"] is True
    row.refresh_from_db()
    assert row.position == 20
    clock.tick(1)
    assert report(position=25, final=True).json()["saved"] is True
    row.refresh_from_db()
    assert row.position == 25
    # Past the lesson's length is kept at its length; bad input is a 400 with the field.
    clock.tick(20)
    assert report(position=10_000).json()["position"] == 120
    bad = report(position=-1)
    assert bad.status_code == 400 and "position" in str(bad.json())


def _quiz(client, course, auth):
    return client.get(api(f"courses/{course.pk}/quiz/"), **auth)


def test_quiz_never_shows_the_answers_and_grades(client, feixi, people):
    course = make_course(feixi, quiz=True)
    auth = people["张伟"].auth
    got = _quiz(client, course, auth)
    assert got.status_code == 200
    text = got.content.decode()
    assert "correct" not in text and "true" not in text.replace('"multiple":true', "")
    quiz = got.json()
    for question in quiz["questions"]:
        assert set(question) == {"id", "text", "multiple", "choices"}
        assert all(set(choice) == {"id", "text"} for choice in question["choices"])
    one, two = quiz["questions"]
    assert one["multiple"] is False and two["multiple"] is True
    assert set(one["choices"][0]) == {"id", "text"}
    url = api(f"courses/{course.pk}/quiz/")

    # One right out of two: 50 < 60, failed; the answer says nothing of which was wrong.
    failed = client.post(url, {"answers": [
        {"question": one["id"], "choices": [one["choices"][0]["id"]]},
        {"question": two["id"], "choices": [two["choices"][0]["id"]]},
    ]}, content_type="application/json", **auth)  # fmt: skip
    assert failed.status_code == 200
    assert failed.json()["score"] == 50 and failed.json()["passed"] is False
    assert "correct" not in failed.content.decode()
    passed = client.post(url, {"answers": [
        {"question": one["id"], "choices": [one["choices"][0]["id"]]},
        {"question": two["id"], "choices": [c["id"] for c in two["choices"][:2]]},
    ]}, content_type="application/json", **auth)  # fmt: skip
    assert passed.json()["score"] == 100 and passed.json()["passed"] is True
    # Lessons not done yet: passed, not completed.
    assert passed.json()["course_completed"] is False
    attempts = _quiz(client, course, auth).json()["attempts"]
    assert [a["score"] for a in attempts] == [100, 50]
    # A choice of another question is a 400 naming the field.
    bad = client.post(url, {"answers": [{"question": one["id"],
                                         "choices": [two["choices"][2]["id"]]}]},
                      content_type="application/json", **auth)  # fmt: skip
    assert bad.status_code == 400
    assert [e["field"] for e in bad.json()["errors"]] == ["answers"]


def _finish(client, course, auth):
    for lesson in _lessons(client, course, auth):
        url = api(f"courses/{course.pk}/lessons/{lesson['id']}/progress/")
        last = client.post(url, {"position": lesson["duration"], "done": True},
                           content_type="application/json", **auth)  # fmt: skip
        assert last.status_code == 200
    return last.json()


def test_completion_gives_a_certificate_and_credits_the_hours(client, feixi, people):
    course = make_course(feixi, hours="3.5")
    zhang = people["张伟"]
    certificate = api(f"courses/{course.pk}/certificate/")
    assert client.get(certificate, **zhang.auth).status_code == 404  # not completed yet
    assert _finish(client, course, zhang.auth)["course_completed"] is True
    detail = client.get(api(f"courses/{course.pk}/"), **zhang.auth).json()
    assert detail["completed_at"] and detail["certificate_url"]
    pdf = client.get(certificate, **zhang.auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "张伟" in text and course.title in text and detail["certificate_number"] in text
    # Another member of the audience has no certificate of their own: 404.
    assert client.get(certificate, **people["孙丽"].auth).status_code == 404

    summary = performance.summary(int(zhang.ref), "340123")
    assert summary[0]["training_hours"] == Decimal("3.5")
    assert summary[0]["counts"]["training"] == 1
    # Reporting again changes nothing (one entry per enrolment).
    _finish(client, course, zhang.auth)
    assert performance.summary(int(zhang.ref), "340123")[0]["counts"]["training"] == 1


def test_a_quiz_must_be_passed_to_complete(client, feixi, people):
    course = make_course(feixi, quiz=True, lessons=1)
    auth = people["孙丽"].auth
    assert _finish(client, course, auth)["course_completed"] is False
    quiz = _quiz(client, course, auth).json()
    one, two = quiz["questions"]
    result = client.post(api(f"courses/{course.pk}/quiz/"), {"answers": [
        {"question": one["id"], "choices": [one["choices"][0]["id"]]},
        {"question": two["id"], "choices": [c["id"] for c in two["choices"][:2]]},
    ]}, content_type="application/json", **auth)  # fmt: skip
    assert result.json()["course_completed"] is True
    assert Enrolment.objects.get(user=people["孙丽"].user).certificate_number


def test_an_open_course_is_enrolled_by_choice(client, feixi, people):
    course = make_course(feixi, mode="open")
    auth = people["张伟"].auth
    listed = client.get(api("courses/"), **auth).json()["results"][0]
    assert listed["enrolled"] is False
    lesson = _lessons(client, course, auth)[0]
    url = api(f"courses/{course.pk}/lessons/{lesson['id']}/progress/")
    refused = client.post(url, {"position": 1}, content_type="application/json", **auth)
    assert refused.status_code == 409 and refused.json()["type"].endswith("not-enrolled")
    enrol = api(f"courses/{course.pk}/enrol/")
    headers = {**auth, "HTTP_IDEMPOTENCY_KEY": "enrol-key-0001"}
    first = client.post(enrol, **headers)
    again = client.post(enrol, **headers)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert Enrolment.objects.filter(course=course).count() == 1
    assert (
        client.post(url, {"position": 1}, content_type="application/json", **auth).status_code
        == 200
    )


def test_a_course_from_the_city_counts_on_the_county_seat(client, site_group, feixi, people):
    """A course the city gives county deputies is listed on the county's site (the sites
    above it) and its hours go to the deputy's county seat."""
    course = make_course(site_group["340100"], "合肥市预算审查专题", hours="1.5")
    zhang = people["张伟"]
    listed = client.get(api("courses/"), **zhang.auth).json()["results"]
    assert [c["site"]["code"] for c in listed] == ["340100"]
    _finish(client, course, zhang.auth)
    assert performance.summary(int(zhang.ref), "340123")[0]["training_hours"] == Decimal("1.5")
