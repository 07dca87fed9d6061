"""Per-site CORS origins for django-cors-headers.

``CORS_ALLOWED_ORIGINS`` (env, comma-separated) are allowed everywhere under
``/api/v1/``. Beyond those, an origin listed for a site (``SiteCorsOrigin``,
edited in the admin by the site's staff) is allowed on requests that name
that site (``?site=<code>``, a township code counting as its county's, or
``/api/v1/sites/<code>/``); requests that name no site (the site tree,
``/api/v1/sites/``) allow any origin listed for some site.

The origin map is kept in the Django cache, so a cross-origin request costs
one cache get and no query; it is rebuilt after any change of the origins.
"""

from __future__ import annotations

from corsheaders.signals import check_request_enabled
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from cms.api.caching import API_PREFIX, _request_site

ORIGINS_KEY = "lxapi:cors-origins"


def origin_map() -> dict[str, set[str]]:
    """{origin: {division codes of the sites that list it}}."""
    mapping = cache.get(ORIGINS_KEY)
    if mapping is None:
        from .models import SiteCorsOrigin

        mapping = {}
        rows = SiteCorsOrigin.objects.values_list("origin", "site__profile__division_code")
        for origin, code in rows:
            mapping.setdefault(origin, set()).add(code)
        cache.set(ORIGINS_KEY, mapping, None)
    return mapping


def origin_allowed_for_request(sender, request, **kwargs) -> bool:
    """``check_request_enabled`` receiver: is the request's Origin listed for its site?"""
    if not request.path_info.startswith(API_PREFIX):
        return False
    origin = request.headers.get("origin")
    if not origin:
        return False
    codes = origin_map().get(origin)
    if not codes:
        return False
    site = _request_site(request)
    return site is None or site in codes


def _forget_origins(sender, **kwargs):
    cache.delete(ORIGINS_KEY)


def connect_receivers() -> None:
    from .models import SiteCorsOrigin

    check_request_enabled.connect(origin_allowed_for_request, dispatch_uid="lianxi-cors")
    for signal in (post_save, post_delete):
        signal.connect(_forget_origins, sender=SiteCorsOrigin, dispatch_uid="lianxi-cors")
