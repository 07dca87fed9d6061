"""Payloads of the training API (the serializers document them; the views build them)."""

from __future__ import annotations

from rest_framework import serializers

from plugins.training.models import CourseKind, EnrolmentMode, LessonKind

_datetime = serializers.DateTimeField().to_representation
API = "/api/v1/training"


class TrainingSiteSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="开课站点的行政区划代码")
    name = serializers.CharField()


class CourseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=CourseKind.choices, help_text="course 课程;lecture 讲座")
    kind_label = serializers.CharField()
    speaker = serializers.CharField(help_text="主讲人(讲座)")
    summary = serializers.CharField()
    mode = serializers.ChoiceField(choices=EnrolmentMode.choices,
                                   help_text="assigned 指定学习(已自动参加);open 自主报名")  # fmt: skip
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, help_text="完成后记入的学时")
    site = TrainingSiteSerializer()
    lesson_count = serializers.IntegerField()
    lessons_done = serializers.IntegerField(help_text="本人已学完的课时数")
    has_quiz = serializers.BooleanField()
    enrolled = serializers.BooleanField(help_text="本人是否已参加(指定学习的课程总是 true)")
    started_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    certificate_url = serializers.CharField(allow_null=True, help_text="结业证书 PDF(完成后才有)")


class LessonMediaSerializer(serializers.Serializer):
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.CharField(help_text="文件地址(带同一令牌请求;支持 Range 请求拖动进度)")


class LessonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.ChoiceField(choices=LessonKind.choices)
    kind_label = serializers.CharField()
    body = serializers.CharField(help_text="正文(纯文本)")
    duration = serializers.IntegerField(help_text="时长(秒)")
    media = LessonMediaSerializer(allow_null=True)
    position = serializers.IntegerField(help_text="本人上次播放到的位置(秒)")
    done = serializers.BooleanField(help_text="本人是否已学完")


class QuizSummarySerializer(serializers.Serializer):
    title = serializers.CharField()
    pass_mark = serializers.IntegerField(help_text="及格分(百分制)")
    question_count = serializers.IntegerField()
    passed = serializers.BooleanField(help_text="本人是否已通过")
    best_score = serializers.IntegerField(allow_null=True)


class LawSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="页面 id(/api/v1/pages/<id>/ 取全文)")
    title = serializers.CharField()
    document_number = serializers.CharField(help_text="文号")
    adopting_body = serializers.CharField(help_text="制定机关")
    status = serializers.CharField(
        help_text="时效性:in_force 有效、amended 已修改、repealed 已废止等"
    )
    status_label = serializers.CharField()
    date = serializers.DateField(allow_null=True, help_text="发布日期")
    adopted_date = serializers.DateField(allow_null=True, help_text="通过日期")
    effective_date = serializers.DateField(allow_null=True, help_text="施行日期")
    site = serializers.CharField(help_text="法规页面所在站点的行政区划代码")
    url = serializers.CharField(help_text="门户上的地址")
    api_url = serializers.CharField(help_text="页面详情接口 /api/v1/pages/<id>/?site=")


class CourseDetailSerializer(CourseSerializer):
    lessons = LessonSerializer(many=True)
    laws = LawSerializer(many=True, help_text="课程关联的法规(本站点公开的法规页面)")
    quiz = QuizSummarySerializer(allow_null=True)
    certificate_number = serializers.CharField(allow_null=True)


class ProgressInputSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=24 * 3600,
                                        help_text="当前播放位置(秒)")  # fmt: skip
    done = serializers.BooleanField(default=False, help_text="本课时已学完")
    final = serializers.BooleanField(default=False, help_text="播放器关闭前的最后一次报告:总是保存")


class ProgressSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    done = serializers.BooleanField()
    saved = serializers.BooleanField(help_text="false:距上次保存不足设定秒数,本次只暂存")
    course_completed = serializers.BooleanField()


class QuizChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuizQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    multiple = serializers.BooleanField(help_text="true:多选题")
    choices = QuizChoiceSerializer(many=True)


class AttemptSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="得分(百分制)")
    passed = serializers.BooleanField()
    submitted_at = serializers.DateTimeField()


class QuizSerializer(serializers.Serializer):
    title = serializers.CharField()
    pass_mark = serializers.IntegerField()
    questions = QuizQuestionSerializer(many=True)
    attempts = AttemptSerializer(many=True, help_text="本人的作答记录,新的在前")


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1)
    choices = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20)


class QuizAnswersSerializer(serializers.Serializer):
    answers = serializers.ListField(child=AnswerSerializer(), max_length=200)


class QuizResultSerializer(AttemptSerializer):
    pass_mark = serializers.IntegerField()
    course_completed = serializers.BooleanField()


class OfflineClassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    course = serializers.IntegerField(allow_null=True, help_text="关联课程 id")
    place = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    capacity = serializers.IntegerField()
    registered_count = serializers.IntegerField()
    announcement = serializers.CharField()
    site = TrainingSiteSerializer()
    registered = serializers.BooleanField(help_text="本人是否已报名")
    attended = serializers.BooleanField(allow_null=True, help_text="出席登记:null 未登记")


def _site(record) -> dict:
    profile = record.site.profile
    return {"code": profile.division_code, "name": profile.name}


def course_payload(course, enrolment, progress: dict, lesson_count: int, has_quiz: bool) -> dict:
    code = course.site.profile.division_code
    completed = enrolment is not None and enrolment.completed_at is not None
    return {
        "id": course.pk, "title": course.title, "kind": course.kind,
        "kind_label": str(course.get_kind_display()), "speaker": course.speaker,
        "summary": course.summary,
        "mode": course.mode, "hours": str(course.hours), "site": _site(course),
        "lesson_count": lesson_count,
        "lessons_done": sum(1 for p in progress.values() if p["done"]),
        "has_quiz": has_quiz, "enrolled": enrolment is not None,
        "started_at": _datetime(enrolment.started_at) if enrolment and enrolment.started_at else None,
        "completed_at": _datetime(enrolment.completed_at) if completed else None,
        "certificate_url": f"{API}/courses/{course.pk}/certificate/?site={code}" if completed else None,
    }  # fmt: skip


def lesson_payload(lesson, progress: dict) -> dict:
    code = lesson.course.site.profile.division_code
    mine = progress.get(lesson.pk, {})
    return {
        "id": lesson.pk, "order": lesson.order, "title": lesson.title, "kind": lesson.kind,
        "kind_label": str(lesson.get_kind_display()), "body": lesson.body,
        "duration": lesson.duration,
        "media": {"content_type": lesson.content_type, "size": lesson.size,
                  "url": f"{API}/courses/{lesson.course_id}/lessons/{lesson.pk}/media/?site={code}"}
        if lesson.upload_id else None,
        "position": mine.get("position", 0), "done": mine.get("done", False),
    }  # fmt: skip


def law_payload(row: dict, library) -> dict:
    """A regulation page row (``service.LAW_FIELDS``) as the laws library lists it, with
    the URLs of its own site."""
    ref = library.scope_of(row).page_ref(row, {row["content_type_id"]: "regulation"})
    status = row["law_status"] or ""
    return {
        "id": ref["id"], "title": ref["title"],
        "document_number": row["document_number"] or "",
        "adopting_body": row["adopting_body"] or "",
        "status": status, "status_label": _status_labels().get(status, ""),
        "date": _date(row["law_date"]), "adopted_date": _date(row["adopted_date"]),
        "effective_date": _date(row["effective_date"]),
        "site": library.scope_of(row).code, "url": ref["url"], "api_url": ref["api_url"],
    }  # fmt: skip


def _status_labels() -> dict[str, str]:
    from django.apps import apps

    field = apps.get_model("content", "RegulationPage")._meta.get_field("status")
    return {value: str(label) for value, label in field.choices}


def _date(value):
    return value.isoformat() if value else None


def class_payload(row, registered: dict, mine: dict) -> dict:
    found = mine.get(row.pk)
    return {
        "id": row.pk, "title": row.title, "course": row.course_id, "place": row.place,
        "starts_at": _datetime(row.starts_at),
        "ends_at": _datetime(row.ends_at) if row.ends_at else None,
        "hours": str(row.hours), "capacity": row.capacity,
        "registered_count": registered.get(row.pk, 0), "announcement": row.announcement,
        "site": _site(row), "registered": found is not None,
        "attended": found.attended if found is not None else None,
    }  # fmt: skip
