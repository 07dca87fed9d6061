"""The plugin framework: the core's public API for plugins.

Public plugin API (anything not listed here is core-internal, and a test keeps
plugins from importing it):

* ``cms.plugins``: ``PluginConfig``, ``PluginError``, ``get_plugins``,
  ``get_plugin``, ``is_enabled``, ``enabled_site_ids``, ``enabled_plugins``,
  ``set_enabled``, ``plugin_receiver``, and ``site_access(user_or_request)``: the one
  site-access policy (``cms.sitegroup.access.SiteAccess``: ``site_ids``, ``sites()``,
  ``whole_tree``, ``can_manage(site)``, ``townships``, ``switchable_site_ids``,
  ``plugin_site_ids(label)``), computed once per request;
* ``cms.plugins.db``: ``SiteOwnedModel``, ``SiteOwnedQuerySet`` for a plugin's models;
* ``cms.plugins.admin``: ``PluginModelAdmin``, ``PluginModelAdminGroup``,
  ``PluginModelForm`` (every plugin form's base: choices limited to the user's
  records), ``PluginPermissionHelper``, ``SiteListFilter``;
* ``cms.plugins.api``: ``SiteScopedMixin``, ``SiteScopedReadOnlyViewSet``,
  ``SiteScopedModelViewSet`` (with ``Idempotency-Key``), ``IdempotentMixin`` (for a
  plugin's own write views), ``SiteStaffWritePermission``, and the API's
  conventions (``cms.api.conventions``): ``Level``, ``level_field``,
  ``LimitOffsetParams``, ``EnvelopePagination``, ``envelope_serializer``,
  ``list_envelope``, ``ImageSerializer``, ``image_payloads``, ``ApiProblem``,
  ``not_found``, ``problem_responses``, ``SITE_PARAMETER``;
* ``cms.plugins.examples``: ``Example``, ``url`` and the demo's codes, for a
  plugin's ``examples`` module (its routes' payloads in the contract);
* ``cms.plugins.signals``: ``plugin_receiver``; core signals to receive are
  re-exported there too (``site_provisioned``);
* ``cms.plugins.testing``: base test cases for a plugin's API;
* ``cms.services.*``: the shared services (sites, calendar, clocks, tasks, sweeps, notifications, SMS,
  audit, sensitive words, ID numbers, performance records, audiences);
* ``search.registry``: ``RecordProvider``, ``register``, ``sync`` for a plugin's
  searchable records (its ``search`` module).

This module is imported by ``cms/settings.py`` (through ``discovery``) and by
every plugin's ``apps.py``, so it imports no models.
"""

from .config import PluginConfig, PluginError
from .registry import (
    enabled_plugins,
    enabled_site_ids,
    get_plugin,
    get_plugins,
    is_enabled,
    set_enabled,
)
from .signals import plugin_receiver


def site_access(user_or_request):
    """The site-access policy of a user (or a request's user), built once per request.

    See ``cms.sitegroup.access``; imported lazily because this module loads with
    the settings, before any model.
    """
    from cms.sitegroup.access import site_access as policy

    return policy(user_or_request)


__all__ = [
    "PluginConfig",
    "PluginError",
    "enabled_plugins",
    "enabled_site_ids",
    "get_plugin",
    "get_plugins",
    "is_enabled",
    "plugin_receiver",
    "set_enabled",
    "site_access",
]
