"""``/api/v1/``: the OpenAPI document and every installed plugin's routes.

Each plugin's ``api`` module (``PluginConfig.api_urls``) is mounted under
``/api/v1/<label>/`` with the URL namespace ``<label>``; see
``cms.plugins.api.plugin_urlpatterns`` for the site scoping it gets.
The core content API will join these routes here.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from cms.plugins.api import plugin_urlpatterns

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    *plugin_urlpatterns(),
]
