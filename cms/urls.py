"""URL map: the Wagtail admin, documents, images and (later) the REST API."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.static import serve as serve_static
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),  # degraded services (cms.services.health)
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # REST API root: plugin routes under /api/v1/<label>/, OpenAPI at /api/v1/schema/.
    path("api/v1/", include("cms.api.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        # Documents only through /documents/<id>/<name> (cms.content.documents decides);
        # private/ (uploads waiting for a background job) is never served.
        re_path(
            r"^{}(?P<path>(?!documents/|private/).*)$".format(settings.MEDIA_URL.lstrip("/")),
            serve_static,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]

# REST API v1: 404/500 under /api/ answer application/problem+json (RFC 9457).
handler404 = "cms.api.conventions.handler404"
handler500 = "cms.api.conventions.handler500"
