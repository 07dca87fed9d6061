"""The admin's search screen: the same engine as the API, over the sites the user manages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from .api import hidden_plugin_sites, viewer_audiences
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
                SearchQuery(
                    q=q,
                    site_ids=site_ids,
                    hidden=hidden_plugin_sites(site_ids),
                    audiences=viewer_audiences(request),  # restricted records: their audience's
                    limit=50,
                )
            )
        except EngineUnavailable:
            unavailable = True
    rows = []
    if result is not None:
        names, types = site_names(), type_labels()
        rows = [
            {"hit": hit, "site": names.get(hit.site_code, hit.site_code),
             "type": types.get(hit.type, hit.type)}
            for hit in result.hits
        ]  # fmt: skip
    return TemplateResponse(
        request,
        "search_index/admin_search.html",
        {"q": q, "result": result, "rows": rows, "unavailable": unavailable},
    )


def site_names() -> dict[str, str]:
    from cms.sitegroup.models import SiteProfile

    return dict(SiteProfile.objects.values_list("division_code", "name"))


def type_labels() -> dict[str, str]:
    """Result types in Chinese: page types by their verbose name, plugin records by theirs."""
    from django.apps import apps

    from cms.content.models import LianxiPage

    from .documents import page_type
    from .registry import get_providers

    labels = {
        page_type(model): str(model._meta.verbose_name)
        for model in apps.get_models()
        if issubclass(model, LianxiPage)
    }
    for provider in get_providers():
        labels[provider.kind] = str(provider.verbose_name or provider.model._meta.verbose_name)
    return labels
