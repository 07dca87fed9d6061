"""``/api/v1/``: the core content API, the OpenAPI document and every plugin's routes.

Core routes come first; each plugin's ``api`` module (``PluginConfig.api_urls``)
is mounted under ``/api/v1/<label>/`` with the URL namespace ``<label>``; see
``cms.plugins.api.plugin_urlpatterns`` for the site scoping it gets. A plugin
label may not take a core route's name (checked here, at start-up).
"""

from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cms.plugins.api import plugin_urlpatterns
from cms.plugins.registry import get_plugins

from .auth import LogoutView, RefreshView, SmsCodeView, SmsLoginView, WeChatLoginView
from .conventions import not_found
from .docs import redoc_bundle
from .feedback import FeedbackView, UploadFileView, UploadView
from .me import (
    DeviceDetailView,
    DeviceListView,
    MeView,
    NotificationListView,
    NotificationReadView,
    WeChatBindView,
)
from .pages import PageDetailView, PageFindView, PageListView
from .sites import ColumnListView, SiteDetailView, SiteTreeView

#: First path segments the core owns (or will own) under /api/v1/.
CORE_ROUTES = frozenset(
    {
        "sites",
        "pages",
        "columns",
        "search",
        "schema",
        "docs",
        "redoc",
        "auth",
        "me",
        "feedback",
        "uploads",
    }
)


def check_plugin_labels(labels) -> None:
    """A plugin mounted at a core route's name would shadow it (or be shadowed)."""
    clashes = sorted(set(labels) & CORE_ROUTES)
    if clashes:
        raise ImproperlyConfigured(
            f"Plugin label(s) {', '.join(clashes)} collide with core API routes under "
            f"/api/v1/ ({', '.join(sorted(CORE_ROUTES))}); rename the plugin."
        )


check_plugin_labels(p.label for p in get_plugins())

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Offline documentation: Swagger UI and Redoc served from our static files
    # (drf-spectacular-sidecar), never from a CDN.
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/redoc.standalone.js", redoc_bundle, name="api-redoc-bundle"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # Mini-program logins and the account behind a token (cms/api/auth.py, cms/api/me.py)
    path("auth/sms-code/", SmsCodeView.as_view(), name="api-auth-sms-code"),
    path("auth/sms-login/", SmsLoginView.as_view(), name="api-auth-sms-login"),
    path("auth/wechat-login/", WeChatLoginView.as_view(), name="api-auth-wechat-login"),
    path("auth/refresh/", RefreshView.as_view(), name="api-auth-refresh"),
    path("auth/logout/", LogoutView.as_view(), name="api-auth-logout"),
    path("me/", MeView.as_view(), name="api-me"),
    path("me/notifications/", NotificationListView.as_view(), name="api-me-notifications"),
    path(
        "me/notifications/read/", NotificationReadView.as_view(), name="api-me-notifications-read"
    ),
    path("me/devices/", DeviceListView.as_view(), name="api-me-devices"),
    path("me/devices/<int:device_id>/", DeviceDetailView.as_view(), name="api-me-device"),
    path("me/wechat/", WeChatBindView.as_view(), name="api-me-wechat"),
    # User writes the core itself takes (cms/api/feedback.py): 找错 and attachments
    path("feedback/", FeedbackView.as_view(), name="api-feedback"),
    path("uploads/", UploadView.as_view(), name="api-uploads"),
    path("uploads/<str:token>/", UploadFileView.as_view(), name="api-upload-file"),
    path("sites/", SiteTreeView.as_view(), name="api-sites"),
    path("sites/<str:code>/", SiteDetailView.as_view(), name="api-site-detail"),
    path("columns/", ColumnListView.as_view(), name="api-columns"),
    path("pages/", PageListView.as_view(), name="api-pages"),
    path("pages/find/", PageFindView.as_view(), name="api-page-find"),
    path("pages/<int:page_id>/", PageDetailView.as_view(), name="api-page-detail"),
    path("search/", include("search.urls")),  # search + suggest (search/api.py)
    *plugin_urlpatterns(),
    # Anything else under /api/v1/, whatever the method: the API's 404 problem, never
    # the site's HTML page (or, for a write, the CSRF page) a path outside the API gets.
    re_path(r"^", csrf_exempt(lambda request, *args, **kwargs: not_found().as_response())),
]
