"""Benchmark-only URL map: the product's URLs, stock ``wagtail.api.v2`` and reference views.

* ``/api/v2/pages/``: stock Wagtail v2 pages endpoint; ArticlePage exposes the
  fields our ``/api/v1/pages/`` serves (added here, not on the model), the
  cover image as one ``ImageRenditionField`` per rendition our API serves;
* ``/api/v3/pages/``: stock Wagtail v3 (django-ninja), as Wagtail mounts it; its list
  gives the base page fields only (no per-type fields, no images);
* ``/bench/precomputed/``: the bytes of our 20-item listing, from memory
  (the ceiling a cache hit can reach on this server);
* ``/bench/trivial/``: a tiny JSON document.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from wagtail.api.conf import APIField
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.api.v3.urls import api as v3_api
from wagtail.images.api.fields import ImageRenditionField

from cms import urls as product_urls
from cms.api.payloads import RENDITIONS
from cms.content.models import ArticlePage

# The cover renditions our API serves (cms.api.payloads.RENDITIONS), one v2
# ImageRenditionField each: ``cover_thumbnail``, ``cover_medium``, ...
COVER_FIELDS = [
    APIField(f"cover_{name}", serializer=ImageRenditionField(spec, source="cover_image"))
    for name, spec in RENDITIONS.items()
]
ARTICLE_API_FIELDS = [
    APIField("date"),
    APIField("summary"),
    APIField("source"),
    APIField("author"),
    *COVER_FIELDS,
    APIField("body"),
]


class BenchPagesAPIViewSet(PagesAPIViewSet):
    """Stock v2 pages endpoint; ArticlePage gets ``api_fields`` here instead of on the model."""

    @classmethod
    def get_body_fields(cls, model):
        fields = super().get_body_fields(model)
        if issubclass(model, ArticlePage):
            fields += ARTICLE_API_FIELDS
        return fields


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", BenchPagesAPIViewSet)

_precomputed: bytes | None = None


def precomputed(request):
    global _precomputed
    if _precomputed is None:
        with open(settings.BENCH_PRECOMPUTED_FILE, "rb") as fh:
            _precomputed = fh.read()
    return HttpResponse(_precomputed, content_type="application/json")


def trivial(request):
    return HttpResponse(b'{"ok":true}', content_type="application/json")


urlpatterns = [
    path("api/v2/", api_router.urls),
    path("api/v3/", v3_api.urls),
    path("bench/precomputed/", precomputed),
    path("bench/trivial/", trivial),
    *product_urls.urlpatterns,
]

# The product's error handlers (problem+json under /api/), Django's otherwise.
handler404 = getattr(product_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(product_urls, "handler500", "django.views.defaults.server_error")
