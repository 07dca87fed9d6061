"""Session limits: idle and absolute timeouts (等保: 登录连接超时自动退出)."""

from __future__ import annotations

import time

from django.conf import settings

STARTED = "lianxi_login_at"
SEEN = "lianxi_seen_at"
#: The last-seen time is written at most this often (seconds), not on every request.
SEEN_RESOLUTION = 60


def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[SEEN] = now


def expired(session, now: float | None = None) -> str:
    """``"idle"``, ``"absolute"`` or ``""`` for a logged-in session."""
    now = now if now is not None else time.time()
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is not None and now - started > settings.LIANXI_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if seen is not None and now - seen > settings.LIANXI_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return ""


def touch(session, now: float | None = None) -> None:
    now = now if now is not None else time.time()
    if session.get(STARTED) is None:
        session[STARTED] = now  # a session from before these limits: counted from now
    if session.get(SEEN) is None or now - session[SEEN] >= SEEN_RESOLUTION:
        session[SEEN] = now
