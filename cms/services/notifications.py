"""Notifications through pluggable channels (console and email built in).

A channel is anything with a ``name`` and ``send(notification) -> None``.
Channels are registered by name (a plugin may add an SMS or WeChat channel in
its ``ready()``), and ``LIANXI_NOTIFICATION_CHANNELS`` lists the ones used when
the caller names none (default: ``["console"]``; production adds ``"email"``).

    from cms.services.notifications import notify
    notify([deputy.user], "建议已交办", "您的建议已交由省交通运输厅办理。")
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


@dataclass
class Notification:
    """What to tell whom. ``recipients`` are users or plain addresses."""

    recipients: list[Any]
    subject: str
    body: str
    site: Any = None
    data: dict[str, Any] = field(default_factory=dict)

    def addresses(self) -> list[str]:
        out = []
        for r in self.recipients:
            address = r if isinstance(r, str) else getattr(r, "email", "")
            if address:
                out.append(address)
        return out


class Channel(Protocol):
    name: str

    def send(self, notification: Notification) -> None: ...


class ConsoleChannel:
    """Writes each notification to standard output (development and the demo)."""

    name = "console"

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, notification: Notification) -> None:
        stream = self.stream or sys.stdout
        who = ", ".join(
            r
            if isinstance(r, str)
            else (r.get_username() if hasattr(r, "get_username") else str(r))
            for r in notification.recipients
        )
        stream.write(f"[通知] {who}: {notification.subject}\n{notification.body}\n")


class EmailChannel:
    """Sends one email per notification to the recipients' addresses (Django's mail backend)."""

    name = "email"

    def send(self, notification: Notification) -> None:
        addresses = notification.addresses()
        if not addresses:
            return
        send_mail(
            notification.subject,
            notification.body,
            getattr(settings, "DEFAULT_FROM_EMAIL", None),
            addresses,
            fail_silently=False,
        )


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    """Add or replace a channel under ``channel.name``."""
    _channels[channel.name] = channel


def get_channel(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise LookupError(f"No notification channel {name!r}; known: {sorted(_channels)}") from None


def default_channels() -> list[str]:
    return list(getattr(settings, "LIANXI_NOTIFICATION_CHANNELS", ["console"]))


def notify(recipients, subject: str, body: str, *, channels: list[str] | None = None,
           site=None, **data) -> list[str]:  # fmt: skip
    """Send through each channel; returns the names of those that succeeded.

    A failing channel is logged and does not stop the others: an email outage
    must not lose the console or SMS copy.
    """
    notification = Notification(list(recipients), subject, body, site=site, data=data)
    sent = []
    for name in channels if channels is not None else default_channels():
        try:
            get_channel(name).send(notification)
        except Exception:
            logger.exception("Notification channel %s failed", name)
        else:
            sent.append(name)
    return sent


register_channel(ConsoleChannel())
register_channel(EmailChannel())
