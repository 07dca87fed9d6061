"""What happens in training: who sees a course, enrolment, progress, quizzes, completion
with its certificate and performance-record entry, offline classes, coverage.

Who sees a course or a class is the core's audience service
(``cms.services.audience``): a published record whose audience includes the user,
on the asked site or a site above it that has the plugin on. Anyone else is told
nothing (the API's one 404).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.plugins import enabled_site_ids, get_plugin
from cms.services import audience as audiences
from cms.services import audit, directory, notifications, performance, uploads
from cms.services.tasks import enqueue, task

from .models import (
    ClassRegistration,
    Course,
    CourseLaw,
    Enrolment,
    EnrolmentMode,
    Lesson,
    LessonProgress,
    OfflineClass,
    QuizAttempt,
)

LABEL = "training"


def setting(name: str):
    return get_plugin(LABEL).plugin_settings[name]


def sites_for(profile) -> list[int]:
    """The site and every site above it, kept to the sites that have the plugin on: a
    deputy of a county sees the courses the city and the province give them too."""
    from cms.services.sites import ancestors

    enabled = enabled_site_ids(LABEL)
    return [p.site_id for p in ancestors(profile, include_self=True) if p.site_id in enabled]


def visible_courses(user, site_ids):
    """Published courses of ``site_ids`` whose audience includes ``user`` (one query)."""
    rows = Course.objects.filter(site_id__in=list(site_ids), published=True)
    return audiences.visible(rows, user)


def visible_classes(user, site_ids):
    rows = OfflineClass.objects.filter(site_id__in=list(site_ids), published=True)
    return audiences.visible(rows, user)


def viewer_name(user) -> str:
    account = getattr(user, "account", None)
    name = getattr(account, "display_name", "") if account is not None else ""
    return (name or user.get_full_name() or user.get_username())[:100]


def deputy_ref(user) -> str:
    account = getattr(user, "account", None)
    if account is None or account.closed_at is not None:
        return ""
    return str(account.directory_ref or "")


# --- the office ------------------------------------------------------------------------


def set_audience(record, spec: audiences.AudienceSpec, user) -> None:
    """Store a course's or a class's audience (validated by the core service)."""
    with transaction.atomic():
        row = audiences.save(spec, site=record.site_id, audience=record.audience)
        if record.audience_id != row.pk:
            record.audience = row
            record.save(update_fields=["audience"])
        audit.audit(record, "training.audience", user=user,
                    data={"audience": audiences.describe(row)})  # fmt: skip
        if isinstance(record, Course) and record.published:
            enqueue(assign, record.pk)


def publish(record, user) -> None:
    if record.audience_id is None or audiences.spec_of(record.audience).is_empty():
        raise ValidationError("请先设置培训对象。")
    if isinstance(record, Course) and not record.lessons.exists():
        raise ValidationError("请先添加课时。")
    record.published = True
    fields = ["published"]
    if isinstance(record, Course):
        record.published_at = record.published_at or timezone.now()
        fields.append("published_at")
    record.save(update_fields=fields)
    audit.audit(record, "training.published", user=user)
    if isinstance(record, Course):
        enqueue(assign, record.pk)
    else:
        enqueue(announce, record.pk)


@task()
def assign(course_id: int) -> int:
    """Enrol every member of a published assigned course's audience who is not enrolled
    yet (the office sees them as learners before they open the course). Safe to run
    twice; returns how many were enrolled."""
    course = Course.objects.filter(pk=course_id, published=True,
                                   mode=EnrolmentMode.ASSIGNED).first()  # fmt: skip
    if course is None or course.audience_id is None:
        return 0
    have = set(Enrolment.objects.filter(course=course).values_list("user_id", flat=True))
    new = [
        Enrolment(
            course=course,
            user=u,
            name=viewer_name(u),
            deputy_ref=deputy_ref(u),
            mode=EnrolmentMode.ASSIGNED,
        )  # fmt: skip
        for u in audiences.members(course.audience)
        if u.pk not in have
    ]
    Enrolment.objects.bulk_create(new, ignore_conflicts=True)
    users = [e.user for e in new if e.user.is_active]
    if users:
        profile = course.site.profile
        notifications.notify(
            users, f"培训课程:{course.title}"[:200],
            f"{profile.name}安排您学习《{course.title}》({course.hours} 学时),请及时完成。",
            kind="training.assigned", site=course.site,
            url=f"pages/training/course?id={course.pk}&site={profile.division_code}",
            dedupe_key=f"training:course:{course.pk}:assigned",
        )  # fmt: skip
    return len(new)


@task()
def announce(class_id: int) -> int:
    """Tell a published class's audience about it (once per person: a dedupe key)."""
    offline = (
        OfflineClass.objects.select_related("site__profile")
        .filter(pk=class_id, published=True)
        .first()
    )
    if offline is None or offline.audience_id is None or offline.starts_at <= timezone.now():
        return 0
    users = audiences.members(offline.audience)
    if users:
        profile = offline.site.profile
        when = timezone.localtime(offline.starts_at)
        notifications.notify(
            users, f"培训通知:{offline.title}"[:200],
            f"{profile.name}将于{when:%Y年%m月%d日 %H:%M}在{offline.place}举办《{offline.title}》,"
            f"名额 {offline.capacity} 人,请在小程序中报名。\n{offline.announcement}".strip(),
            kind="training.class", site=offline.site,
            url=f"pages/training/class?id={offline.pk}&site={profile.division_code}",
            dedupe_key=f"training:class:{offline.pk}:announced",
        )  # fmt: skip
    return len(users)


def unpublish(record, user) -> None:
    record.published = False
    record.save(update_fields=["published"])
    audit.audit(record, "training.unpublished", user=user)


# --- the laws library (the site's regulation pages) -------------------------------------------


def site_code(record) -> str:
    """The division code of a course's (or class's) site."""
    return record.site.profile.division_code


class LawLibrary:
    """The regulation pages a site's deputies may read: the public ``RegulationPage``s of
    the site (or township column) of ``code`` and of every site above it (counties adopt
    no regulations; the city's and the province's apply), each site by the core's page
    visibility (``cms.plugins.api.page_scope``, the rule of ``/api/v1/pages/``)."""

    def __init__(self, code: str):
        from django.db.models import F

        from cms.plugins.api import ApiProblem, page_scope
        from cms.services.sites import ancestors

        first = page_scope(code)
        self.scopes = [first]
        # A township's column first, then its county; a site's ancestors, the nearest first.
        above = ancestors(first.profile, include_self=first.township is not None)
        for profile in reversed(above):
            try:
                self.scopes.append(page_scope(profile.division_code))
            except ApiProblem:  # a site above that is not public
                continue
        pages = None
        for scope in self.scopes:
            mine = scope.pages(["regulation"])
            pages = mine if pages is None else pages | mine
        self.pages = pages.annotate(
            law_date=F("regulationpage__date"),
            document_number=F("regulationpage__document_number"),
            adopting_body=F("regulationpage__adopting_body"),
            adopted_date=F("regulationpage__adopted_date"),
            effective_date=F("regulationpage__effective_date"),
            law_status=F("regulationpage__status"),
        )

    def scope_of(self, row: dict):
        """The scope (site) a page row (``LAW_FIELDS``) belongs to: its URLs are that site's."""
        found = [s for s in self.scopes if row["path"].startswith(s.root.path)]
        return max(found, key=lambda s: len(s.root.path))


def link_law(course, page_id: int, user) -> None:
    """Refer the course's learners to a public regulation page of the course's site or of
    a site above it (its laws library)."""
    if not LawLibrary(site_code(course)).pages.filter(pk=page_id).exists():
        raise ValidationError("只能关联本站点或上级站点已发布、公开的法规页面。")
    order = course.laws.count()
    CourseLaw.objects.get_or_create(course=course, page_id=page_id, defaults={"order": order})
    audit.audit(course, "training.law_linked", user=user, data={"page": page_id})


def unlink_law(course, page_id: int, user) -> None:
    if CourseLaw.objects.filter(course=course, page_id=page_id).delete()[0]:
        audit.audit(course, "training.law_unlinked", user=user, data={"page": page_id})


def course_laws(course) -> tuple[LawLibrary, list[dict]]:
    """(library, rows): the linked regulation pages that are public now, in the course's
    order (a page made private, unpublished or moved away drops out by itself)."""
    library = LawLibrary(site_code(course))
    order = dict(course.laws.values_list("page_id", "order"))
    rows = list(library.pages.filter(pk__in=list(order)).values(*LAW_FIELDS))
    rows.sort(key=lambda row: (order[row["id"]], row["id"]))
    return library, rows


LAW_FIELDS = (
    "id", "title", "slug", "path", "url_path", "content_type_id", "law_date", "document_number",
    "adopting_body", "adopted_date", "effective_date", "law_status",
)  # fmt: skip


def drop_audience(sender, instance, **kwargs) -> None:
    """A deleted course or class takes its audience with it (``post_delete``)."""
    audiences.discard(instance.audience_id)


# --- lesson media ----------------------------------------------------------------------

#: lesson kind → the content types its file may be (checked by content, by the core's
#: uploads service: ``cms.services.uploads``)
MEDIA_TYPES = {
    "video": ("video/mp4",),
    "audio": ("audio/mpeg", "audio/mp4"),
    "pdf": ("application/pdf",),
    "images": ("image/jpeg", "image/png"),
}


def attach_media(lesson: Lesson, file, user=None) -> None:
    """Keep a lesson's file through the core's uploads service (type by content, against the
    lesson's kind; size up to ``MEDIA_MAX_BYTES``; private storage); a file it replaces
    is deleted."""
    types = MEDIA_TYPES.get(lesson.kind, ())
    if not types or uploads.sniff(file) not in types:
        raise ValidationError(
            f"文件类型与课时类型({lesson.get_kind_display()})不符;"
            "视频用 MP4,音频用 MP3 或 M4A,文档用 PDF,图片用 JPEG 或 PNG。"
        )
    try:
        stored = uploads.store(file, site=lesson.course.site, owner=user, types=types,
                               max_bytes=int(setting("MEDIA_MAX_BYTES")))  # fmt: skip
    except uploads.UploadError as error:
        raise ValidationError(str(error)) from None
    old = lesson.upload
    lesson.upload = stored
    lesson.save(update_fields=["upload"])
    uploads.discard(old)


def drop_lesson_file(sender, instance, **kwargs) -> None:
    """A deleted lesson (alone, or with its course) takes its file with it (``post_delete``)."""
    if instance.upload_id is not None:
        from django.apps import apps

        upload = apps.get_model("moderation", "Upload").objects.filter(pk=instance.upload_id)
        uploads.discard(upload.first())


# --- the learner -----------------------------------------------------------------------


def enrolment_of(course: Course, user, *, create: bool = False) -> Enrolment | None:
    """The user's enrolment: an assigned course's member is enrolled on first sight; an
    open course's only when they enrol (``create``)."""
    found = Enrolment.objects.filter(course=course, user=user).first()
    if found is not None or not (create or course.mode == EnrolmentMode.ASSIGNED):
        return found
    try:
        with transaction.atomic():
            return Enrolment.objects.create(course=course, user=user, name=viewer_name(user),
                                            deputy_ref=deputy_ref(user), mode=course.mode)  # fmt: skip
    except IntegrityError:  # enrolled by a concurrent request
        return Enrolment.objects.get(course=course, user=user)


def enrolments_of(courses, user) -> dict[int, Enrolment]:
    """course id → the user's enrolment, for a page of courses: the members of an assigned
    course without one are enrolled now, all in one insert (a constant number of queries)."""
    ids = [c.pk for c in courses]
    mine = {e.course_id: e for e in Enrolment.objects.filter(course_id__in=ids, user=user)}
    missing = [c for c in courses if c.mode == EnrolmentMode.ASSIGNED and c.pk not in mine]
    if missing:
        name, ref = viewer_name(user), deputy_ref(user)
        Enrolment.objects.bulk_create(
            [
                Enrolment(course=c, user=user, name=name, deputy_ref=ref, mode=c.mode)
                for c in missing
            ],
            ignore_conflicts=True,
        )
        mine = {e.course_id: e for e in Enrolment.objects.filter(course_id__in=ids, user=user)}
    return mine


def _cache_key(enrolment_id: int, lesson_id: int) -> str:
    return f"training:progress:{enrolment_id}:{lesson_id}"


def report_progress(enrolment: Enrolment, lesson: Lesson, *, position: int, done: bool,
                    final: bool = False) -> tuple[dict, bool]:  # fmt: skip
    """A player's report: the latest position, and the lesson done. Written at most every
    ``PROGRESS_WRITE_SECONDS`` per lesson (a player reports often); a report in between
    is held in the cache and written by the next one that is due. ``done`` and ``final``
    (the player closing) are always written. Returns (the progress, whether written)."""
    now = timezone.now()
    every = dt.timedelta(seconds=int(setting("PROGRESS_WRITE_SECONDS")))
    if lesson.duration:
        position = min(position, lesson.duration)
    row = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
    due = row is None or final or (done and not row.done) or now - row.updated_at >= every
    if not due:
        cache.set(_cache_key(enrolment.pk, lesson.pk), {"position": position, "at": now.timestamp()},
                  timeout=int(every.total_seconds()) * 4)  # fmt: skip
        return {"position": position, "done": row.done}, False
    with transaction.atomic():
        if row is None:
            row, _created = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson)
        row.position = position
        row.updated_at = now
        if done and not row.done:
            row.done, row.done_at = True, now
        row.save(update_fields=["position", "updated_at", "done", "done_at"])
        if enrolment.started_at is None:
            Enrolment.objects.filter(pk=enrolment.pk, started_at__isnull=True).update(
                started_at=now
            )
            enrolment.started_at = now
    cache.delete(_cache_key(enrolment.pk, lesson.pk))
    if row.done:
        complete_if_done(enrolment)
    return {"position": row.position, "done": row.done}, True


def progress_of(enrolment: Enrolment | None) -> dict[int, dict]:
    """lesson id → {position, done}: the database's, or a newer position held in the cache."""
    if enrolment is None:
        return {}
    found = {}
    for row in LessonProgress.objects.filter(enrolment=enrolment):
        found[row.lesson_id] = {"position": row.position, "done": row.done,
                                "at": row.updated_at.timestamp()}  # fmt: skip
    held = cache.get_many([_cache_key(enrolment.pk, i) for i in found])
    for lesson_id, entry in found.items():
        newer = held.get(_cache_key(enrolment.pk, lesson_id))
        if newer and newer["at"] > entry["at"]:
            entry["position"] = newer["position"]
    return found


def grade(quiz, answers: dict[str, list[int]]) -> tuple[int, dict]:
    """The score (per cent, rounded down) of ``answers`` (question id → choice ids): a
    question counts when exactly its correct choices are chosen."""
    questions = list(quiz.questions.prefetch_related("choices"))
    if not questions:
        return 100, {}
    right = 0
    kept = {}
    for question in questions:
        chosen = {int(c) for c in answers.get(str(question.pk), [])}
        correct = {c.pk for c in question.choices.all() if c.correct}
        kept[str(question.pk)] = sorted(chosen)
        right += chosen == correct
    return right * 100 // len(questions), kept


def submit_quiz(enrolment: Enrolment, answers: dict) -> QuizAttempt:
    quiz = enrolment.course.quiz
    score, kept = grade(quiz, answers)
    attempt = QuizAttempt.objects.create(enrolment=enrolment, quiz=quiz, score=score,
                                         passed=score >= quiz.pass_mark, answers=kept)  # fmt: skip
    if attempt.passed:
        complete_if_done(enrolment)
    return attempt


def _has_quiz(course) -> bool:
    return hasattr(course, "quiz") and course.quiz.questions.exists()


def complete_if_done(enrolment: Enrolment) -> bool:
    """Complete the course when every lesson is done and the quiz (if any) passed: the
    certificate number, and the training hours in the deputy's performance record."""
    if enrolment.completed_at is not None:
        return True
    course = enrolment.course
    lessons = course.lessons.count()
    done = LessonProgress.objects.filter(enrolment=enrolment, done=True).count()
    if lessons == 0 or done < lessons:
        return False
    if _has_quiz(course) and not enrolment.attempts.filter(passed=True).exists():
        return False
    now = timezone.now()
    with transaction.atomic():
        updated = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
            completed_at=now,
            certificate_number=f"PX{timezone.localtime(now):%Y}{enrolment.pk:08d}",
        )
        if not updated:
            return True
        enrolment.refresh_from_db()
        enrolment.performance_entry_id = credit(
            enrolment.deputy_ref, date=timezone.localdate(now), hours=course.hours,
            title=f"完成培训课程《{course.title}》", site=course.site,
            source_ref=f"enrolment:{enrolment.pk}",
        )  # fmt: skip
        enrolment.save(update_fields=["performance_entry_id"])
        audit.audit(course, "training.completed", user=enrolment.user,
                    data={"enrolment": enrolment.pk, "hours": str(course.hours)})  # fmt: skip
    return True


def credit(ref: str, *, date, hours: Decimal, title: str, site, source_ref: str) -> int | None:
    """A training entry in the deputy's performance record (``cms.services.performance``);
    ``None`` for someone who is no deputy, or when no plugin keeps the record."""
    if not ref or not performance.is_available():
        return None
    # The seat of the course's congress when the deputy holds one; else their first
    # current seat (a province's course taken by a county deputy counts on the county's).
    profile = getattr(site, "profile", None)
    seats = directory.seats([ref]).get(ref, [])
    codes = [s.division_code for s in seats if s.current] or [s.division_code for s in seats]
    code = profile.division_code if profile is not None and profile.division_code in codes else None
    code = code or (codes[0] if codes else None)
    try:
        return performance.add_entry(
            deputy_id=int(ref), kind=performance.PerformanceKind.TRAINING, date=date,
            title=title[:200], source=LABEL, source_ref=source_ref, quantity=hours,
            division_code=code,
        )  # fmt: skip
    except (performance.PerformanceRecordError, ValueError):
        return None


def certificate_pdf(enrolment: Enrolment) -> bytes:
    from . import certificate

    return certificate.render(enrolment)


# --- offline classes -------------------------------------------------------------------


def register(offline_class: OfflineClass, user) -> ClassRegistration:
    """Register for a class that has not started, within its capacity."""
    with transaction.atomic():
        locked = OfflineClass.objects.select_for_update().get(pk=offline_class.pk)
        found = ClassRegistration.objects.filter(offline_class=locked, user=user).first()
        if found is not None:
            return found
        if locked.starts_at <= timezone.now():
            raise ValidationError("培训班已开始,不能再报名。")
        taken = locked.registrations.count()
        if taken >= locked.capacity:
            raise ValidationError(f"名额已满({taken}/{locked.capacity})。")
        return ClassRegistration.objects.create(offline_class=locked, user=user,
                                                name=viewer_name(user), deputy_ref=deputy_ref(user))  # fmt: skip


def cancel(offline_class: OfflineClass, user) -> bool:
    if offline_class.starts_at <= timezone.now():
        raise ValidationError("培训班已开始,不能取消报名。")
    deleted, _ = ClassRegistration.objects.filter(offline_class=offline_class, user=user).delete()
    return bool(deleted)


def record_attendance(registration: ClassRegistration, attended: bool, user) -> None:
    """The office's record: attending credits the class's hours; absence removes them."""
    offline_class = registration.offline_class
    if offline_class.starts_at > timezone.now():
        raise ValidationError("培训班尚未开始,不能登记出席。")
    source_ref = f"registration:{registration.pk}"
    with transaction.atomic():
        registration.attended = attended
        if attended:
            registration.performance_entry_id = credit(
                registration.deputy_ref, date=timezone.localdate(offline_class.starts_at),
                hours=offline_class.hours, title=f"参加线下培训《{offline_class.title}》",
                site=offline_class.site, source_ref=source_ref,
            )  # fmt: skip
        elif registration.performance_entry_id and performance.is_available():
            performance.remove_entry(source=LABEL, source_ref=source_ref)
            registration.performance_entry_id = None
        registration.save(update_fields=["attended", "performance_entry_id"])
        audit.audit(offline_class, "training.attendance", user=user,
                    data={"registration": registration.pk, "attended": attended})  # fmt: skip
