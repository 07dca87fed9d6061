"""The installed plugins and their per-site switches.

Everything here works on the plugins Django loaded (``INSTALLED_APPS``, filled
by ``cms.plugins.discovery`` in settings), so there is one source of truth.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import transaction

from .config import PluginConfig


def get_plugins() -> list[PluginConfig]:
    """Installed plugins in ``INSTALLED_APPS`` order."""
    return [c for c in apps.get_app_configs() if isinstance(c, PluginConfig)]


def get_plugin(label: str) -> PluginConfig:
    """The installed plugin with this label, or ``LookupError``."""
    try:
        config = apps.get_app_config(label)
    except LookupError:
        raise LookupError(f"No plugin with label {label!r} is installed.") from None
    if not isinstance(config, PluginConfig):
        raise LookupError(f"App {label!r} is not a Lianxi plugin.")
    return config


def plugin_for_module(module: str) -> PluginConfig | None:
    """The plugin that contains the Python module ``module`` (e.g. a receiver's)."""
    config = apps.get_containing_app_config(module)
    return config if isinstance(config, PluginConfig) else None


def site_id_of(site) -> int | None:
    """A site id from a ``Site``, a ``SiteProfile``, an id, or ``None``."""
    if site is None or isinstance(site, int):
        return site
    from cms.sitegroup.models import SiteProfile

    if isinstance(site, SiteProfile):
        return site.site_id
    return site.pk


# --- switches ----------------------------------------------------------------


def _switches():
    from .models import PluginSwitch

    return PluginSwitch.objects


def is_enabled(label: str, site) -> bool:
    """Whether plugin ``label`` is switched on for ``site`` (Site, SiteProfile or id)."""
    plugin = get_plugin(label)
    row = (
        _switches()
        .filter(plugin=label, site_id=site_id_of(site))
        .order_by()  # one row at most: not the admin list's order (a join to the profiles)
        .values_list("enabled", flat=True)[:1]
    )
    row = row[0] if row else None
    return plugin.enabled_by_default if row is None else row


def enabled_site_ids(label: str) -> set[int]:
    """Ids of every site that has plugin ``label`` switched on."""
    from wagtail.models import Site

    plugin = get_plugin(label)
    if plugin.enabled_by_default:
        off = _switches().filter(plugin=label, enabled=False).values_list("site_id", flat=True)
        return set(Site.objects.exclude(pk__in=off).values_list("pk", flat=True))
    return set(_switches().filter(plugin=label, enabled=True).values_list("site_id", flat=True))


def enabled_plugins(site) -> list[PluginConfig]:
    """The plugins switched on for ``site``."""
    rows = dict(_switches().filter(site_id=site_id_of(site)).values_list("plugin", "enabled"))
    return [p for p in get_plugins() if rows.get(p.label, p.enabled_by_default)]


def set_enabled(label: str, site, enabled: bool, user=None):
    """Switch plugin ``label`` on or off for ``site``; recorded in the audit log.

    Never deletes anything: the plugin's rows for the site stay and show again
    when it is switched back on.
    """
    from cms.services.audit import audit

    plugin = get_plugin(label)
    with transaction.atomic():
        switch, _created = _switches().get_or_create(
            plugin=label, site_id=site_id_of(site), defaults={"enabled": enabled}
        )
        changed = switch.enabled != enabled or _created
        switch.enabled = enabled
        switch.updated_by = user if getattr(user, "is_authenticated", False) else None
        switch.save()
        if changed:
            audit(
                switch,
                "lianxi.plugin_enabled" if enabled else "lianxi.plugin_disabled",
                user=user,
                data={"plugin": label, "site_id": switch.site_id, "name": str(plugin.verbose_name)},
            )
    return switch


def sync_switches(site_ids: Iterable[int] | None = None) -> int:
    """Create the missing switch rows (at each plugin's default); returns how many."""
    from wagtail.models import Site

    from .models import PluginSwitch

    ids = (
        list(site_ids) if site_ids is not None else list(Site.objects.values_list("pk", flat=True))
    )
    plugins = get_plugins()
    if not ids or not plugins:
        return 0
    existing = set(_switches().filter(site_id__in=ids).values_list("site_id", "plugin"))
    missing = [
        PluginSwitch(site_id=sid, plugin=p.label, enabled=p.enabled_by_default)
        for sid in ids
        for p in plugins
        if (sid, p.label) not in existing
    ]
    PluginSwitch.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


# --- signal receivers (connected in PluginRegistryConfig.ready) -------------------


def on_site_provisioned(sender, profile, created, **kwargs) -> None:
    # The site's groups got the plugins' permissions from provision_site itself.
    sync_switches([profile.site_id])


def on_post_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from .models import PluginSwitch

    if not isinstance(sender, PluginConfig) and sender.label != "pluginregistry":
        return
    # A partial migrate (``migrate pluginregistry zero``) still sends post_migrate.
    if PluginSwitch._meta.db_table not in connections[using].introspection.table_names():
        return
    sync_switches()
    # The plugins' group_permissions: cms.sitegroup.role_permissions, after the last app.
