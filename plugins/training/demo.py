"""Demo data on 肥西县 (and one course of 合肥市): two courses and an offline class.

* 代表履职基础(视频讲座), assigned to the county's deputies: a video lesson (a real
  ten-second H.264/AAC MP4, ``media.DEMO_MP4``, served with range requests), a text
  lesson and a PDF;
* 宪法和代表法学习, open to the county's deputies, with a three-question quiz;
* a lecture (讲座) on local legislation, open to the county's deputies: a video and
  the speaker's slides (images), linked to the site's regulation pages;
* 宪法和代表法学习 links the site's regulation pages too (the laws library);
* 合肥市 gives a course to its own and the counties' deputies;
* an offline class next week, announced to the county's deputies, some registered.

The deputies with accounts are part-way: some have finished the video course (their
hours are in the performance record through the real path), some are half-way, some
have not started; some enrolled in the open course and passed or failed the quiz.
Running it again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from cms.services import audience as audiences

from . import service
from .media import DEMO_SECONDS, demo_mp4
from .models import Choice, Course, Lesson, OfflineClass, Question, Quiz

VIDEO_COURSE = "代表履职基础(视频讲座)"
QUIZ_COURSE = "宪法和代表法学习"
CITY_COURSE = "预算审查监督专题(合肥市)"
CLASS_TITLE = "2026年度肥西县人大代表履职培训班"
LECTURE = "地方立法的程序和代表的参与(专题讲座)"
SPEAKER = "陈立新(省人大常委会法制工作委员会,虚构)"
LAW = "中华人民共和国全国人民代表大会和地方各级人民代表大会代表法"

QUESTIONS = [
    ("县级人民代表大会每届任期几年?", [("五年", True), ("三年", False), ("四年", False)]),
    ("代表在本级人民代表大会会议期间享有哪些权利?",
     [("提出议案", True), ("提出建议、批评和意见", True), ("直接审理案件", False)]),
    ("代表应当与原选区选民保持密切联系吗?", [("应当", True), ("不必", False)]),
]  # fmt: skip


def _pdf(title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from .certificate import font

    name = font()
    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    sheet.setFont(name, 16)
    sheet.drawCentredString(width / 2, height - 90, title[:36])
    sheet.setFont(name, 11)
    for i, line in enumerate(["(演示讲义,内容为虚构。)", f"学习《{LAW[:20]}……》要点。"]):
        sheet.drawString(72, height - 150 - i * 22, line)
    sheet.showPage()
    sheet.save()
    return buffer.getvalue()


def _lesson(course, order, title, kind, body="", duration=0, data=None, name=""):
    lesson = Lesson.objects.create(course=course, order=order, title=title, kind=kind, body=body,
                                   duration=duration)  # fmt: skip
    if data is not None:
        file = ContentFile(data, name=name)
        service.attach_media(lesson, file)
    return lesson


def _course(profile, title, *, mode, hours, levels, summary, **fields) -> Course | None:
    if Course.objects.filter(site_id=profile.site_id, title=title).exists():
        return None
    course = Course.objects.create(site_id=profile.site_id, title=title, mode=mode,
                                   hours=Decimal(hours), summary=summary, **fields)  # fmt: skip
    try:
        service.set_audience(course, audiences.AudienceSpec(levels=levels), None)
    except ValidationError:
        return course
    return course


def _publish(record) -> bool:
    try:
        service.publish(record, None)
    except ValidationError:  # no audience (a site without deputies): stays a draft
        return False
    return True


def _county(profile) -> None:
    video = _course(profile, VIDEO_COURSE, mode="assigned", hours="3", levels=("county",),
                    summary="县人大代表必修:代表的地位、权利和义务,闭会期间的履职方式。")  # fmt: skip
    if video is not None:
        _lesson(video, 0, "第一讲 人大代表的地位和作用", "video", duration=DEMO_SECONDS,
                body="视频讲座(演示用,约十秒)。", data=demo_mp4(), name="lecture.mp4")  # fmt: skip
        _lesson(video, 1, "第二讲 闭会期间代表活动", "text", duration=300,
                body="闭会期间,代表通过视察、专题调研、执法检查、联系选民等方式履行职责。")  # fmt: skip
        _lesson(video, 2, "学习讲义(PDF)", "pdf", duration=600,
                data=_pdf("代表履职基础学习讲义"), name="handout.pdf")  # fmt: skip
        if _publish(video):
            _part_way(video, quiz=False)
    law = _course(profile, QUIZ_COURSE, mode="open", hours="2", levels=("county", "township"),
                  summary=f"学习宪法和《{LAW}》,学完参加测验,80 分及格。")  # fmt: skip
    if law is not None:
        _lesson(law, 0, "宪法关于人民代表大会制度的规定", "text", duration=600,
                body="中华人民共和国的一切权力属于人民。人民行使国家权力的机关是全国人民代表大会和地方各级人民代表大会。")  # fmt: skip
        _lesson(law, 1, "代表法要点", "text", duration=600,
                body="代表应当与原选区选民或者原选举单位和人民群众保持密切联系。")  # fmt: skip
        quiz = Quiz.objects.create(course=law, title="宪法和代表法测验", pass_mark=80)
        for n, (text, choices) in enumerate(QUESTIONS):
            question = Question.objects.create(quiz=quiz, order=n, text=text)
            Choice.objects.bulk_create([Choice(question=question, order=i, text=t, correct=c)
                                        for i, (t, c) in enumerate(choices)])  # fmt: skip
        _link_laws(law, profile, 3)
        if _publish(law):
            _part_way(law, quiz=True)
    lecture = _course(profile, LECTURE, mode="open", hours="1.5", levels=("county", "township"),
                      kind="lecture", speaker=SPEAKER,
                      summary="专题讲座:地方性法规从立项、起草、审议到公布的程序,代表如何参与立法。")  # fmt: skip
    if lecture is not None:
        _lesson(lecture, 0, "讲座视频", "video", duration=DEMO_SECONDS,
                body="讲座录像(演示用,约十秒)。", data=demo_mp4(), name="lecture.mp4")  # fmt: skip
        _lesson(lecture, 1, "讲座课件", "images", duration=120,
                body="主讲人课件。", data=_slide("地方立法的程序"), name="slides.png")  # fmt: skip
        _lesson(lecture, 2, "讲座要点", "text", duration=300,
                body="地方立法一般经过立项、起草、审议、表决和公布等环节;代表可以提出法规案,"
                "参加审议,并通过联络站收集群众对法规草案的意见。")  # fmt: skip
        _link_laws(lecture, profile, 2)
        _publish(lecture)
    if not OfflineClass.objects.filter(site_id=profile.site_id, title=CLASS_TITLE).exists():
        offline = OfflineClass.objects.create(
            site_id=profile.site_id, title=CLASS_TITLE, course=video, place="肥西县人大常委会三楼会议室",
            starts_at=timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
            + dt.timedelta(days=7),
            capacity=40, hours=Decimal("6"),
            announcement="请参训代表按时报到,携带代表证。培训内容:代表法、预算审查、建议撰写。",
        )  # fmt: skip
        try:
            service.set_audience(offline, audiences.AudienceSpec(levels=("county",)), None)
        except ValidationError:
            return
        if _publish(offline):
            for user in audiences.members(offline.audience)[:3]:
                service.register(offline, user)


def _link_laws(course, profile, count: int) -> None:
    """Link the newest public regulation pages of the site's laws library (the site's and
    those of the sites above it)."""
    pages = service.LawLibrary(profile.division_code).pages
    for page_id in pages.order_by("-pk").values_list("pk", flat=True)[:count]:
        service.link_law(course, page_id, None)


def _slide(_title: str) -> bytes:
    """A plain slide image (PNG): a framed red card, for the demo lecture's images lesson."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 360), (180, 30, 40))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 620, 340), outline=(255, 220, 120), width=4)
    draw.text((40, 160), "LECTURE", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _part_way(course, *, quiz: bool) -> None:
    """The members of the audience part-way: a third finished, a third half-way, the rest
    not started (an open course: two thirds enrolled)."""
    lessons = list(course.lessons.order_by("order"))
    for n, user in enumerate(audiences.members(course.audience)):
        if quiz and n % 3 == 2:
            continue  # not enrolled in the open course
        enrolment = service.enrolment_of(course, user, create=True)
        stage = n % 3
        if stage == 2 and not quiz:
            continue
        todo = lessons if stage == 0 else lessons[: max(1, len(lessons) // 2)]
        for lesson in todo:
            last = lesson is todo[-1]
            service.report_progress(enrolment, lesson, position=lesson.duration if not last or stage == 0
                                    else lesson.duration // 2, done=not last or stage == 0,
                                    final=True)  # fmt: skip
        if quiz and stage == 0:
            answers = {}
            for question in course.quiz.questions.prefetch_related("choices"):
                right = [c.pk for c in question.choices.all() if c.correct]
                answers[str(question.pk)] = right if n % 2 == 0 else right[:1] + [0]
            service.submit_quiz(enrolment, answers)


def load_demo(profile) -> None:
    if profile.division_code == "340123":
        _county(profile)
    elif profile.division_code == "340100":
        city = _course(profile, CITY_COURSE, mode="assigned", hours="2",
                       levels=("municipal", "county"),
                       summary="市、县人大代表:预算审查监督的重点和方法。")  # fmt: skip
        if city is not None:
            _lesson(city, 0, "预算审查的重点", "text", duration=900,
                    body="重点审查支出预算和政策,关注重大投资项目和民生支出。")  # fmt: skip
            if _publish(city):
                _part_way(city, quiz=False)
