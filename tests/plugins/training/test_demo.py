"""The demo: two courses on 肥西县 (a video one, one with a quiz), a lecture, a city course
and an offline class; deputies part-way; loaded once."""

from __future__ import annotations

import pytest

from cms.services import performance
from plugins.training import demo
from plugins.training.models import Course, Enrolment, OfflineClass, QuizAttempt

from .conftest import api, make_deputy

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_learners_part_way(client, site_group, feixi, people):
    for n in range(3):  # more county deputies with accounts
        make_deputy(f"代表{n}", f"1390000030{n}", "340123")
    for code in ("340100", "340123"):
        demo.load_demo(site_group[code])
    counts = (Course.objects.count(), Enrolment.objects.count(), OfflineClass.objects.count())
    for code in ("340100", "340123"):
        demo.load_demo(site_group[code])
    assert (Course.objects.count(), Enrolment.objects.count(),
            OfflineClass.objects.count()) == counts  # fmt: skip
    assert counts[0] == 4 and counts[2] == 1

    video = Course.objects.get(title=demo.VIDEO_COURSE)
    assert video.lessons.filter(kind="video", upload__content_type="video/mp4").exists()
    done = video.enrolments.filter(completed_at__isnull=False)
    assert done.exists() and video.enrolments.filter(completed_at__isnull=True).exists()
    assert QuizAttempt.objects.filter(passed=True).exists()
    # A finished deputy's hours reached the performance record.
    finished = done.exclude(deputy_ref="").first()
    assert finished.performance_entry_id
    assert performance.summary(int(finished.deputy_ref), "340123")[0]["training_hours"] >= 3

    # 张伟 sees the county's two courses, its lecture and the city's course (municipal and
    # county deputies).
    mine = client.get(api("courses/"), **people["张伟"].auth).json()["results"]
    assert {c["title"] for c in mine} == {
        demo.VIDEO_COURSE, demo.QUIZ_COURSE, demo.LECTURE, demo.CITY_COURSE
    }  # fmt: skip
    lectures = client.get(api("courses/", kind="lecture"), **people["张伟"].auth).json()
    assert [
        (c["title"], c["kind"], c["kind_label"], c["speaker"]) for c in lectures["results"]
    ] == [(demo.LECTURE, "lecture", "讲座", demo.SPEAKER)]
    lecture = Course.objects.get(title=demo.LECTURE)
    assert set(lecture.lessons.values_list("kind", flat=True)) == {"video", "images", "text"}
    classes = client.get(api("classes/"), **people["张伟"].auth).json()
    assert classes["results"][0]["title"] == demo.CLASS_TITLE
    # 李芳, a city deputy, sees the city's course only.
    theirs = client.get(api("courses/", code="340100"), **people["李芳"].auth).json()["results"]
    assert [c["title"] for c in theirs] == [demo.CITY_COURSE]
