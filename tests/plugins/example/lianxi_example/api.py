"""The plugin's REST API, mounted at /api/v1/example/ (the site is named by ?site=<code>).

The idiom of every plugin API (``cms.plugins.api``, as the deputies plugin
uses it): a site-scoped viewset on a router; its list comes in the API's
envelope (``count``, ``next``, ``previous``, ``results``; ``limit``/``offset``).
Add ``params_class`` (a serializer of the query parameters, a
``LimitOffsetParams`` subclass for a list) and override ``payloads(rows)`` to
build a page of rows in bulk when a serializer per row would cost queries.
``SubmissionViewSet`` is the idiom of what users send: a logged-in account
posts (throttled, ``Idempotency-Key``, screened and held for moderation on a
listed word, attachments from ``/api/v1/uploads/``) and reads back its own.
A larger plugin turns this module into a package (api/serializers.py,
api/views.py, api/urls.py) and sets ``api_urls = "api.urls"`` on its config.
"""

from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from cms.plugins.api import (
    AttachmentsField,
    SiteScopedModelViewSet,
    SubmissionViewSet,
    status_of,
)

from .models import Entry, Submission


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "title", "body", "created_at"]
        read_only_fields = ["id", "created_at"]


class EntryViewSet(SiteScopedModelViewSet):
    """Entries of the site named by ``?site=``: anyone reads, the site's staff write."""

    queryset = Entry.objects.order_by("-created_at", "-pk")
    serializer_class = EntrySerializer


class SubmissionSerializer(serializers.ModelSerializer):
    attachments = AttachmentsField()
    status = serializers.SerializerMethodField(
        help_text="pending 待审核(含敏感词,审核前不公开)、rejected 已退回(见 reason)、approved 已受理"
    )
    reason = serializers.CharField(source="moderation_reason", read_only=True, help_text="退回理由")

    class Meta:
        model = Submission
        fields = ["id", "text", "attachments", "status", "reason", "created_at"]
        read_only_fields = ["id", "created_at"]

    def get_status(self, obj) -> str:
        return status_of(obj, state_field=None)


class SubmissionsViewSet(SubmissionViewSet):
    """What I sent this site: post one (logged in), list and read back my own."""

    queryset = Submission.objects.prefetch_related("attachments").order_by("-created_at", "-pk")
    serializer_class = SubmissionSerializer


router = SimpleRouter()
router.register("entries", EntryViewSet, basename="entry")
router.register("submissions", SubmissionsViewSet, basename="submission")

urlpatterns = router.urls
