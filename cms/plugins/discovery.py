"""Finding the plugins to install, before Django loads its apps.

``cms/settings.py`` calls :func:`plugin_apps` to extend ``INSTALLED_APPS``, so
this module imports nothing that needs the app registry (no models, no
``django.conf.settings``): only the standard library.

Two sources, one label namespace:

* this repository's plugins, listed by package path in ``LIANXI_PLUGINS``
  (``"plugins.<label>"``: the last path component is the label; a plugin
  package on the path can be listed too, ``"lianxi_<label>"``);
* plugins installed as separate Python packages, found through the entry-point
  group ``lianxi.plugins``: the entry point's *name* is the plugin's label and
  its value the ``AppConfig`` class (``"lianxi_hello.apps:HelloConfig"``).

``LIANXI_PLUGINS_EXCLUDE`` removes plugins by label from either source. Two
plugins claiming the same label stop start-up here; everything that needs the
plugin's code (version range, settings, dependencies) is checked by
``PluginConfig`` as Django loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "lianxi.plugins"


class PluginDiscoveryError(Exception):
    """A plugin cannot be installed as listed (raised while settings load)."""


@dataclass(frozen=True)
class DiscoveredPlugin:
    """One plugin found by discovery, before Django imports it."""

    label: str
    #: What goes into ``INSTALLED_APPS``: a package path or an AppConfig path.
    app: str
    #: ``"settings"`` (``LIANXI_PLUGINS``) or ``"entry point <dist>"``.
    source: str


def _from_settings(paths: list[str]) -> list[DiscoveredPlugin]:
    found = []
    for path in paths:
        path = path.strip()
        if not path:
            continue
        label = path.rsplit(".", 1)[-1].removeprefix("lianxi_")
        found.append(DiscoveredPlugin(label=label, app=path, source="LIANXI_PLUGINS"))
    return found


def _from_entry_points(group: str) -> list[DiscoveredPlugin]:
    found = []
    for ep in entry_points(group=group):
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else "?"
        # "pkg.apps:Config" -> "pkg.apps.Config", the form INSTALLED_APPS takes.
        app = ep.value.replace(":", ".").strip()
        found.append(DiscoveredPlugin(label=ep.name, app=app, source=f"entry point of {dist_name}"))
    return found


def discover_plugins(
    listed: list[str] | tuple[str, ...] = (),
    exclude: list[str] | tuple[str, ...] = (),
    group: str = ENTRY_POINT_GROUP,
) -> list[DiscoveredPlugin]:
    """The plugins to install: ``listed`` ones first, then entry points; minus ``exclude``."""
    excluded = {label.strip() for label in exclude if label.strip()}
    chosen: dict[str, DiscoveredPlugin] = {}
    for plugin in [*_from_settings(list(listed)), *_from_entry_points(group)]:
        if plugin.label in excluded:
            continue
        other = chosen.get(plugin.label)
        if other is not None:
            if other.app == plugin.app:
                continue  # listed in settings and installed as a package: the same plugin
            raise PluginDiscoveryError(
                f"Plugin label {plugin.label!r} is claimed twice: {other.app} ({other.source}) "
                f"and {plugin.app} ({plugin.source}). Uninstall one, or exclude the label "
                "with LIANXI_PLUGINS_EXCLUDE."
            )
        chosen[plugin.label] = plugin
    return list(chosen.values())


def plugin_apps(
    listed: list[str] | tuple[str, ...] = (),
    exclude: list[str] | tuple[str, ...] = (),
) -> tuple[list[str], dict[str, str]]:
    """For settings: (``INSTALLED_APPS`` entries, ``{app entry: label}`` as discovered)."""
    plugins = discover_plugins(listed, exclude)
    return [p.app for p in plugins], {p.app: p.label for p in plugins}
