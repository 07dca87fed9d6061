"""Health flags: which backing service this process found down, and since when.

A service that degrades instead of failing (the cache without Redis, search
without Elasticsearch) reports it here with :func:`report_down`, and
:func:`report_up` once it answers again. ``GET /healthz`` and ``manage.py
health`` show the flags; a monitoring system watches them. The flags are per
process: each worker says what it saw.
"""

from __future__ import annotations

import threading
import time

_lock = threading.Lock()
_down: dict[str, tuple[float, str]] = {}  # service → (since, reason)


def report_down(service: str, reason: str = "") -> bool:
    """Mark ``service`` down; ``True`` when it was up until now (log it once then)."""
    with _lock:
        if service in _down:
            return False
        _down[service] = (time.time(), reason[:300])
        return True


def report_up(service: str) -> bool:
    """Mark ``service`` up again; ``True`` when it was down until now."""
    with _lock:
        return _down.pop(service, None) is not None


def is_down(service: str) -> bool:
    return service in _down


def status() -> dict:
    """``{"status": "ok"|"degraded", "down": {service: {"since": epoch, "reason": str}}}``."""
    with _lock:
        down = {name: {"since": since, "reason": reason} for name, (since, reason) in _down.items()}
    return {"status": "degraded" if down else "ok", "down": down}
