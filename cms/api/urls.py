"""``/api/v1/``: the core content API, the OpenAPI document and every plugin's routes.

Core routes come first; each plugin's ``api`` module (``PluginConfig.api_urls``)
is mounted under ``/api/v1/<label>/`` with the URL namespace ``<label>``; see
``cms.plugins.api.plugin_urlpatterns`` for the site scoping it gets. A plugin
label may not take a core route's name (checked here, at start-up).
"""

from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from cms.plugins.api import plugin_urlpatterns
from cms.plugins.registry import get_plugins

from .docs import redoc_bundle
from .me import MeView
from .pages import PageDetailView, PageFindView, PageListView
from .sites import ColumnListView, SiteDetailView, SiteTreeView

#: First path segments the core owns (or will own) under /api/v1/.
CORE_ROUTES = frozenset(
    {"sites", "pages", "columns", "search", "schema", "docs", "redoc", "auth", "me"}
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
    path("me/", MeView.as_view(), name="api-me"),  # token auth (cms/api/me.py)
    path("sites/", SiteTreeView.as_view(), name="api-sites"),
    path("sites/<str:code>/", SiteDetailView.as_view(), name="api-site-detail"),
    path("columns/", ColumnListView.as_view(), name="api-columns"),
    path("pages/", PageListView.as_view(), name="api-pages"),
    path("pages/find/", PageFindView.as_view(), name="api-page-find"),
    path("pages/<int:page_id>/", PageDetailView.as_view(), name="api-page-detail"),
    path("search/", include("search.urls")),  # search + suggest (search/api.py)
    *plugin_urlpatterns(),
]
