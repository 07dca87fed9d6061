"""Forgetting cached API answers after a write that sends no model signal (bulk writes).

The API's server-side cache (``cms.api.caching``) is invalidated by signals on
page publication and on every save of a row with a ``site``. A write that
bypasses them (``bulk_create``, ``update()``, raw SQL: imports, demo loaders)
calls one of these when it is done::

    from cms.services.apicache import invalidate_sites

    invalidate_sites("340123")          # that site, the sites above it, the group views

Both also reach the other processes of a local-memory cache (see
``cms.api.caching``).
"""

from __future__ import annotations

from cms.api.caching import invalidate_all, invalidate_site


def invalidate_sites(*codes: str) -> None:
    """Forget the cached answers of these sites (division codes) and their ancestors."""
    codes = tuple(c for c in codes if c)
    if codes:
        invalidate_site(*codes)


__all__ = ["invalidate_all", "invalidate_sites"]
