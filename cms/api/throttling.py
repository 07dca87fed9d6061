"""Throttling of writes and search (DRF), rates from ``LIANXI_THROTTLE_RATES``.

* ``AnonWriteRateThrottle`` / ``UserWriteRateThrottle`` are the global
  ``DEFAULT_THROTTLE_CLASSES``: they count only unsafe methods (POST, PUT,
  PATCH, DELETE), so reads are never throttled here (anonymous reads are
  served from the cache anyway).
* ``SearchRateThrottle`` is for search views: ``throttle_classes =
  [SearchRateThrottle]`` (keep the write throttles with
  ``api_settings.DEFAULT_THROTTLE_CLASSES + [...]`` if the view also writes).

Scopes and defaults (``settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``):
``anon_write`` 20/min, ``user_write`` 120/min, ``search`` 60/min (anonymous),
``search_user`` 240/min. A refused request answers ``429`` as
``application/problem+json`` with ``Retry-After`` (``cms.api.exceptions``).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRates:
    """Read the rates when the throttle is made (DRF reads them once, at import)."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


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
