"""Throttling of writes and search (DRF), rates from ``LIANXI_THROTTLE_RATES``.

* ``AnonWriteRateThrottle`` / ``UserWriteRateThrottle`` / ``MobileWriteRateThrottle`` are the global
  ``DEFAULT_THROTTLE_CLASSES``: they count only unsafe methods (POST, PUT,
  PATCH, DELETE), so reads are never throttled here (anonymous reads are
  served from the cache anyway).
* ``SearchRateThrottle`` is for search views: ``throttle_classes =
  [SearchRateThrottle]`` (keep the write throttles with
  ``api_settings.DEFAULT_THROTTLE_CLASSES + [...]`` if the view also writes).

Scopes and defaults (``settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``):
``anon_write`` 20/min per address, ``user_write`` 120/min per account,
``mobile_write`` 1000/day per verified mobile number, ``search`` 60/min (anonymous),
``search_user`` 240/min. A refused request answers ``429`` as
``application/problem+json`` with ``Retry-After`` (``cms.api.conventions``).

Two things keep the limits real:

* the client is identified by ``cms.services.clients.client_ip`` (the
  trusted-proxy settings), never by whatever ``X-Forwarded-For`` a client
  sends (DRF's own ``get_ident`` takes the whole header as the identity when
  ``NUM_PROXIES`` is unset, so every new header value was a fresh allowance);
* the counters live in the shared cache ``LIANXI_THROTTLE_CACHE`` (Redis with
  ``REDIS_URL``, else a database table): DRF's default, the ``default`` cache,
  is local memory in the embedded setup, one per worker process, so two
  workers allowed twice the rate.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.cache import caches
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cms.services.clients import client_ip

#: One request counted in a sliding window, atomically, in one round trip: the window's
#: timestamps are a sorted set (members made unique by a random suffix).
_SLIDING_WINDOW = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, count, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('EXPIRE', key, math.ceil(window))
return {1, count + 1, '0'}
"""


class _SettingsRates:
    """Read the rates when the throttle is made (DRF reads them once, at import); count
    in the shared cache; identify clients by the trusted-proxy settings only.

    In Redis the count is one atomic script (a sorted set per client): DRF's own
    get-then-set lets concurrent requests of one client overwrite each other's
    count, and costs two round trips and a pickled list. Elsewhere (the database
    table of the embedded setup) DRF's way. When Redis does not answer, the request
    is allowed, as with any cache miss (``cms.services.cache``)."""

    def __init__(self):
        alias = getattr(settings, "LIANXI_THROTTLE_CACHE", "default")
        self.cache = caches[alias if alias in settings.CACHES else "default"]
        super().__init__()

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        run_script = getattr(self.cache, "run_script", None)
        if run_script is None or self.rate is None:
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        answer = run_script(
            _SLIDING_WINDOW, [f"{self.key}:w"],
            [repr(self.now), self.duration, self.num_requests, f"{self.now!r}:{secrets.token_hex(4)}"],
        )  # fmt: skip
        if answer is None:
            return True  # Redis down: no count, as with any cache miss
        allowed, count, oldest = answer
        self.history = [self.now] * int(count)  # what DRF's wait() reads: how many …
        if not allowed:
            self.history[-1] = float(oldest)  # … and the oldest in the window
            return self.throttle_failure()
        return True


class _WriteThrottle(_SettingsRates, SimpleRateThrottle):
    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class AnonWriteRateThrottle(_WriteThrottle):
    """Writes by anonymous clients, per IP address."""

    scope = "anon_write"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserWriteRateThrottle(_WriteThrottle):
    """Writes by authenticated users (token or session), per user."""

    scope = "user_write"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class MobileWriteRateThrottle(_WriteThrottle):
    """Writes by an account with a verified mobile number, per number: erasing an
    account and logging in again with the same number gives no fresh allowance,
    and one number never writes more than ``mobile_write`` however many devices
    and accounts it is used from."""

    scope = "mobile_write"

    def get_cache_key(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return None
        from cms.accounts.models import Account

        try:
            digest = user.account.mobile_digest  # loaded with the token (no query)
        except Account.DoesNotExist:
            return None
        if not digest:
            return None
        return self.cache_format % {"scope": self.scope, "ident": digest[:32]}


class SearchRateThrottle(_SettingsRates, SimpleRateThrottle):
    """Every search request: ``search`` per IP when anonymous, ``search_user`` per user."""

    scope = "search"

    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            self.scope = "search_user"
            self.rate = self.get_rate()
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class LoginRateThrottle(_SettingsRates, SimpleRateThrottle):
    """Every login request (SMS codes, code and WeChat logins, refreshes), per IP address.

    Per mobile number, ``cms.services.accounts`` limits codes (resend interval,
    daily cap) and wrong tries (a code is spent after a few)."""

    scope = "login"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
