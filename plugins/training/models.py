"""Training (学习培训): courses of lessons for an audience (``cms.services.audience``),
enrolment, progress, quizzes with a pass mark, certificates, and offline classes.

A course is seen only by its audience: an **assigned** course enrols every member
(they find it in "my courses" already enrolled), an **open** course lets members
enrol themselves. Completing a course (every lesson done and the quiz, if any,
passed) and attending an offline class become entries of the deputy's
performance record (``cms.services.performance``, kind ``training``, the hours).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import SiteOwnedModel


class EnrolmentMode(models.TextChoices):
    ASSIGNED = "assigned", _("指定学习(培训对象自动参加)")
    OPEN = "open", _("自主报名(培训对象自愿参加)")


class CourseKind(models.TextChoices):
    """A course of lessons, or a lecture (讲座: one speaker's talk on laws or congress
    knowledge, given as text, images or video; enrolment, progress and hours as a course)."""

    COURSE = "course", _("课程")
    LECTURE = "lecture", _("讲座")


class LessonKind(models.TextChoices):
    TEXT = "text", _("图文")
    IMAGES = "images", _("图片")
    VIDEO = "video", _("视频")
    AUDIO = "audio", _("音频")
    PDF = "pdf", _("PDF 文档")


def media_path(instance, filename: str) -> str:
    """Where lesson files were kept before they went through ``cms.services.uploads``
    (migration 0001 names it; migration 0003 moved the files' rows to uploads)."""
    extension = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    return f"private/training/{timezone.now():%Y/%m}/{secrets.token_hex(16)}{extension[:8]}"


class Course(SiteOwnedModel):
    """A course of lessons, seen only by its audience."""

    affects_public_api = False

    title = models.CharField(_("课程名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=8, choices=CourseKind.choices, blank=True,
                            default=CourseKind.COURSE, db_index=True,
                            help_text=_("不选即为课程"))  # fmt: skip
    speaker = models.CharField(_("主讲人"), max_length=100, blank=True,
                               help_text=_("讲座的主讲人及职务,如:张明(省人大常委会法工委)"))  # fmt: skip
    summary = models.TextField(_("简介"), blank=True)
    mode = models.CharField(_("参加方式"), max_length=10, choices=EnrolmentMode.choices,
                            default=EnrolmentMode.ASSIGNED)  # fmt: skip
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=1,
                                validators=[MinValueValidator(0)],
                                help_text=_("完成课程后记入履职档案的学习培训学时"))  # fmt: skip
    published = models.BooleanField(_("已发布"), default=False, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    audience = models.OneToOneField(
        "services.Audience", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("培训对象"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("创建人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-published_at", "-created_at", "-pk"]
        indexes = [models.Index(fields=["site", "published"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.kind = self.kind or CourseKind.COURSE  # a form left blank: a course
        super().save(*args, **kwargs)


class CourseLaw(models.Model):
    """A regulation page of the course's site (``content.RegulationPage``) the course refers
    its learners to (the laws library). Shown to learners only while the page is public."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="laws")
    page = models.ForeignKey("content.RegulationPage", on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("法规页面"))  # fmt: skip
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("课程关联法规")
        verbose_name_plural = _("课程关联法规")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "page"], name="training_course_law_unique")
        ]

    def __str__(self) -> str:
        return f"{self.course_id} · {self.page_id}"


class Lesson(models.Model):
    """One lesson of a course: text, images, a video, an audio or a PDF: a private upload
    of the core's uploads service (``cms.services.uploads``: checked by content, kept
    under ``MEDIA_ROOT/uploads/``), served to the course's audience with range requests."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=LessonKind.choices,
                            default=LessonKind.TEXT)  # fmt: skip
    body = models.TextField(_("正文"), blank=True)
    upload = models.ForeignKey("moderation.Upload", on_delete=models.PROTECT, null=True,
                               blank=True, editable=False, related_name="+",
                               verbose_name=_("文件"))  # fmt: skip
    duration = models.PositiveIntegerField(_("时长(秒)"), default=0,
                                           help_text=_("视频、音频的时长;图文可填预计阅读时间"))  # fmt: skip

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def content_type(self) -> str:
        return self.upload.content_type if self.upload_id else ""

    @property
    def size(self) -> int:
        return self.upload.size if self.upload_id else 0


class Enrolment(models.Model):
    """One learner of one course: how they came (assigned or enrolled), when they started
    and completed it, the certificate number and the performance-record entry."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("姓名"), max_length=100)
    deputy_ref = models.CharField(_("代表编号"), max_length=32, blank=True)
    mode = models.CharField(_("参加方式"), max_length=10, choices=EnrolmentMode.choices)
    enrolled_at = models.DateTimeField(_("参加时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始学习"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, db_index=True)
    certificate_number = models.CharField(_("证书编号"), max_length=32, null=True, blank=True,
                                          unique=True)  # fmt: skip
    performance_entry_id = models.BigIntegerField(_("履职档案记录"), null=True, blank=True)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="training_enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.course}"


class LessonProgress(models.Model):
    """Where a learner is in a lesson (the player's position) and whether it is done."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("播放位置(秒)"), default=0)
    done = models.BooleanField(_("已学完"), default=False)
    done_at = models.DateTimeField(_("学完时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("学习进度")
        verbose_name_plural = _("学习进度")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="training_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id} · {self.lesson_id} · {self.position}s"


class Quiz(models.Model):
    """A course's test: questions with choices, passed at ``pass_mark`` per cent."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="quiz")
    title = models.CharField(_("名称"), max_length=200, default="课程测验")
    pass_mark = models.PositiveSmallIntegerField(
        _("及格分(%)"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("测验")
        verbose_name_plural = _("测验")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    text = models.TextField(_("题目"))

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:50]

    @property
    def multiple(self) -> bool:
        """More than one correct choice: a multiple-choice question."""
        return sum(1 for c in self.choices.all() if c.correct) > 1


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    text = models.CharField(_("选项"), max_length=300)
    correct = models.BooleanField(_("正确答案"), default=False)

    class Meta:
        verbose_name = _("选项")
        verbose_name_plural = _("选项")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    """One submission of a quiz: the score (per cent), passed or not, the answers."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    score = models.PositiveSmallIntegerField(_("得分(%)"))
    passed = models.BooleanField(_("及格"))
    answers = models.JSONField(_("作答"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("测验记录")
        verbose_name_plural = _("测验记录")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.score}%"


class OfflineClass(SiteOwnedModel):
    """An offline class (线下培训班): announced to an audience, registration up to the
    capacity, attendance recorded by the office (and credited as training hours)."""

    affects_public_api = False

    title = models.CharField(_("培训班名称"), max_length=200)
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="classes", verbose_name=_("关联课程"))  # fmt: skip
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("名额"), default=50, validators=[MinValueValidator(1)])
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1, default=1,
                                validators=[MinValueValidator(0)])  # fmt: skip
    announcement = models.TextField(_("通知"), blank=True)
    published = models.BooleanField(_("已发布"), default=False, editable=False)
    audience = models.OneToOneField(
        "services.Audience", on_delete=models.SET_NULL, null=True, blank=True, editable=False,
        related_name="+", verbose_name=_("培训对象"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("线下培训班")
        verbose_name_plural = _("线下培训班")
        ordering = ["-starts_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ClassRegistration(models.Model):
    """A deputy registered for an offline class; ``attended`` is the office's record."""

    offline_class = models.ForeignKey(OfflineClass, on_delete=models.CASCADE,
                                      related_name="registrations")  # fmt: skip
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("姓名"), max_length=100)
    deputy_ref = models.CharField(_("代表编号"), max_length=32, blank=True)
    registered_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    attended = models.BooleanField(_("出席"), null=True, blank=True)
    performance_entry_id = models.BigIntegerField(_("履职档案记录"), null=True, blank=True)

    class Meta:
        verbose_name = _("培训班报名")
        verbose_name_plural = _("培训班报名")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offline_class", "user"], name="training_registration_unique"
            )  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.offline_class_id}"
