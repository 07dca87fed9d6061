"""Notifications: one call puts a message in each account's inbox and sends it on.

    from cms.services.notifications import notify
    notify([deputy_user], "建议已交办", "您的建议已交由省交通运输厅办理。",
           kind="suggestions.assigned", site=site, url="/pages/suggestions/12",
           dedupe_key="suggestion:12:assigned")

* **In-app** (always): one :class:`~cms.notifications.models.Notification` per
  user, written in the caller's transaction. The inbox is read with
  :func:`inbox`, :func:`unread_count`, :func:`mark_read`.
* **Other channels** (``LIANXI_NOTIFICATION_CHANNELS``: ``email``, ``sms``,
  ``wechat``): each user's preferences (:func:`set_preference`, per kind or
  ``"*"``; default: the kind's registered default, then the channel's) say
  *immediately*, *in the daily digest* or *off*. An immediate send is a
  :class:`~cms.notifications.models.Delivery` row plus a background task
  enqueued when the transaction commits; failures are retried with backoff
  (``LIANXI_NOTIFICATION_BACKOFF``) and the final outcome stays in the log.
* **Where to**: :func:`contact_for` asks the registered resolvers (the accounts
  app answers mobile numbers and WeChat openids); by default only e-mail is
  known (``user.email``). A channel without an address is logged "无地址".
* **Plain e-mail addresses** among the recipients get an e-mail (no inbox).
* **dedupe_key**: a second call with the same key creates nothing for a user
  who has it already (a sweep that runs twice notifies once).

Channels are adapters: ``register_channel(obj)`` installs one (``name`` and
``send(message) -> str``, raising :class:`DeliveryError`). SMS goes through
``cms.services.sms`` and WeChat through ``cms.services.wechat``, each on the
console unless configured.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import sms, wechat
from .tasks import enqueue, task, urgent

__all__ = [
    "ConsoleChannel",
    "DeliveryError",
    "EmailChannel",
    "Message",
    "SmsChannel",
    "WeChatChannel",
    "contact_for",
    "default_channels",
    "effective_mode",
    "get_channel",
    "inbox",
    "mark_read",
    "notify",
    "preferences",
    "register_channel",
    "register_contact_resolver",
    "register_kind",
    "set_preference",
    "unread_count",
]

logger = logging.getLogger(__name__)

IMMEDIATE, DIGEST, OFF = "immediate", "digest", "off"
#: A channel's mode for users and kinds that say nothing.
CHANNEL_DEFAULTS = {"email": IMMEDIATE, "sms": OFF, "wechat": IMMEDIATE}
#: How long a send may take before the retry sweep may try it again.
SENDING_LEASE = dt.timedelta(minutes=2)
RETRY_SWEEP_EVERY = dt.timedelta(minutes=1)


class DeliveryError(Exception):
    """A channel could not send. ``permanent``: retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass
class Message:
    """What a channel adapter sends: one message to one address."""

    channel: str
    recipient: str
    subject: str
    body: str
    url: str = ""
    kind: str = "general"
    data: dict[str, Any] = field(default_factory=dict)
    reference: str = ""  # the delivery log's id, for gateways that drop duplicates
    created_at: dt.datetime | None = None


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Send; return the provider's message id (or ""). Raise ``DeliveryError``."""
        ...


class EmailChannel:
    """E-mail through Django's mail backend (``EMAIL_BACKEND``; console in the demo)."""

    name = "email"

    def send(self, message: Message) -> str:
        body = message.body + (f"\n\n{message.url}" if message.url else "")
        try:
            send_mail(message.subject, body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
        except Exception as exc:  # SMTP errors, refused connections
            raise DeliveryError(f"{type(exc).__name__}: {exc}"[:300]) from None
        return ""


class SmsChannel:
    """SMS through ``cms.services.sms`` with the provider template ``notification``."""

    name = "sms"
    template = "notification"

    def send(self, message: Message) -> str:
        params = {"subject": message.subject[:30]}
        try:
            return sms.send_sms(message.recipient, self.template, params,
                                reference=message.reference)  # fmt: skip
        except sms.SmsError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent) from None


class WeChatChannel:
    """A WeChat mini-program subscription message (``cms.services.wechat``).

    The template is ``data["wechat_template"]`` or ``LIANXI_WECHAT_TEMPLATE_ID``;
    its fields ``data["wechat_data"]`` or the default thing1/thing2/time3.
    """

    name = "wechat"

    def send(self, message: Message) -> str:
        when = timezone.localtime(message.created_at or timezone.now()).strftime("%Y-%m-%d %H:%M")
        template = message.data.get("wechat_template") or settings.LIANXI_WECHAT_TEMPLATE_ID
        data = message.data.get("wechat_data") or wechat.subscribe_data(
            message.subject, message.body, when
        )
        try:
            wechat.get_client().send_subscribe_message(
                message.recipient, template, data, page=message.url
            )
        except wechat.WeChatError as exc:
            raise DeliveryError(str(exc), permanent=exc.permanent) from None
        return ""


class ConsoleChannel:
    """Prints messages of channel ``name`` on standard output (development)."""

    def __init__(self, name: str = "console", stream=None):
        self.name, self.stream = name, stream

    def send(self, message: Message) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"[通知·{self.name}] {message.recipient}: {message.subject}\n{message.body}\n")
        return ""


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    """Install (or replace) the adapter of channel ``channel.name``."""
    _channels[channel.name] = channel


def get_channel(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise LookupError(f"No notification channel {name!r}; known: {sorted(_channels)}") from None


def default_channels() -> list[str]:
    """The channels besides the inbox that notifications go out on."""
    return [c for c in settings.LIANXI_NOTIFICATION_CHANNELS if c != "inapp"]


register_channel(EmailChannel())
register_channel(SmsChannel())
register_channel(WeChatChannel())


# --- Kinds, preferences, addresses ------------------------------------------------


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any
    defaults: dict[str, str]


_kinds: dict[str, Kind] = {}


def register_kind(name: str, label: Any, defaults: dict[str, str] | None = None) -> Kind:
    """Name a kind of notification (shown in preferences) and its default modes.

    A name ending in ``.*`` (``"deadline.*"``) gives the defaults of every kind
    with that prefix that has no registration of its own.

    ``defaults`` maps channels to ``"immediate"``, ``"digest"`` or ``"off"``
    for users who chose nothing, e.g. ``{"sms": "immediate"}`` for an urgent kind.
    """
    kind = Kind(name, label, dict(defaults or {}))
    _kinds[name] = kind
    return kind


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.name)


register_kind("general", "一般通知")


def _default_mode(kind: str, channel: str) -> str:
    registered = _kinds.get(kind) or (_kinds.get(kind.split(".")[0] + ".*"))
    if registered and channel in registered.defaults:
        return registered.defaults[channel]
    return CHANNEL_DEFAULTS.get(channel, IMMEDIATE)


def effective_mode(user, kind: str, channel: str) -> str:
    """How ``user`` gets ``kind`` on ``channel``: their row for the kind, for "*", or the default."""
    from cms.notifications.models import Preference

    rows = dict(
        Preference.objects.filter(user=user, channel=channel, kind__in=[kind, "*"]).values_list(
            "kind", "mode"
        )
    )
    return rows.get(kind) or rows.get("*") or _default_mode(kind, channel)


def preferences(user) -> list[dict[str, str]]:
    """The user's own choices: ``[{"kind", "channel", "mode"}]``."""
    from cms.notifications.models import Preference

    return list(Preference.objects.filter(user=user).values("kind", "channel", "mode"))


def set_preference(user, kind: str, channel: str, mode: str):
    """Set how ``user`` gets ``kind`` (or ``"*"``) on ``channel``; returns the row."""
    from cms.notifications.models import Mode, Preference

    if mode not in Mode.values:
        raise ValueError(f"mode must be one of {Mode.values}")
    if channel not in _channels:
        raise ValueError(f"unknown channel {channel!r}")
    row, _created = Preference.objects.update_or_create(
        user=user, kind=kind, channel=channel, defaults={"mode": mode}
    )
    return row


ContactResolver = Callable[[Any, str], "str | None"]
_resolvers: list[ContactResolver] = []


def register_contact_resolver(resolver: ContactResolver) -> None:
    """Add ``resolver(user, channel) -> address | None``; the first answer wins.

    The accounts app registers one that knows mobile numbers and openids.
    """
    if resolver not in _resolvers:
        _resolvers.insert(0, resolver)


def contact_for(user, channel: str) -> str | None:
    """The address of ``user`` on ``channel`` (mobile, e-mail, openid), or ``None``."""
    for resolver in _resolvers:
        address = resolver(user, channel)
        if address:
            return address
    if channel == "email":
        return getattr(user, "email", "") or None
    return None


# --- notify -------------------------------------------------------------------------


def _site_of(site):
    return getattr(site, "site", site)  # a SiteProfile or a Site


def notify(
    recipients: Iterable[Any],
    subject: str,
    body: str,
    *,
    kind: str = "general",
    site=None,
    url: str = "",
    data: dict[str, Any] | None = None,
    channels: list[str] | None = None,
    dedupe_key: str | None = None,
    **extra: Any,
) -> list:
    """Notify ``recipients`` (users, or plain e-mail addresses); returns the new inbox rows.

    ``channels`` limits the channels besides the inbox (default: all of
    ``LIANXI_NOTIFICATION_CHANNELS``); users' preferences still apply. With
    ``dedupe_key`` a user who already has a notification with that key gets
    nothing new. Extra keyword arguments are added to ``data``.
    """
    from cms.notifications.models import Delivery, DeliveryStatus, Notification, Preference

    subject = str(subject)[:200]
    body = str(body)
    data = {**(data or {}), **extra}
    site = _site_of(site)
    out_channels = default_channels() if channels is None else list(channels)
    for name in out_channels:
        get_channel(name)  # unknown channel: LookupError before anything is written
    users, addresses = [], []
    for recipient in recipients:
        (addresses if isinstance(recipient, str) else users).append(recipient)
    users = list({u.pk: u for u in users}.values())
    now = timezone.now()
    fields = {"site": site, "kind": kind, "subject": subject, "body": body, "url": url,
              "data": data, "created_at": now}  # fmt: skip

    created: list[Notification] = []
    if dedupe_key:
        have = set(
            Notification.objects.filter(user__in=users, dedupe_key=dedupe_key).values_list(
                "user_id", flat=True
            )
        )
        for user in users:
            if user.pk in have:
                continue
            try:
                with transaction.atomic():
                    created.append(
                        Notification.objects.create(user=user, dedupe_key=dedupe_key, **fields)
                    )
            except IntegrityError:
                continue  # a concurrent call created it
    else:
        created = Notification.objects.bulk_create(
            [Notification(user=user, **fields) for user in users]
        )

    modes: dict[tuple[int, str], str] = {}
    if created and out_channels:
        for user_id, row_kind, channel, mode in Preference.objects.filter(
            user__in=[n.user_id for n in created], kind__in=[kind, "*"], channel__in=out_channels
        ).values_list("user_id", "kind", "channel", "mode"):
            if row_kind == kind or (user_id, channel) not in modes:
                modes[(user_id, channel)] = mode

    deliveries = []
    for notification in created:
        for channel in out_channels:
            mode = modes.get((notification.user_id, channel)) or _default_mode(kind, channel)
            if mode == OFF:
                continue
            address = contact_for(notification.user, channel) or ""
            if not address:
                status = DeliveryStatus.NO_ADDRESS
            elif mode == DIGEST:
                status = DeliveryStatus.PENDING_DIGEST
            else:
                status = DeliveryStatus.QUEUED
            deliveries.append(
                Delivery(
                    notification=notification,
                    user=notification.user,
                    site=site,
                    kind=kind,
                    channel=channel,
                    recipient=address[:200],
                    subject=subject,
                    body=body,
                    url=url,
                    status=status,
                    created_at=now,
                    next_attempt_at=now + SENDING_LEASE,
                )  # fmt: skip
            )
    if "email" in out_channels:
        for address in dict.fromkeys(addresses):
            deliveries.append(
                Delivery(
                    site=site,
                    kind=kind,
                    channel="email",
                    recipient=address[:200],
                    subject=subject,
                    body=body,
                    url=url,
                    status=DeliveryStatus.QUEUED,
                    created_at=now,
                    next_attempt_at=now + SENDING_LEASE,
                )  # fmt: skip
            )
    for delivery in Delivery.objects.bulk_create(deliveries):
        if delivery.status == DeliveryStatus.QUEUED:
            enqueue(urgent(deliver), delivery.pk)
    return created


# --- Sending, retries, digests ------------------------------------------------------


def _backoff(attempts: int) -> dt.timedelta:
    steps = settings.LIANXI_NOTIFICATION_BACKOFF or [60]
    return dt.timedelta(seconds=steps[min(attempts, len(steps)) - 1])


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery (a task). Safe to run twice: a row is claimed before sending."""
    from cms.notifications.models import Delivery, DeliveryStatus

    now = timezone.now()
    claimable = Q(status=DeliveryStatus.QUEUED) | Q(
        status__in=[DeliveryStatus.FAILED, DeliveryStatus.SENDING], next_attempt_at__lte=now
    )
    claimed = (
        Delivery.objects.filter(claimable, pk=delivery_id).update(
            status=DeliveryStatus.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + SENDING_LEASE,
        )  # fmt: skip
    )
    if not claimed:
        return "not due"
    delivery = Delivery.objects.get(pk=delivery_id)
    message = Message(
        channel=delivery.channel, recipient=delivery.recipient, subject=delivery.subject,
        body=delivery.body, url=delivery.url, kind=delivery.kind,
        data=delivery.notification.data if delivery.notification_id else {},
        reference=f"delivery-{delivery.pk}", created_at=delivery.created_at,
    )  # fmt: skip
    try:
        external_id = get_channel(delivery.channel).send(message)
    except Exception as exc:  # noqa: BLE001 - any failure is logged and retried
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        error = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        final = permanent or delivery.attempts >= settings.LIANXI_NOTIFICATION_MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.GAVE_UP if final else DeliveryStatus.FAILED,
            last_error=error[:1000],
            next_attempt_at=None if final else timezone.now() + _backoff(delivery.attempts),
        )
        logger.warning("Delivery %s (%s) failed: %s", delivery.pk, delivery.channel, error)
        return "gave up" if final else "failed"
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), next_attempt_at=None,
        external_id=str(external_id or "")[:100], last_error="",
    )  # fmt: skip
    return "sent"


def due_deliveries(now: dt.datetime | None = None) -> QuerySet:
    """Deliveries waiting for a (re)try: failed and due, or queued/sending past their lease."""
    from cms.notifications.models import Delivery, DeliveryStatus

    now = now or timezone.now()
    return Delivery.objects.filter(
        status__in=[DeliveryStatus.QUEUED, DeliveryStatus.FAILED, DeliveryStatus.SENDING],
        next_attempt_at__lte=now,
    )


@task()
def retry_deliveries() -> int:
    """The ``notifications.retry`` sweep (every minute): enqueue what is due again."""
    ids = list(due_deliveries().values_list("pk", flat=True)[:1000])
    for pk in ids:
        urgent(deliver).enqueue(pk)
    return len(ids)


def digest_schedule() -> str:
    return f"daily at {settings.LIANXI_NOTIFICATION_DIGEST_AT}"


def build_digests(now: dt.datetime | None = None) -> list[int]:
    """One digest per user and channel for the items waiting; returns the digests' ids.

    At most one digest per user, channel and day (a second run the same day
    leaves new items for the next day's digest).
    """
    from cms.notifications.models import Delivery, DeliveryStatus

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    pending = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING_DIGEST, created_at__lte=now)
        .exclude(user=None)
        .select_related("site__profile", "user")
        .order_by("user_id", "channel", "created_at")
    )
    groups: dict[tuple[int, str], list] = {}
    for item in pending:
        groups.setdefault((item.user_id, item.channel), []).append(item)
    digest_ids = []
    for (_user_id, channel), items in groups.items():
        user = items[0].user
        lines = []
        for item in items:
            where = getattr(getattr(item.site, "profile", None), "short_name", "") or ""
            lines.append(f"· {item.subject}" + (f"({where})" if where else ""))
        address = contact_for(user, channel) or ""
        with transaction.atomic():
            digest, created = Delivery.objects.get_or_create(
                user=user, channel=channel, digest_date=today,
                defaults={
                    "kind": "digest", "recipient": address[:200],
                    "subject": f"每日通知汇总:{len(items)}条",
                    "body": "\n".join(lines), "created_at": now,
                    "status": DeliveryStatus.QUEUED if address else DeliveryStatus.NO_ADDRESS,
                    "next_attempt_at": now + SENDING_LEASE,
                },
            )  # fmt: skip
            if not created:
                continue
            Delivery.objects.filter(pk__in=[i.pk for i in items]).update(
                status=DeliveryStatus.DIGESTED, digest=digest
            )
            if digest.status == DeliveryStatus.QUEUED:
                enqueue(urgent(deliver), digest.pk)
                digest_ids.append(digest.pk)
    return digest_ids


@task()
def send_digests() -> int:
    """The ``notifications.digest`` sweep (daily): :func:`build_digests`."""
    return len(build_digests())


# --- The inbox (the accounts app's /api/v1/me/notifications/ wires these) -----------


def inbox(user, *, unread_only: bool = False, site=None, kind: str | None = None) -> QuerySet:
    """The user's notifications, newest first."""
    from cms.notifications.models import Notification

    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if site is not None:
        qs = qs.filter(site=_site_of(site))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def unread_count(user) -> int:
    """How many of the user's notifications are unread."""
    return inbox(user, unread_only=True).count()


def mark_read(user, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark the user's notifications ``ids`` (or ``"all"``) read; returns how many changed.

    Ids of other users' notifications are ignored.
    """
    qs = inbox(user, unread_only=True)
    if ids != "all":
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
