"""The deputies plugin's public REST API (read-only), at ``/api/v1/deputies/``.

``PluginConfig.api_urls`` defaults to ``"api"``: the framework imports this
package and mounts its ``urlpatterns``, each wrapped to resolve ``?site=``.
"""

from .urls import urlpatterns

__all__ = ["urlpatterns"]
