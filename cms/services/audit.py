"""The audit log: one call to record who did what to which record.

A thin, stable wrapper around ``wagtail.log_actions.log`` so that plugins do
not depend on Wagtail's signature, plus a registry of action labels that the
admin's audit-log report shows (registered through Wagtail's
``register_log_actions`` hook in ``cms/services/wagtail_hooks.py``).
"""

from __future__ import annotations

from typing import Any

from wagtail.log_actions import log
from wagtail.log_actions import registry as wagtail_actions

_actions: dict[str, tuple[str, str]] = {}


def register_action(action: str, label: str, message: str | None = None) -> None:
    """Name an action (``"<label>.<verb>"``) for the admin; call from a plugin's ``ready()``."""
    _actions[action] = (label, message or label)
    if wagtail_actions.has_scanned_for_actions:  # registered after the hooks were read
        wagtail_actions.register_action(action, label, message or label)


def registered_actions() -> dict[str, tuple[str, str]]:
    return dict(_actions)


def _unwrap(value):
    """``request.user`` is a lazy proxy; Wagtail's log finds its log model by the real type."""
    from django.utils.functional import SimpleLazyObject, empty

    if isinstance(value, SimpleLazyObject):
        if value._wrapped is empty:
            value._setup()
        return value._wrapped
    return value


def audit(instance, action: str, user=None, data: dict[str, Any] | None = None, **kwargs):
    """Record ``action`` on ``instance`` by ``user`` (or the current request's user)."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    instance, user = _unwrap(instance), _unwrap(user)
    return log(instance=instance, action=action, user=user, data=data or {}, **kwargs)


register_action("lianxi.plugin_enabled", "启用插件", "为站点启用插件")
register_action("lianxi.plugin_disabled", "停用插件", "为站点停用插件")
