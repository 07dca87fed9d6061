"""The WeChat mini-program server API: login (``code`` → openid), access token and
subscription messages.

``LIANXI_WECHAT_APP_ID`` / ``LIANXI_WECHAT_APP_SECRET`` select the HTTP client
(``LIANXI_WECHAT_API_BASE``, default WeChat's own host; tests point it at a
fake server on 127.0.0.1); without an app id messages are printed on the
console (the demo). The access token is cached (Django cache) until shortly
before it expires and fetched again when WeChat says it is invalid.

    from cms.services.wechat import get_client
    get_client().send_subscribe_message(openid, template_id, data, page="pages/inbox/index")
    openid = get_client().code_to_session(code)   # wx.login()'s code, once

The console client (no app id) turns a login ``code`` into a made-up openid
derived from it, so the demo's mini-program login works without WeChat.
"""

from __future__ import annotations

import hashlib
import sys
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

__all__ = ["ConsoleWeChat", "WeChatClient", "WeChatError", "get_client", "subscribe_data"]

#: errcodes that mean "the token is stale: get a new one and try again".
TOKEN_ERRORS = {40001, 40014, 42001}
#: errcodes that no retry can fix (the user did not subscribe, bad openid or template).
PERMANENT_ERRORS = {40029, 40163, 40003, 40013, 40037, 41030, 43101, 47003}


class WeChatError(Exception):
    def __init__(self, message: str, *, errcode: int | None = None, permanent: bool = False):
        super().__init__(message)
        self.errcode, self.permanent = errcode, permanent


class WeChatClient:
    def __init__(self, app_id: str, secret: str, base: str, timeout: float = 10.0):
        self.app_id, self.secret, self.base, self.timeout = (
            app_id,
            secret,
            base.rstrip("/"),
            timeout,
        )

    @property
    def _token_key(self) -> str:
        return f"lianxi:wechat:token:{self.app_id}"

    def _call(self, method: str, path: str, **kwargs) -> dict[str, Any]:
        try:
            response = requests.request(
                method, f"{self.base}{path}", timeout=self.timeout, **kwargs
            )
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise WeChatError(f"WeChat API unreachable: {type(exc).__name__}") from None
        if response.status_code >= 500:
            raise WeChatError(f"WeChat API answered {response.status_code}")
        errcode = int(answer.get("errcode") or 0)
        if errcode:
            raise WeChatError(
                f"WeChat errcode {errcode}: {answer.get('errmsg', '')}"[:300],
                errcode=errcode,
                permanent=errcode in PERMANENT_ERRORS,
            )
        return answer

    def code_to_session(self, code: str) -> str:
        """``jscode2session``: the openid behind a mini-program's ``wx.login()`` code.

        The session key WeChat also returns is not kept (we decrypt no user data)."""
        answer = self._call(
            "GET",
            "/sns/jscode2session",
            params={"appid": self.app_id, "secret": self.secret, "js_code": code,
                    "grant_type": "authorization_code"},
        )  # fmt: skip
        openid = answer.get("openid")
        if not openid:
            raise WeChatError("WeChat gave no openid", permanent=True)
        return openid

    def access_token(self, *, refresh: bool = False) -> str:
        """The app's access token, from the cache unless ``refresh``."""
        token = None if refresh else cache.get(self._token_key)
        if token:
            return token
        answer = self._call(
            "GET",
            "/cgi-bin/token",
            params={"grant_type": "client_credential", "appid": self.app_id,
                    "secret": self.secret},
        )  # fmt: skip
        token = answer.get("access_token")
        if not token:
            raise WeChatError("WeChat gave no access_token")
        lifetime = int(answer.get("expires_in") or 7200)
        cache.set(self._token_key, token, max(lifetime - 300, 60))
        return token

    def send_subscribe_message(
        self, openid: str, template_id: str, data: dict[str, Any], page: str = ""
    ) -> None:
        """``subscribeMessage.send``: one message to a user who subscribed to the template."""
        body = {"touser": openid, "template_id": template_id, "data": data, "lang": "zh_CN"}
        if page:
            body["page"] = page
        for attempt in (1, 2):
            token = self.access_token(refresh=attempt == 2)
            try:
                self._call(
                    "POST",
                    "/cgi-bin/message/subscribe/send",
                    params={"access_token": token},
                    json=body,
                )
                return
            except WeChatError as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 1:
                    continue
                raise


class ConsoleWeChat:
    """Prints subscription messages (the demo)."""

    def __init__(self, stream=None):
        self.stream = stream

    def code_to_session(self, code: str) -> str:
        if not code or code.startswith("invalid"):
            raise WeChatError("WeChat errcode 40029: invalid code", errcode=40029, permanent=True)
        return "demo-" + hashlib.sha256(code.encode()).hexdigest()[:24]

    def send_subscribe_message(
        self, openid: str, template_id: str, data: dict[str, Any], page: str = ""
    ) -> None:
        stream = self.stream or sys.stdout
        values = ", ".join(f"{k}={v.get('value', v)}" for k, v in data.items())
        stream.write(f"[微信订阅消息] …{openid[-4:]} 模板 {template_id or '-'}: {values}\n")
        stream.flush()


def get_client() -> WeChatClient | ConsoleWeChat:
    if settings.LIANXI_WECHAT_APP_ID:
        return WeChatClient(
            settings.LIANXI_WECHAT_APP_ID,
            settings.LIANXI_WECHAT_APP_SECRET,
            settings.LIANXI_WECHAT_API_BASE,
            settings.LIANXI_WECHAT_TIMEOUT,
        )
    return ConsoleWeChat()


def subscribe_data(subject: str, body: str, when: str) -> dict[str, Any]:
    """The default template's fields: thing1 subject, thing2 body (≤ 20 characters), time3."""
    return {
        "thing1": {"value": subject[:20]},
        "thing2": {"value": (body or subject)[:20]},
        "time3": {"value": when},
    }
