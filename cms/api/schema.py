"""OpenAPI generation hooks (drf-spectacular), configured in ``SPECTACULAR_SETTINGS``.

The document covers ``/api/v1/`` only (the Wagtail admin's internal API is not
part of the public contract), and every plugin operation documents the
``site`` query parameter it requires.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from .conventions import SITE_PARAMETER_OBJECT

API_PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    """Preprocessing hook: keep the endpoints under ``/api/v1/``, minus the schema itself."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith(API_PREFIX) and not path.startswith(API_PREFIX + "schema")
    ]


def add_site_parameter(result, generator, request, public):
    """Postprocessing hook: document ``?site=`` on every plugin operation."""
    from cms.plugins.registry import get_plugins

    prefixes = tuple(f"{API_PREFIX}{p.label}/" for p in get_plugins())
    for path, operations in result.get("paths", {}).items():
        if not path.startswith(prefixes):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            params = operation.setdefault("parameters", [])
            if not any(p.get("name") == "site" and p.get("in") == "query" for p in params):
                params.insert(0, dict(SITE_PARAMETER_OBJECT))
    return result


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, naming a list by its items: ``LiaisonStation`` →
    ``LiaisonStationList``, ``DeputyListItem`` → ``DeputyList`` (not ``Paginated…List``)."""

    def get_paginated_name(self, serializer_name: str) -> str:
        return serializer_name.removesuffix("Item") + ("" if serializer_name.endswith("ListItem")
                                                        else "List")  # fmt: skip
