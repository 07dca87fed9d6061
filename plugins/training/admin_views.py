"""The office's screens (学习培训 in the admin menu).

* 管理 a course (``training_course``, ``/admin/training/courses/<id>/``): the
  audience (``cms.services.audience``), the lessons (text, images, video, audio,
  PDF: private files), the quiz (pass mark, questions with their choices),
  publish or take down, and the learners: enrolled, lessons done, best score,
  completed, certificate number.
* 管理 an offline class (``training_class``): the audience, publish, the
  registrations and their attendance (attending credits the class's hours).
* 培训覆盖情况 (``training_coverage``): per site of the user's, rolled up over the
  site tree, the current deputies trained at least once this term over all of
  them; the scope site's deputies one by one; Excel export.

Who: ``training.view_course`` to look, ``training.change_course`` (classes:
``…_offlineclass``) to change, on a site the user manages with the plugin on
(``cms.plugins.site_access``); anything else is 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from cms.plugins import site_access
from cms.plugins.forms import AudienceForm
from cms.services import audience as audiences
from cms.services import audit, spreadsheets

from . import coverage as coverage_figures
from . import service
from .models import (
    Choice,
    ClassRegistration,
    Course,
    Enrolment,
    Lesson,
    LessonKind,
    OfflineClass,
    Question,
    Quiz,
)

LABEL = "training"


def _site_ids(request, model: str = "course", perm: str = "view") -> set[int]:
    if not request.user.has_perm(f"training.{perm}_{model}"):
        raise Http404
    ids = set(site_access(request).plugin_site_ids(LABEL))
    if not ids:
        raise Http404
    return ids


def _course(request, pk: int, perm: str = "view") -> Course:
    found = (
        Course.objects.filter(pk=pk, site_id__in=_site_ids(request, "course", perm))
        .select_related("site__profile", "audience")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _class(request, pk: int, perm: str = "view") -> OfflineClass:
    found = (
        OfflineClass.objects.filter(pk=pk, site_id__in=_site_ids(request, "offlineclass", perm))
        .select_related("site__profile", "audience", "course")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _id(value) -> int:
    """A posted id; 0 (no row) for anything that is not digits."""
    return int(value) if str(value or "").isdigit() else 0


def course_url(obj) -> str:
    return reverse("training_course", args=[obj.pk])


def class_url(obj) -> str:
    return reverse("training_class", args=[obj.pk])


# --- forms (the audience: cms.plugins.forms.AudienceForm) --------------------------------


class LessonForm(forms.Form):
    title = forms.CharField(label="课时标题", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=LessonKind.choices)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    duration = forms.IntegerField(label="时长(秒)", min_value=0, initial=0)
    media = forms.FileField(label="文件", required=False,
                            help_text="视频 MP4、音频 MP3/M4A、文档 PDF、图片 JPEG/PNG;仅培训对象可看")  # fmt: skip


class LawForm(forms.Form):
    """A regulation page of the course's site, chosen with Wagtail's page chooser."""

    page = forms.IntegerField(label="法规页面", help_text="选择本站点已发布、公开的法规页面")

    def __init__(self, *args, **kwargs):
        from django.apps import apps
        from wagtail.admin.widgets import AdminPageChooser

        super().__init__(*args, **kwargs)
        self.fields["page"].widget = AdminPageChooser(
            target_models=[apps.get_model("content", "RegulationPage")], can_choose_root=False
        )


class QuizForm(forms.Form):
    title = forms.CharField(label="测验名称", max_length=200, initial="课程测验")
    pass_mark = forms.IntegerField(label="及格分(%)", min_value=1, max_value=100, initial=60)


class QuestionForm(forms.Form):
    text = forms.CharField(label="题目", widget=forms.Textarea(attrs={"rows": 2}))
    choices = forms.CharField(
        label="选项", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个选项;正确答案在行首加 *(多个 * 即多选题)",
    )  # fmt: skip

    def clean_choices(self):
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        parsed = [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]
        if len(parsed) < 2:
            raise forms.ValidationError("至少两个选项。")
        if not any(correct for _text, correct in parsed):
            raise forms.ValidationError("请用 * 标出至少一个正确答案。")
        if any(not text for text, _correct in parsed):
            raise forms.ValidationError("选项不能为空。")
        return parsed


# --- 管理 a course ---------------------------------------------------------------------------


def _learners(course) -> list[Enrolment]:
    rows = list(
        Enrolment.objects.filter(course=course)
        .annotate(
            lessons_done=Count("progress", filter=Q(progress__done=True), distinct=True),
            best_score=Max("attempts__score"),
        )
        .order_by("completed_at", "name", "pk")
    )
    return rows


def course_manage(request, pk: int):
    course = _course(request, pk)
    can_change = request.user.has_perm("training.change_course")
    audience_form = AudienceForm(
        site_id=course.site_id, initial=AudienceForm.initial_for(course.audience)
    )
    lesson_form, question_form, law_form = LessonForm(), QuestionForm(), LawForm()
    quiz = Quiz.objects.filter(course=course).first()
    quiz_form = QuizForm(
        initial={"title": quiz.title, "pass_mark": quiz.pass_mark} if quiz else None
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        step = request.POST.get("step", "")
        try:
            if step == "audience":
                audience_form = AudienceForm(request.POST, site_id=course.site_id)
                if audience_form.is_valid():
                    service.set_audience(course, audience_form.spec(), request.user)
                    messages.success(request, "培训对象已保存。")
                    return redirect(course_url(course))
            elif step == "lesson":
                lesson_form = LessonForm(request.POST, request.FILES)
                if lesson_form.is_valid():
                    data = lesson_form.cleaned_data
                    lesson = Lesson(course=course, title=data["title"], kind=data["kind"],
                                    body=data["body"], duration=data["duration"],
                                    order=course.lessons.count())  # fmt: skip
                    lesson.save()
                    if data["media"]:
                        try:
                            service.attach_media(lesson, data["media"], request.user)
                        except ValidationError as error:
                            lesson.delete()
                            lesson_form.add_error("media", "".join(error.messages))
                    if not lesson_form.errors:
                        messages.success(request, "课时已添加。")
                        return redirect(course_url(course))
            elif step == "remove_lesson":
                found = course.lessons.filter(pk=_id(request.POST.get("lesson"))).first()
                if found is not None:
                    found.delete()  # its file goes too (service.drop_lesson_file)
                messages.success(request, "课时已删除。")
                return redirect(course_url(course))
            elif step == "law":
                law_form = LawForm(request.POST)
                if law_form.is_valid():
                    try:
                        service.link_law(course, law_form.cleaned_data["page"], request.user)
                    except ValidationError as error:
                        law_form.add_error("page", "".join(error.messages))
                    else:
                        messages.success(request, "已关联法规。")
                        return redirect(course_url(course))
            elif step == "remove_law":
                service.unlink_law(course, _id(request.POST.get("page")), request.user)
                messages.success(request, "已取消关联。")
                return redirect(course_url(course))
            elif step == "quiz":
                quiz_form = QuizForm(request.POST)
                if quiz_form.is_valid():
                    Quiz.objects.update_or_create(course=course, defaults=quiz_form.cleaned_data)
                    messages.success(request, "测验已保存。")
                    return redirect(course_url(course))
            elif step == "question":
                question_form = QuestionForm(request.POST)
                if question_form.is_valid():
                    quiz, _created = Quiz.objects.get_or_create(course=course)
                    question = Question.objects.create(quiz=quiz, text=question_form.cleaned_data["text"],
                                                       order=quiz.questions.count())  # fmt: skip
                    Choice.objects.bulk_create([
                        Choice(question=question, order=n, text=text[:300], correct=correct)
                        for n, (text, correct) in enumerate(question_form.cleaned_data["choices"])
                    ])  # fmt: skip
                    messages.success(request, "题目已添加。")
                    return redirect(course_url(course))
            elif step == "remove_question":
                Question.objects.filter(quiz__course=course,
                                        pk=_id(request.POST.get("question"))).delete()  # fmt: skip
                messages.success(request, "题目已删除。")
                return redirect(course_url(course))
            elif step == "publish":
                service.publish(course, request.user)
                messages.success(request, "已发布,培训对象可以学习了。")
                return redirect(course_url(course))
            elif step == "unpublish":
                service.unpublish(course, request.user)
                messages.success(request, "已撤下,培训对象不再看到这门课程。")
                return redirect(course_url(course))
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
            return redirect(course_url(course))
    learners = _learners(course)
    questions = list(Question.objects.filter(quiz__course=course).prefetch_related("choices"))
    linked = list(course.laws.select_related("page").order_by("order", "pk"))
    _scope, public = service.course_laws(course)
    public_ids = {row["id"] for row in public}
    return TemplateResponse(request, "training/admin/course.html", {
        "laws": [(link.page, link.page_id in public_ids) for link in linked], "law_form": law_form,
        "course": course, "can_change": can_change, "audience_form": audience_form,
        "audience_text": audiences.describe(course.audience), "lessons": course.lessons.select_related("upload"),
        "lesson_form": lesson_form, "quiz": quiz, "quiz_form": quiz_form,
        "question_form": question_form, "questions": questions, "learners": learners,
        "lesson_count": course.lessons.count(),
        "counts": {"enrolled": len(learners),
                   "started": sum(1 for e in learners if e.started_at),
                   "completed": sum(1 for e in learners if e.completed_at)},
    })  # fmt: skip


# --- 管理 an offline class -------------------------------------------------------------------


def class_manage(request, pk: int):
    offline = _class(request, pk)
    can_change = request.user.has_perm("training.change_offlineclass")
    audience_form = AudienceForm(
        site_id=offline.site_id, initial=AudienceForm.initial_for(offline.audience)
    )
    if request.method == "POST":
        if not can_change:
            raise Http404
        step = request.POST.get("step", "")
        try:
            if step == "audience":
                audience_form = AudienceForm(request.POST, site_id=offline.site_id)
                if audience_form.is_valid():
                    service.set_audience(offline, audience_form.spec(), request.user)
                    messages.success(request, "培训对象已保存。")
                    return redirect(class_url(offline))
            elif step == "publish":
                service.publish(offline, request.user)
                messages.success(request, "已发布培训班通知。")
                return redirect(class_url(offline))
            elif step == "unpublish":
                service.unpublish(offline, request.user)
                messages.success(request, "已撤下培训班通知。")
                return redirect(class_url(offline))
            elif step == "attendance":
                attended = set(request.POST.getlist("attended"))
                for row in offline.registrations.select_related("offline_class__site__profile"):
                    value = str(row.pk) in attended
                    if row.attended is not value:
                        service.record_attendance(row, value, request.user)
                messages.success(request, "出勤已登记,出席的代表已记入履职档案。")
                return redirect(class_url(offline))
        except ValidationError as error:
            messages.error(request, "".join(error.messages))
            return redirect(class_url(offline))
    registrations = list(offline.registrations.order_by("registered_at", "pk"))
    return TemplateResponse(request, "training/admin/class.html", {
        "offline": offline, "can_change": can_change, "audience_form": audience_form,
        "audience_text": audiences.describe(offline.audience), "registrations": registrations,
        "started": offline.starts_at <= timezone.now(),
        "attended_count": sum(1 for r in registrations if r.attended),
    })  # fmt: skip


# --- 培训覆盖情况 ------------------------------------------------------------------------------


def _scope(request) -> tuple[object, set[int], list]:
    """The site asked for (``?site=``) among the user's, else the highest of them."""
    from wagtail.models import Site

    allowed = _site_ids(request)
    sites = Site.objects.filter(pk__in=allowed, profile__isnull=False).select_related("profile")
    profiles = sorted((s.profile for s in sites), key=lambda p: p.division_code)
    code = request.GET.get("site", "")
    scope = next((p for p in profiles if p.division_code == code), None)
    if scope is None:  # the highest of the user's sites
        tops = [p for p in profiles if p.parent_id not in {q.pk for q in profiles}]
        scope = (tops or profiles)[0]
    return scope, allowed, profiles


def _people(scope) -> list[dict]:
    """The scope site's current deputies: courses completed and classes attended this
    term, and the hours."""
    from cms.services import directory

    since = coverage_figures.term_start(scope.site_id, scope.division_code)
    people = directory.deputies(scope.site_id)
    refs = [p.ref for p in people]
    done = Enrolment.objects.filter(deputy_ref__in=refs, completed_at__isnull=False)
    came = ClassRegistration.objects.filter(deputy_ref__in=refs, attended=True)
    if since is not None:
        start = coverage_figures.start_of(since)
        done = done.filter(completed_at__gte=start)
        came = came.filter(offline_class__starts_at__gte=start)
    per: dict[str, dict] = {r: {"courses": 0, "classes": 0, "hours": 0} for r in refs}
    for ref, hours in done.values_list("deputy_ref", "course__hours"):
        per[ref]["courses"] += 1
        per[ref]["hours"] += hours
    for ref, hours in came.values_list("deputy_ref", "offline_class__hours"):
        per[ref]["classes"] += 1
        per[ref]["hours"] += hours
    return [{"ref": p.ref, "name": p.name, **per[p.ref],
             "trained": per[p.ref]["courses"] + per[p.ref]["classes"] > 0} for p in people]  # fmt: skip


def coverage(request):
    scope, allowed, profiles = _scope(request)
    figures = coverage_figures.coverage(scope, allowed=allowed)
    return TemplateResponse(request, "training/admin/coverage.html", {
        "scope": scope, "profiles": profiles, "figures": figures, "people": _people(scope),
        "courses": Course.objects.filter(site_id__in=allowed).select_related("site__profile")
        .annotate(enrolled=Count("enrolments", distinct=True),
                  completed=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False),
                                  distinct=True)).order_by("-published_at", "-pk")[:50],
    })  # fmt: skip


HEADER = ("站点", "行政区划代码", "本届起始日期", "本站点已培训代表", "本站点在任代表",
          "含下级已培训代表", "含下级在任代表", "覆盖率(%)")  # fmt: skip


def export(request):
    """培训覆盖情况 as Excel: one row per site (own and rolled up), then the scope's deputies."""
    from openpyxl import Workbook

    scope, allowed, _profiles = _scope(request)
    figures = coverage_figures.coverage(scope, allowed=allowed)
    book = Workbook()
    sheet = book.active
    sheet.title = "培训覆盖情况"
    spreadsheets.append(sheet, HEADER)
    for row in figures["sites"]:
        spreadsheets.append(sheet, (
            row["name"], row["code"], row["since"].isoformat() if row["since"] else "",
            row["own_trained"], row["own_deputies"], row["trained"], row["deputies"],
            row["rate"] if row["rate"] is not None else "",
        ))  # fmt: skip
    people = book.create_sheet(f"{scope.name}代表"[:31])
    spreadsheets.append(
        people, ("姓名", "代表编号", "完成课程", "参加线下培训", "学时", "本届已培训")
    )
    for row in _people(scope):
        spreadsheets.append(people, (row["name"], row["ref"], row["courses"], row["classes"],
                                     float(row["hours"]), "是" if row["trained"] else "否"))  # fmt: skip
    first = Course.objects.filter(site_id=scope.site_id).order_by("pk").first()
    if first is not None:  # the log names a record
        audit.audit(first, "training.exported", user=request.user,
                    data={"scope": scope.division_code, "rows": sheet.max_row - 1})  # fmt: skip
    stamp = timezone.localdate().strftime("%Y%m%d")
    return spreadsheets.download(book, f"培训覆盖情况-{scope.name}-{stamp}.xlsx")


def lesson_media(request, pk: int, lesson_id: int):
    """The office previews a lesson's file."""
    course = _course(request, pk)
    lesson = course.lessons.filter(pk=lesson_id).first()
    if lesson is None or lesson.upload_id is None:
        raise Http404
    from .api.views import ranged_response

    lesson.course = course
    return ranged_response(request, lesson)


def urls():
    return [
        path("training/courses/<int:pk>/", course_manage, name="training_course"),
        path(
            "training/courses/<int:pk>/lessons/<int:lesson_id>/",
            lesson_media,
            name="training_lesson_media",
        ),  # fmt: skip
        path("training/classes/<int:pk>/", class_manage, name="training_class"),
        path("training/coverage/", coverage, name="training_coverage"),
        path("training/coverage/export/", export, name="training_coverage_export"),
    ]


__all__ = ["urls"]
