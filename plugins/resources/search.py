"""Resources in the site search (``/api/v1/search/``), kind ``resources.resource``.

A published, unexpired resource is indexed with its audience
(``RecordProvider.audience_field``): the core search returns it, counts it and
suggests its title only to a caller its audience includes; everyone else (another
level's deputy, a former deputy, another site's staff, an anonymous caller) never
learns it exists. Withdrawing an item drops it at once (its save); an item that
expires leaves the index with the daily sweep ``resources.search_expired``.
The result's ``url`` is the deputies' API detail (which records the read).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from cms.services.tasks import task
from search.registry import RecordProvider, register, sync

from .models import Resource, Status

KIND = "resources.resource"
#: The sweep re-checks the items that expired within this many days (missed runs).
EXPIRED_WINDOW_DAYS = 31


class ResourceProvider(RecordProvider):
    model = Resource
    kind = KIND
    verbose_name = "知情知政材料"
    audience_field = "audience"

    def get_queryset(self):
        today = timezone.localdate()
        return (
            Resource.objects.filter(status=Status.PUBLISHED, audience__isnull=False)
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .select_related("site__profile")
        )

    def to_document(self, obj) -> dict:
        profile = getattr(obj.site, "profile", None)
        code = profile.division_code if profile is not None else ""
        published = timezone.localtime(obj.published_at).date() if obj.published_at else None
        return {
            "title": obj.title,
            "body": "\n".join(
                p for p in (obj.number, obj.issuing_body, obj.summary, obj.body) if p
            ),
            "date": obj.issued_on or published,
            "url": f"/api/v1/resources/{obj.pk}/?site={code}",
        }


@task()
def search_expired() -> int:
    """Drop the items that expired (recently) from the search index; idempotent."""
    today = timezone.localdate()
    pks = list(
        Resource.objects.filter(
            expires_on__lt=today, expires_on__gte=today - dt.timedelta(days=EXPIRED_WINDOW_DAYS)
        ).values_list("pk", flat=True)
    )
    if pks:
        sync(KIND, pks)
    return len(pks)


provider = register(ResourceProvider())
