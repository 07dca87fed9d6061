"""Core signals, delivered to a plugin only for the sites that have it switched on.

A plugin connects to core signals (``site_provisioned``, Wagtail's
``page_published``, Django's ``post_save``...) with :func:`plugin_receiver`
instead of ``django.dispatch.receiver``::

    from cms.plugins.signals import plugin_receiver
    from wagtail.signals import page_published

    @plugin_receiver(page_published)
    def on_publish(sender, instance, **kwargs):
        ...   # never called for a page of a site that switched the plugin off

The site a signal is about is found in its arguments (``site``, ``profile``,
``site_profile``, or the ``instance``/``page`` it carries: its ``site_id`` or,
for a page, the site it belongs to). A signal that is about no site is
delivered as usual. Pass ``site=`` a function ``(sender, **kwargs) -> site`` for
signals whose site is elsewhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

from cms.sitegroup.signals import site_provisioned

from .registry import get_plugin, is_enabled, plugin_for_module, site_id_of

SiteGetter = Callable[..., Any]

__all__ = ["plugin_receiver", "site_of_signal", "site_provisioned"]


def site_of_signal(sender, **kwargs) -> int | None:
    """The id of the site a signal is about, or ``None`` when it names none."""
    for key in ("site", "profile", "site_profile"):
        value = kwargs.get(key)
        if value is not None:
            return site_id_of(value)
    for key in ("instance", "page", "object"):
        obj = kwargs.get(key)
        if obj is None:
            continue
        if getattr(obj, "site_id", None) is not None:
            return obj.site_id
        get_site = getattr(obj, "get_site", None)
        if callable(get_site):
            site = get_site()
            return site.pk if site is not None else None
    return None


def plugin_receiver(
    signal: Signal | list[Signal],
    *,
    plugin: str | None = None,
    site: SiteGetter | None = None,
    **connect_kwargs,
):
    """Decorator: connect a plugin's receiver so it runs only where the plugin is on.

    ``plugin`` defaults to the plugin whose package contains the receiver.
    Receivers are connected strongly (``weak=False``), with a ``dispatch_uid``
    derived from the function so importing a module twice connects once.
    """
    signals = signal if isinstance(signal, list | tuple) else [signal]

    def decorator(func):
        @functools.wraps(func)
        def filtered(sender, **kwargs):
            label = plugin
            if label is None:
                config = plugin_for_module(func.__module__)
                label = config.label if config is not None else None
            if label is not None:
                get_plugin(label)  # a typo'd label fails loudly, not silently
                site_id = site_id_of((site or site_of_signal)(sender, **kwargs))
                if site_id is not None and not is_enabled(label, site_id):
                    return None
            return func(sender, **kwargs)

        uid = connect_kwargs.pop("dispatch_uid", f"{func.__module__}.{func.__qualname__}")
        for sig in signals:
            sig.connect(filtered, weak=False, dispatch_uid=uid, **connect_kwargs)
        func.plugin_receiver = filtered
        return func

    return decorator
