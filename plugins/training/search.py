"""Courses and offline classes in the site search (``/api/v1/search/``), kinds
``training.course`` and ``training.class``.

A published course or class is indexed with its audience
(``RecordProvider.audience_field``): the core search returns it, counts it and
suggests its title only to a caller its audience includes. One without an
audience is not indexed. The result's ``url`` is the deputies' API detail.
"""

from __future__ import annotations

from search.registry import RecordProvider, register

from .models import Course, OfflineClass


def _code(site) -> str:
    profile = getattr(site, "profile", None)
    return profile.division_code if profile is not None else ""


class CourseProvider(RecordProvider):
    model = Course
    kind = "training.course"
    verbose_name = "培训课程"
    audience_field = "audience"

    def get_queryset(self):
        return Course.objects.filter(published=True, audience__isnull=False).select_related(
            "site__profile"
        )

    def to_document(self, obj) -> dict:
        return {
            "title": obj.title,
            "body": "\n".join(p for p in (obj.speaker, obj.summary) if p),
            "date": obj.published_at,
            "url": f"/api/v1/training/courses/{obj.pk}/?site={_code(obj.site)}",
        }


class OfflineClassProvider(RecordProvider):
    model = OfflineClass
    kind = "training.class"
    verbose_name = "线下培训班"
    audience_field = "audience"

    def get_queryset(self):
        return OfflineClass.objects.filter(published=True, audience__isnull=False).select_related(
            "site__profile"
        )

    def to_document(self, obj) -> dict:
        return {
            "title": obj.title,
            "body": "\n".join(p for p in (obj.place, obj.announcement) if p),
            "date": obj.starts_at,
            "url": f"/api/v1/training/classes/{obj.pk}/?site={_code(obj.site)}",
        }


register(CourseProvider())
provider = register(OfflineClassProvider())
