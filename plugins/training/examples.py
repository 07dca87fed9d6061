"""The training API's example payloads for ``frontend_contracts/examples/`` (``make contracts``).

"My courses" are read with the token of a demo deputy enrolled in 肥西县's courses (the
recorder's own token is an editor's, in no deputy audience).
"""

from __future__ import annotations

from django.db.models import Count

from cms.plugins.examples import MISSING_ID, SITE, Example, url
from cms.services import accounts

from .models import Enrolment, OfflineClass

API = "/api/v1/training/"


def _learner():
    """The demo deputy with the most enrolments on the site (a rich "my courses" list), a
    course of theirs with a video lesson, and one with a quiz."""
    row = (
        Enrolment.objects.filter(course__site__profile__division_code=SITE, course__published=True)
        .exclude(deputy_ref="")
        .values("user_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "user_id")
        .first()
    )
    if row is None:
        return None, None, None
    mine = Enrolment.objects.filter(user_id=row["user_id"]).select_related("user", "course")
    video = mine.filter(course__lessons__kind="video").first() or mine.first()
    quiz = mine.filter(course__quiz__questions__isnull=False).first()
    return video.user, video.course, quiz.course if quiz else None


def api_examples(recorder) -> list[Example]:
    user, course, quiz_course = _learner()
    if user is None:
        return []
    tokens = accounts.issue_tokens(user, device_id="export-api-examples-training")
    auth = {"Authorization": f"Bearer {tokens.access_token}"}
    plan = [
        Example("training_courses_list", "training_courses_list", url(f"{API}courses/", site=SITE),
                "带代表的令牌:培训对象包含本人的课程(本站点及上级站点),含本人进度", headers=auth),
        Example("training_courses_retrieve", "training_courses_retrieve",
                url(f"{API}courses/{course.pk}/", site=SITE),
                "课程详情:课时、视频文件地址(支持 Range)、本人播放位置和是否学完", headers=auth),
        Example("training_courses_retrieve.404", "training_courses_retrieve",
                url(f"{API}courses/{MISSING_ID}/", site=SITE),
                "不存在、未发布或不在培训对象内的课程:同一个 404", headers=auth),
        Example("training_classes_list", "training_classes_list", url(f"{API}classes/", site=SITE),
                "线下培训班:通知、名额、本人是否已报名", headers=auth),
        Example("training_courses_list.lectures", "training_courses_list",
                url(f"{API}courses/", site=SITE, kind="lecture"),
                "只看讲座(kind=lecture):主讲人、课时与课程相同", headers=auth),
        Example("training_laws_list", "training_laws_list", url(f"{API}laws/", site=SITE),
                "法规库:本站点及上级站点公开的法规页面,全文见 api_url", headers=auth),
    ]  # fmt: skip
    if quiz_course is not None:
        plan.append(Example("training_courses_quiz_retrieve", "training_courses_quiz_retrieve",
                            url(f"{API}courses/{quiz_course.pk}/quiz/", site=SITE),
                            "测验题目和选项(不含正确答案),本人作答记录", headers=auth))  # fmt: skip
    offline = OfflineClass.objects.filter(site__profile__division_code=SITE, published=True).first()
    if offline is not None:
        plan.append(Example("training_classes_retrieve", "training_classes_retrieve",
                            url(f"{API}classes/{offline.pk}/", site=SITE), "培训班详情",
                            headers=auth))  # fmt: skip
    return plan
