"""The plugin's REST API, mounted at /api/v1/${label}/ (the site is named by ?site=<code>).

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
