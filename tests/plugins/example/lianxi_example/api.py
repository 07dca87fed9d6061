"""The plugin's REST API, mounted at /api/v1/example/ (the site is named by ?site=<code>).

The idiom of every plugin API (``cms.plugins.api``, as the deputies plugin
uses it): a site-scoped viewset on a router; its list comes in the API's
envelope (``count``, ``next``, ``previous``, ``results``; ``limit``/``offset``).
Add ``params_class`` (a serializer of the query parameters, a
``LimitOffsetParams`` subclass for a list) and override ``payloads(rows)`` to
build a page of rows in bulk when a serializer per row would cost queries.
A larger plugin turns this module into a package (api/serializers.py,
api/views.py, api/urls.py) and sets ``api_urls = "api.urls"`` on its config.
"""

from rest_framework import serializers
from rest_framework.routers import SimpleRouter

from cms.plugins.api import SiteScopedModelViewSet

from .models import Entry


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Entry
        fields = ["id", "title", "body", "created_at"]
        read_only_fields = ["id", "created_at"]


class EntryViewSet(SiteScopedModelViewSet):
    """Entries of the site named by ``?site=``: anyone reads, the site's staff write."""

    queryset = Entry.objects.order_by("-created_at", "-pk")
    serializer_class = EntrySerializer


router = SimpleRouter()
router.register("entries", EntryViewSet, basename="entry")

urlpatterns = router.urls
