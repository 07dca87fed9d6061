"""The deputies' API (mini-programs, bearer tokens): my courses and offline classes.

Courses and classes of the asked site and of the sites above it that have the
plugin on, published, whose audience includes the caller
(``cms.services.audience``). Anything else (another site's staff, a deputy of
another level, a former deputy, an anonymous caller, a crafted id, an
unpublished course) is the API's one 404, the same as a missing id. Answers are
never cached (``private, no-store``).

* ``GET courses/`` my courses (assigned ones enrolled already, open ones to enrol);
  ``GET courses/<id>/`` with lessons and my progress; ``POST courses/<id>/enrol/``;
* ``GET courses/<id>/lessons/<lesson>/media/``: the lesson's file with HTTP range
  requests (``206``, ``Accept-Ranges``, ``Content-Range``), so a player can seek;
* ``POST courses/<id>/lessons/<lesson>/progress/``: the player's report, written at
  most every ``PROGRESS_WRITE_SECONDS`` per lesson (``service.report_progress``);
* ``GET``/``POST courses/<id>/quiz/``: the questions (never which choice is right),
  and a submission (score, passed);
* ``GET courses/<id>/certificate/``: the certificate PDF, to its owner once completed;
* ``GET classes/``, ``POST``/``DELETE classes/<id>/registration/``;
* ``GET laws/``: the laws library, the public regulation pages of the site and the
  sites above it (the core's page visibility, as ``/api/v1/pages/``), with ``q``; a course's detail lists the
  regulation pages it links (``laws``).
"""

from __future__ import annotations

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from cms.plugins.api import (
    SITE_PARAMETER,
    ApiProblem,
    IdempotentMixin,
    LimitOffsetParams,
    SiteScopedMixin,
    not_found,
    problem_responses,
)
from plugins.training import service
from plugins.training.models import (
    ClassRegistration,
    Course,
    CourseKind,
    Enrolment,
    Lesson,
    OfflineClass,
    Quiz,
)

from .serializers import (
    CourseDetailSerializer,
    CourseSerializer,
    LawSerializer,
    OfflineClassSerializer,
    ProgressInputSerializer,
    ProgressSerializer,
    QuizAnswersSerializer,
    QuizResultSerializer,
    QuizSerializer,
    class_payload,
    course_payload,
    law_payload,
    lesson_payload,
)

NO_STORE = "private, no-store"
CHUNK = 64 * 1024
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, required=False,
    description="重试同一请求时带上相同的键,只生效一次",
)  # fmt: skip
RANGE = OpenApiParameter(
    "Range", str, OpenApiParameter.HEADER, required=False,
    description="如 bytes=1000-1999 或 bytes=1000-:只取文件的一段(拖动进度)",
)  # fmt: skip
COURSE_PROBLEMS = problem_responses(not_found="站点或课程不存在(或不在培训对象内)")
WRITE_PROBLEMS = problem_responses(
    not_found="站点、课程或课时不存在(或不在培训对象内)",
    **{"409": "尚未参加这门课程", "422": "同一 Idempotency-Key 用于不同的请求",
       "429": "请求过于频繁"},
)  # fmt: skip
CLASS_PROBLEMS = problem_responses(
    not_found="站点或培训班不存在(或不在培训对象内)",
    **{"409": "名额已满或培训班已开始", "422": "同一 Idempotency-Key 用于不同的请求"},
)  # fmt: skip


class LearnerPermission(permissions.AllowAny):
    """Checked by the views: a list needs a login, an item answers 404 to outsiders."""


def _refused(error: DjangoValidationError, code: str = "training-state") -> ApiProblem:
    return ApiProblem(409, code, "当前不能这样操作", "".join(error.messages))


class _Learner(IdempotentMixin, SiteScopedMixin):
    site_field = None
    permission_classes = [LearnerPermission]
    #: Learning changes no public answer (cms.api.caching keeps the site's cached answers).
    affects_public_api = False

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = NO_STORE
        return response

    def _site_ids(self) -> list[int]:
        return service.sites_for(self.site_profile)

    def _pk(self, name: str = "pk") -> int:
        if not self.request.user.is_authenticated:
            raise not_found()
        try:
            return int(self.kwargs[name])
        except (TypeError, ValueError, KeyError):
            raise not_found() from None

    def get_object(self):
        """The record among those the caller may see, or the same 404 as a missing id."""
        found = self.get_queryset().filter(pk=self._pk()).first()
        if found is None:
            raise not_found()
        return found

    def list(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated("请先登录。")
        return super().list(request, *args, **kwargs)


def _counts(course_ids) -> tuple[dict, set]:
    lessons = dict(
        Lesson.objects.filter(course_id__in=course_ids).values("course_id")
        .annotate(n=Count("pk")).values_list("course_id", "n")
    )  # fmt: skip
    quizzes = set(
        Quiz.objects.filter(course_id__in=course_ids, questions__isnull=False).values_list(
            "course_id", flat=True
        )
    )
    return lessons, quizzes


class CourseParams(LimitOffsetParams):
    kind = serializers.ChoiceField(choices=CourseKind.choices, required=False,
                                   help_text="course 课程;lecture 讲座")  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary="我的培训课程", parameters=[SITE_PARAMETER],
                       responses={200: CourseSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="课程详情:课时和本人的学习进度", parameters=[SITE_PARAMETER],
                           responses={200: CourseDetailSerializer, **COURSE_PROBLEMS}),
)  # fmt: skip
class CourseViewSet(_Learner, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    viewsets.GenericViewSet):  # fmt: skip
    """The courses whose audience includes the caller (the site and the sites above it);
    ``kind=lecture`` lists the lectures (讲座) only."""

    queryset = Course.objects.none()
    serializer_class = CourseSerializer
    params_class = CourseParams

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        rows = service.visible_courses(self.request.user, self._site_ids())
        if self.action == "list" and self.params.get("kind"):
            rows = rows.filter(kind=self.params["kind"])
        return rows.select_related("site__profile").order_by("-published_at", "-pk")

    def payloads(self, rows: list) -> list:
        ids = [c.pk for c in rows]
        lessons, quizzes = _counts(ids)
        mine = service.enrolments_of(rows, self.request.user)
        done = dict(
            Enrolment.objects.filter(course_id__in=ids, user=self.request.user,
                                     progress__done=True)
            .values("course_id").annotate(n=Count("progress")).values_list("course_id", "n")
        )  # fmt: skip
        out = []
        for course in rows:
            enrolment = mine.get(course.pk)
            progress = {i: {"done": True} for i in range(done.get(course.pk, 0))}
            out.append(course_payload(course, enrolment, progress, lessons.get(course.pk, 0),
                                      course.pk in quizzes))  # fmt: skip
        return out

    def detail_payload(self, course) -> dict:
        enrolment = service.enrolment_of(course, self.request.user)
        progress = service.progress_of(enrolment)
        lessons = list(course.lessons.select_related("upload"))
        for lesson in lessons:
            lesson.course = course
        quiz = Quiz.objects.filter(course=course).annotate(n=Count("questions")).first()
        has_quiz = quiz is not None and quiz.n > 0
        payload = course_payload(course, enrolment, progress, len(lessons), has_quiz)
        payload["lessons"] = [lesson_payload(lesson, progress) for lesson in lessons]
        library, laws = service.course_laws(course)
        payload["laws"] = [law_payload(row, library) for row in laws]
        payload["certificate_number"] = enrolment.certificate_number if enrolment else None
        payload["quiz"] = None
        if has_quiz:
            scores = list(enrolment.attempts.values_list("score", "passed")) if enrolment else []
            payload["quiz"] = {"title": quiz.title, "pass_mark": quiz.pass_mark,
                               "question_count": quiz.n, "passed": any(p for _s, p in scores),
                               "best_score": max((s for s, _p in scores), default=None)}  # fmt: skip
        return payload

    def retrieve(self, request, *args, **kwargs):
        return Response(self.detail_payload(self.get_object()))

    def _enrolment(self, course) -> Enrolment:
        enrolment = service.enrolment_of(course, self.request.user)
        if enrolment is None:
            raise ApiProblem(409, "not-enrolled", "尚未参加这门课程", "请先报名参加这门课程。")
        return enrolment

    def _lesson(self, course) -> Lesson:
        found = course.lessons.select_related("upload").filter(pk=self._pk("lesson_id")).first()
        if found is None:
            raise not_found()
        found.course = course
        return found

    @extend_schema(summary="报名参加(自主报名的课程)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=None, responses={200: CourseDetailSerializer, **WRITE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def enrol(self, request, *args, **kwargs):
        course = self.get_object()
        service.enrolment_of(course, request.user, create=True)
        return Response(self.detail_payload(course))

    @extend_schema(
        summary="课时文件(支持 Range 请求)", parameters=[SITE_PARAMETER, RANGE],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="整个文件"),
                   (206, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="Range 请求的一段,带 Content-Range"),
                   (416, "application/problem+json"): OpenApiResponse(description="Range 超出文件大小"),
                   **COURSE_PROBLEMS},
    )  # fmt: skip
    @action(detail=True, methods=["get"], url_path=r"lessons/(?P<lesson_id>\d+)/media",
            url_name="media")  # fmt: skip
    def media(self, request, *args, **kwargs):
        lesson = self._lesson(self.get_object())
        if lesson.upload_id is None:
            raise not_found()
        return ranged_response(request, lesson)

    @extend_schema(summary="报告学习进度(播放器定时调用)", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=ProgressInputSerializer,
                   responses={200: ProgressSerializer, **WRITE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"], url_path=r"lessons/(?P<lesson_id>\d+)/progress",
            url_name="progress")  # fmt: skip
    def progress(self, request, *args, **kwargs):
        course = self.get_object()
        lesson = self._lesson(course)
        data = ProgressInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = self._enrolment(course)
        state, saved = service.report_progress(enrolment, lesson, **data.validated_data)
        enrolment.refresh_from_db(fields=["completed_at"])
        return Response({**state, "saved": saved,
                         "course_completed": enrolment.completed_at is not None})  # fmt: skip

    def _quiz(self, course) -> Quiz:
        quiz = Quiz.objects.filter(course=course).first()
        if quiz is None or not quiz.questions.exists():
            raise not_found()
        return quiz

    @extend_schema(summary="课程测验(不含答案)", parameters=[SITE_PARAMETER],
                   responses={200: QuizSerializer, **COURSE_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["get"], url_path="quiz", url_name="quiz")
    def quiz(self, request, *args, **kwargs):
        course = self.get_object()
        quiz = self._quiz(course)
        enrolment = service.enrolment_of(course, request.user)
        questions = []
        for question in quiz.questions.prefetch_related("choices"):
            choices = list(question.choices.all())
            questions.append({
                "id": question.pk, "text": question.text,
                "multiple": sum(1 for c in choices if c.correct) > 1,
                "choices": [{"id": c.pk, "text": c.text} for c in choices],
            })  # fmt: skip
        attempts = enrolment.attempts.all() if enrolment else []
        return Response({
            "title": quiz.title, "pass_mark": quiz.pass_mark, "questions": questions,
            "attempts": [{"score": a.score, "passed": a.passed,
                          "submitted_at": serializers.DateTimeField().to_representation(a.submitted_at)}
                         for a in attempts],
        })  # fmt: skip

    @extend_schema(summary="提交测验答案(得分与是否及格;不返回正确答案)",
                   parameters=[SITE_PARAMETER, IDEMPOTENCY], request=QuizAnswersSerializer,
                   responses={200: QuizResultSerializer, **WRITE_PROBLEMS})  # fmt: skip
    @quiz.mapping.post
    def submit_quiz(self, request, *args, **kwargs):
        course = self.get_object()
        quiz = self._quiz(course)
        data = QuizAnswersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choices = {}
        for question_id, choice_id in quiz.questions.values_list("pk", "choices__pk"):
            choices.setdefault(question_id, set()).add(choice_id)
        answers, errors = {}, []
        for answer in data.validated_data["answers"]:
            known = choices.get(answer["question"])
            if known is None or not set(answer["choices"]) <= known:
                errors.append(f"题目 {answer['question']} 或其选项不属于这份测验。")
                continue
            answers[str(answer["question"])] = answer["choices"]
        if errors:
            raise serializers.ValidationError({"answers": errors})
        enrolment = self._enrolment(course)
        attempt = service.submit_quiz(enrolment, answers)
        enrolment.refresh_from_db(fields=["completed_at"])
        return Response({
            "score": attempt.score, "passed": attempt.passed, "pass_mark": quiz.pass_mark,
            "submitted_at": serializers.DateTimeField().to_representation(attempt.submitted_at),
            "course_completed": enrolment.completed_at is not None,
        })  # fmt: skip

    @extend_schema(
        summary="结业证书(PDF,仅本人,完成课程后)", parameters=[SITE_PARAMETER],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
                   **problem_responses(not_found="课程不存在、不在培训对象内或尚未完成")},
    )  # fmt: skip
    @action(detail=True, methods=["get"])
    def certificate(self, request, *args, **kwargs):
        course = self.get_object()
        enrolment = Enrolment.objects.filter(course=course, user=request.user,
                                             completed_at__isnull=False).first()  # fmt: skip
        if enrolment is None:
            raise not_found()
        enrolment.course = course
        response = HttpResponse(service.certificate_pdf(enrolment), content_type="application/pdf")
        name = f"结业证书-{enrolment.certificate_number}.pdf"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def ranged_response(request, lesson):
    """The file whole (``200``), or the one range asked (``206`` with ``Content-Range``);
    a range past the end is ``416``. Several ranges in one header are answered whole."""
    file = lesson.upload.file  # kept by the core's uploads service
    size = file.size
    header = request.headers.get("Range", "").strip()
    start, end, status = 0, size - 1, 200
    match = _RANGE.match(header) if header else None
    if match and (match.group(1) or match.group(2)):
        first, last = match.group(1), match.group(2)
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:  # the last N bytes
            start, end = max(0, size - int(last)), size - 1
        if start >= size or start > end:
            response = HttpResponse(status=416, content_type="application/problem+json",
                                    content=b'{"type":"urn:lianxi:problem:range-not-satisfiable",'
                                            b'"title":"Range \xe8\xb6\x85\xe5\x87\xba\xe6\x96\x87\xe4\xbb\xb6\xe5\xa4\xa7\xe5\xb0\x8f","status":416}')  # fmt: skip
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206

    handle = file.open("rb")

    def chunks(left=end - start + 1):
        try:
            handle.seek(start)
            while left > 0:
                data = handle.read(min(CHUNK, left))
                if not data:
                    break
                left -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=status, content_type=lesson.content_type)
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@extend_schema_view(
    list=extend_schema(summary="线下培训班", parameters=[SITE_PARAMETER],
                       responses={200: OfflineClassSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
    retrieve=extend_schema(summary="培训班详情", parameters=[SITE_PARAMETER],
                           responses={200: OfflineClassSerializer, **CLASS_PROBLEMS}),
)  # fmt: skip
class OfflineClassViewSet(_Learner, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):  # fmt: skip
    """The offline classes whose audience includes the caller, newest first."""

    queryset = OfflineClass.objects.none()
    serializer_class = OfflineClassSerializer
    params_class = LimitOffsetParams

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OfflineClass.objects.none()
        rows = service.visible_classes(self.request.user, self._site_ids())
        return rows.select_related("site__profile").order_by("-starts_at", "-pk")

    def payloads(self, rows: list) -> list:
        ids = [r.pk for r in rows]
        registered = dict(
            ClassRegistration.objects.filter(offline_class_id__in=ids).values("offline_class_id")
            .annotate(n=Count("pk")).values_list("offline_class_id", "n")
        )  # fmt: skip
        mine = {r.offline_class_id: r for r in ClassRegistration.objects.filter(
            offline_class_id__in=ids, user=self.request.user)}  # fmt: skip
        return [class_payload(r, registered, mine) for r in rows]

    def payload(self, obj) -> dict:
        return self.payloads([obj])[0]

    @extend_schema(summary="报名参加培训班", parameters=[SITE_PARAMETER, IDEMPOTENCY],
                   request=None, responses={200: OfflineClassSerializer, **CLASS_PROBLEMS})  # fmt: skip
    @action(detail=True, methods=["post"])
    def registration(self, request, *args, **kwargs):
        found = self.get_object()
        try:
            service.register(found, request.user)
        except DjangoValidationError as error:
            raise _refused(error, "class-closed") from error
        return Response(self.payload(found))

    @extend_schema(summary="取消报名", parameters=[SITE_PARAMETER],
                   request=None, responses={200: OfflineClassSerializer, **CLASS_PROBLEMS})  # fmt: skip
    @registration.mapping.delete
    def cancel_registration(self, request, *args, **kwargs):
        found = self.get_object()
        try:
            service.cancel(found, request.user)
        except DjangoValidationError as error:
            raise _refused(error, "class-closed") from error
        return Response(self.payload(found))


MAX_WORDS = 8


class LawParams(LimitOffsetParams):
    q = serializers.CharField(required=False, max_length=100, trim_whitespace=True,
                              help_text="检索词,以空格分隔,须全部出现在标题、文号或制定机关中")  # fmt: skip

    def validate_q(self, value: str) -> str:
        if len(value.split()) > MAX_WORDS:
            raise serializers.ValidationError(f"检索词不能超过 {MAX_WORDS} 个。")
        return value


@extend_schema_view(
    list=extend_schema(summary="法规库:本站点公开的法规页面", parameters=[SITE_PARAMETER],
                       responses={200: LawSerializer(many=True),
                                  **problem_responses(**{"401": "未登录"})}),
)  # fmt: skip
class LawViewSet(_Learner, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The laws library: the published, public regulation pages of the asked site and of
    the sites above it (the same visibility as ``/api/v1/pages/``), newest first; the
    page's full text is its ``api_url``."""

    queryset = Course.objects.none()
    serializer_class = LawSerializer
    params_class = LawParams

    def get_queryset(self):
        from django.db.models import F, Q

        if getattr(self, "swagger_fake_view", False):
            return Course.objects.none()
        self.library = service.LawLibrary(self.place.code)
        pages = self.library.pages
        for word in (self.params.get("q") or "").split():
            pages = pages.filter(Q(title__icontains=word) | Q(document_number__icontains=word)
                                 | Q(adopting_body__icontains=word))  # fmt: skip
        return pages.order_by(F("law_date").desc(nulls_last=True), "-pk").values(
            *service.LAW_FIELDS
        )

    def payloads(self, rows: list) -> list:
        return [law_payload(row, self.library) for row in rows]
