"""The admin's search screen: the same engine as the API, over the sites the user manages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .api import hidden_plugin_sites
from .backends import EngineUnavailable, SearchQuery, get_engine


def admin_search(request):
    from cms.sitegroup.access import site_access

    site_ids = sorted(site_access(request).site_ids)
    if not site_ids:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    result, unavailable = None, False
    if q:
        try:
            result = get_engine().search(
                SearchQuery(q=q, site_ids=site_ids, hidden=hidden_plugin_sites(site_ids), limit=50)
            )
        except EngineUnavailable:
            unavailable = True
    return TemplateResponse(
        request,
        "search_index/admin_search.html",
        {"q": q, "result": result, "unavailable": unavailable},
    )
