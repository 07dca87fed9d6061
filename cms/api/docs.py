"""Offline API docs: Redoc's bundle without its one call to a foreign host.

drf-spectacular-sidecar ships Redoc's standalone bundle, whose sidebar footer
loads ``https://cdn.redoc.ly/redoc/logo-mini.svg`` (unreachable offline and in
mainland China). This view serves the same bundle with that image replaced by
an inline SVG; the text is read once per process. Swagger UI's only foreign
call (the validator badge) is switched off in ``SPECTACULAR_SETTINGS``.
"""

from __future__ import annotations

import functools

from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control

REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
FOREIGN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
LOCAL_LOGO = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'%3E"
    "%3Ccircle cx='5' cy='5' r='4' fill='%23999'/%3E%3C/svg%3E"
)


@functools.cache
def redoc_bundle_text() -> bytes:
    path = finders.find(REDOC_BUNDLE)
    if not path:
        raise Http404
    with open(path, encoding="utf-8") as f:
        return f.read().replace(FOREIGN_LOGO, LOCAL_LOGO).encode("utf-8")


@cache_control(public=True, max_age=86400)
def redoc_bundle(request):
    return HttpResponse(redoc_bundle_text(), content_type="text/javascript; charset=utf-8")
