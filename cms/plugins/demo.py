"""Plugins' demo data: each plugin's ``demo.load_demo(profile)`` for the sites it is on.

``make demo`` runs ``manage.py load_plugin_demo`` after the core demo site
group exists; the core demo loader may call :func:`load_plugin_demo` directly.
A plugin's loader must be idempotent (running the demo twice changes nothing).
A plugin may also offer ``demo_logins()``: lines naming demo logins to print.
"""

from __future__ import annotations

from django.db import transaction

from cms.api.caching import invalidate_site

from .registry import enabled_plugins, get_plugin


def load_plugin_demo(profiles=None, stdout=None) -> dict[str, int]:
    """Run every enabled plugin's demo loader per site; returns ``{label: sites loaded}``."""
    from cms.sitegroup.models import SiteProfile

    profiles = list(profiles) if profiles is not None else list(SiteProfile.objects.all())
    loaded: dict[str, int] = {}
    for profile in profiles:
        for plugin in enabled_plugins(profile):
            module = plugin.contribution(plugin.demo_module)
            loader = getattr(module, "load_demo", None)
            if loader is None:
                continue
            with transaction.atomic():
                loader(profile)
            # Demo loaders write in bulk (no signals): the site's cached answers go.
            invalidate_site(profile.division_code)
            loaded[plugin.label] = loaded.get(plugin.label, 0) + 1
    if stdout is not None:
        for label, count in sorted(loaded.items()):
            stdout.write(f"  plugin {label}: demo data on {count} site(s)\n")
            # A plugin's demo logins (``demo_logins() -> [line]``), e.g. deputies' mobiles.
            module = get_plugin(label).contribution(get_plugin(label).demo_module)
            for line in getattr(module, "demo_logins", list)():
                stdout.write(f"    {line}\n")
    return loaded
