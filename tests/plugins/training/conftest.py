"""Deputies (current, former, of another level), staff of two sites, and courses on 肥西县.

The deputies come from the deputies plugin's register (the directory the core's
audience service asks); the training plugin never imports that plugin.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cms.plugins import set_enabled
from cms.services import audience as audiences
from plugins.training import media, service
from plugins.training.models import Choice, Course, Lesson, Question, Quiz
from tests.plugins.deputy_accounts import Deputy, bearer, make_deputy, staff_auth, term_of  # noqa: F401


@pytest.fixture
def feixi(site_group):
    for code in ("340000", "340100", "340121", "340123"):
        set_enabled("training", site_group[code], True)
    return site_group["340123"]


@pytest.fixture
def people(feixi):
    """张伟 (肥西 county deputy), 李芳 (合肥 city deputy only), 王强 (肥西 seat ended, still a
    合肥 deputy), 孙丽 (肥西 county deputy)."""
    return {
        "张伟": make_deputy("张伟", "13900000201", "340123"),
        "李芳": make_deputy("李芳", "13900000202", "340100"),
        "王强": make_deputy("王强", "13900000203", "340100", ended=("340123",)),
        "孙丽": make_deputy("孙丽", "13900000204", "340123"),
    }


@pytest.fixture
def office(feixi, make_user):
    return make_user("feixi-training-office", feixi.editors_group)


@pytest.fixture
def changfeng_staff(site_group, make_user):
    return make_user("changfeng-training-staff", site_group["340121"].editors_group)


def make_course(site, title="宪法和代表法学习", spec=None, *, mode="assigned", lessons=2,
                video: bytes | None = None, quiz: bool = False, publish=True,
                hours="2.0") -> Course:  # fmt: skip
    """A course of ``site`` for an audience (default: the county's deputies) with text
    lessons (and a video lesson first when ``video`` is given), a two-question quiz."""
    course = Course.objects.create(site_id=site.site_id, title=title, mode=mode,
                                   summary="代表履职必修", hours=Decimal(hours))  # fmt: skip
    order = 0
    if video is not None:
        lesson = Lesson.objects.create(course=course, order=order, title="视频讲座",
                                       kind="video", duration=120)  # fmt: skip
        service.attach_media(lesson, SimpleUploadedFile("讲座.mp4", video, "video/mp4"))
        order += 1
    for n in range(lessons):
        Lesson.objects.create(course=course, order=order + n, title=f"第{n + 1}课",
                              kind="text", body="代表法第一条……", duration=300)  # fmt: skip
    if quiz:
        made = Quiz.objects.create(course=course, pass_mark=60)
        one = Question.objects.create(quiz=made, order=0, text="代表任期几年?")
        Choice.objects.create(question=one, order=0, text="五年", correct=True)
        Choice.objects.create(question=one, order=1, text="三年")
        two = Question.objects.create(quiz=made, order=1, text="代表的权利包括?")
        Choice.objects.create(question=two, order=0, text="提出建议", correct=True)
        Choice.objects.create(question=two, order=1, text="参加审议", correct=True)
        Choice.objects.create(question=two, order=2, text="审判案件")
    service.set_audience(course, spec or audiences.AudienceSpec(levels=("county",)), None)
    if publish:
        service.publish(course, None)
    course.refresh_from_db()
    return course


def video_bytes() -> bytes:
    """The demo's real ten-second H.264/AAC MP4 (about 115 KB)."""
    return media.demo_mp4()


def api(path: str, code: str = "340123", **query) -> str:
    from urllib.parse import urlencode

    return f"/api/v1/training/{path}?{urlencode({'site': code, **query})}"
