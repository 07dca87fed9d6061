"""A Redis cache that degrades to no cache when Redis is unreachable.

``REDIS_URL`` selects :class:`ResilientRedisCache` (django-redis underneath).
When Redis does not answer, every read is a miss and every write is dropped:
pages, the API and the admin keep working, only slower, instead of answering
500. The first failure logs a warning and sets the ``cache`` health flag
(``cms.services.health``); for ``LIANXI_CACHE_RETRY_SECONDS`` (default 10)
after a failure Redis is not tried at all, so a dead server costs no time per
request; the first success afterwards logs the recovery and clears the flag.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django_redis.cache import RedisCache

from . import health

logger = logging.getLogger("lianxi.cache")

SERVICE = "cache"
_MISSING = object()


class ResilientRedisCache(RedisCache):
    """django-redis, with "Redis is down" meaning "no cache" rather than an exception."""

    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**params.get("OPTIONS", {}), "IGNORE_EXCEPTIONS": False}}
        super().__init__(server, params)
        self._retry_at = 0.0

    def _call(self, name, fallback, *args, **kwargs):
        return self._guarded(
            lambda: getattr(super(ResilientRedisCache, self), name)(*args, **kwargs), fallback
        )

    def run_script(self, script: str, keys, args, fallback=None):
        """A Lua script on the cache's server, one atomic round trip (``keys`` are made
        with the cache's prefix); ``fallback`` while Redis is down."""
        return self._guarded(
            lambda: self.client.get_client(write=True).eval(
                script, len(keys), *[self.make_key(k) for k in keys], *args
            ),
            fallback,
        )

    def _guarded(self, call, fallback):
        if time.monotonic() < self._retry_at:
            return fallback
        try:
            result = call()
        except Exception as exc:  # noqa: BLE001 - any failure of the cache server
            self._retry_at = time.monotonic() + float(
                getattr(settings, "LIANXI_CACHE_RETRY_SECONDS", 10)
            )
            if health.report_down(SERVICE, f"{exc.__class__.__name__}: {exc}"):
                logger.warning("Redis cache unreachable, serving without a cache: %s", exc)
            return fallback
        if health.is_down(SERVICE) and health.report_up(SERVICE):
            logger.warning("Redis cache reachable again")
        return result

    def get(self, key, default=None, version=None, client=None):
        return self._call("get", default, key, default, version, client)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", {}, *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", False, *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", False, *args, **kwargs)

    def add(self, *args, **kwargs):
        return self._call("add", False, *args, **kwargs)

    def set_many(self, data, *args, **kwargs):
        return self._call("set_many", list(data), data, *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", False, *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", False, *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", 0, *args, **kwargs)

    def delete_pattern(self, *args, **kwargs):
        return self._call("delete_pattern", 0, *args, **kwargs)

    def clear(self):
        return self._call("clear", None)

    def incr(self, key, delta=1, version=None, client=None, **kwargs):
        result = self._call("incr", _MISSING, key, delta, version, client, **kwargs)
        if result is _MISSING:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return result

    def decr(self, key, delta=1, version=None, client=None, **kwargs):
        return self.incr(key, -delta, version, client, **kwargs)

    def ttl(self, *args, **kwargs):
        return self._call("ttl", None, *args, **kwargs)

    def keys(self, *args, **kwargs):
        return self._call("keys", [], *args, **kwargs)

    def iter_keys(self, *args, **kwargs):
        return self._call("iter_keys", iter(()), *args, **kwargs)

    def get_or_set(self, key, default, timeout=None, version=None, client=None, **kwargs):
        value = self.get(key, _MISSING, version=version)
        if value is _MISSING:
            value = default() if callable(default) else default
            self.add(key, value, timeout=timeout, version=version)
        return value

    def close(self, **kwargs):
        try:
            super().close(**kwargs)
        except Exception:  # noqa: BLE001 - closing a dead connection
            pass
