"""Sending an SMS: the one place that does it (notifications, login codes).

    from cms.services.sms import send_sms, SmsError
    message_id = send_sms("13800000000", "login_code", {"code": "123456"})

``template`` names a template approved by the SMS provider (Chinese carriers
only deliver approved templates with a registered signature,
``LIANXI_SMS_SIGN``); ``params`` fill its variables. The gateway is chosen by
settings: with ``LIANXI_SMS_URL`` an HTTP gateway (below), otherwise the
console (the demo prints the message, the number masked).

The HTTP gateway contract: ``POST LIANXI_SMS_URL`` with
``Authorization: Bearer LIANXI_SMS_KEY`` and the JSON body
``{"mobile", "template", "params", "sign", "reference"}``; a 2xx answer with
``{"id": "..."}`` is success; 4xx is a permanent refusal (bad number,
unknown template); 429, 5xx and network errors are worth retrying.
``reference`` is the caller's id of the message (a delivery log id), so a
gateway can drop a duplicate after a retry. An adapter for a provider's own
API is a small class with the same ``send`` method, installed with
:func:`set_gateway`.

Numbers and parameters (login codes) are never written to the logs.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Protocol

import requests
from django.conf import settings

__all__ = [
    "ConsoleGateway",
    "HttpGateway",
    "SmsError",
    "SmsGateway",
    "get_gateway",
    "mask_mobile",
    "normalize_mobile",
    "send_sms",
    "set_gateway",
]

logger = logging.getLogger(__name__)
MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SmsError(Exception):
    """The SMS was not sent. ``permanent``: retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


def normalize_mobile(mobile: str) -> str:
    """A mainland mobile number as 11 digits (``+86``, spaces and dashes removed).

    Raises ``SmsError(permanent=True)`` for anything else.
    """
    digits = re.sub(r"[\s-]", "", mobile or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    if not MOBILE.match(digits):
        raise SmsError("not a mainland mobile number", permanent=True)
    return digits


def mask_mobile(mobile: str) -> str:
    """138****5678: how a number appears on screens and in logs."""
    return mobile[:3] + "****" + mobile[-4:] if len(mobile) >= 7 else "****"


class SmsGateway(Protocol):
    def send(self, mobile: str, template: str, params: dict[str, str], *, reference: str) -> str:
        """Send; return the gateway's message id. Raise ``SmsError`` on failure."""
        ...


class ConsoleGateway:
    """Prints each SMS on standard output (the demo and development)."""

    def __init__(self, stream=None):
        self.stream = stream

    def send(self, mobile: str, template: str, params: dict[str, str], *, reference: str) -> str:
        stream = self.stream or sys.stdout
        values = ", ".join(f"{k}={v}" for k, v in params.items())
        stream.write(f"[短信] {mask_mobile(mobile)} 模板 {template}: {values}\n")
        stream.flush()
        return f"console-{reference}" if reference else "console"


class HttpGateway:
    """An SMS gateway reached over HTTP (see the module docstring for the contract)."""

    def __init__(self, url: str, key: str = "", sign: str = "", timeout: float = 10.0):
        self.url, self.key, self.sign, self.timeout = url, key, sign, timeout

    def send(self, mobile: str, template: str, params: dict[str, str], *, reference: str) -> str:
        payload = {"mobile": mobile, "template": template, "params": params, "sign": self.sign,
                   "reference": reference}  # fmt: skip
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        try:
            response = requests.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsError(f"gateway unreachable: {type(exc).__name__}") from None
        if response.status_code == 429 or response.status_code >= 500:
            raise SmsError(f"gateway answered {response.status_code}")
        if response.status_code >= 400:
            raise SmsError(
                f"gateway refused ({response.status_code}): {response.text[:200]}", permanent=True
            )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return str(answer.get("id") or answer.get("message_id") or "")


_gateway: SmsGateway | None = None


def set_gateway(gateway: SmsGateway | None) -> SmsGateway | None:
    """Use ``gateway`` from now on (``None``: back to the settings); returns the previous one."""
    global _gateway
    previous, _gateway = _gateway, gateway
    return previous


def get_gateway() -> SmsGateway:
    if _gateway is not None:
        return _gateway
    if settings.LIANXI_SMS_URL:
        return HttpGateway(
            settings.LIANXI_SMS_URL,
            settings.LIANXI_SMS_KEY,
            settings.LIANXI_SMS_SIGN,
            settings.LIANXI_SMS_TIMEOUT,
        )
    return ConsoleGateway()


def send_sms(
    mobile: str, template: str, params: dict[str, str] | None = None, *, reference: str = ""
) -> str:
    """Send template ``template`` with ``params`` to ``mobile``; returns the message id.

    Raises ``SmsError`` (``permanent`` tells whether a retry can help).
    """
    number = normalize_mobile(mobile)
    values = {str(k): str(v) for k, v in (params or {}).items()}
    try:
        message_id = get_gateway().send(number, template, values, reference=reference)
    except SmsError as exc:
        logger.warning("SMS %s to %s failed: %s", template, mask_mobile(number), exc)
        raise
    logger.info("SMS %s sent to %s", template, mask_mobile(number))
    return message_id
