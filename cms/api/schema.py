"""OpenAPI generation hooks (drf-spectacular), configured in ``SPECTACULAR_SETTINGS``.

The document covers ``/api/v1/`` only (the Wagtail admin's internal API is not
part of the public contract), and every plugin operation documents the
``site`` query parameter it requires.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import SAFE_METHODS

from .conventions import PROBLEM_CONTENT_TYPE, SITE_PARAMETER_OBJECT

API_PREFIX = "/api/v1/"


def only_public_api(endpoints, **kwargs):
    """Preprocessing hook: keep the endpoints under ``/api/v1/``, minus the schema itself."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith(API_PREFIX) and not path.startswith(API_PREFIX + "schema")
    ]


def add_site_parameter(result, generator, request, public):
    """Postprocessing hook: document ``?site=`` on every plugin operation, and the
    problems every site-scoped route may answer (400 site missing, 404 unknown site
    or plugin off), so a plugin's operations document them without writing them."""
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
            responses = operation.setdefault("responses", {})
            for status, text in (("400", "缺少站点或参数有误"), ("404", "站点不存在或未启用")):
                content = responses.setdefault(status, {"description": text}).setdefault(
                    "content", {}
                )
                content.setdefault(PROBLEM_CONTENT_TYPE, {"schema": PROBLEM_SCHEMA})
    return result


PROBLEM_SCHEMA = {"$ref": "#/components/schemas/Problem"}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, naming a list by its items: ``LiaisonStation`` →
    ``LiaisonStationList``, ``DeputyListItem`` → ``DeputyList`` (not ``Paginated…List``)."""

    def get_auth(self):
        """Reads are anonymous where every permission class says so
        (``anonymous_reads = True``: the site-scoped viewsets' write permission)."""
        auths = super().get_auth()
        permissions = self.view.get_permissions()
        if (
            self.method in SAFE_METHODS
            and {} not in auths
            and permissions
            and all(getattr(p, "anonymous_reads", False) for p in permissions)
        ):
            auths.append({})
        return auths

    def get_override_parameters(self):
        """A list's ``params_class`` (``cms.plugins.api.SiteScopedMixin``) documents its query
        parameters by itself: the filters a view validates are the ones its contract lists."""
        parameters = list(super().get_override_parameters())
        params_class = getattr(self.view, "params_class", None)
        if (
            self.method == "GET"
            and getattr(self.view, "action", None) == "list"
            and params_class is not None
            and params_class not in parameters
        ):
            parameters.append(params_class)
        return parameters

    def get_paginated_name(self, serializer_name: str) -> str:
        return serializer_name.removesuffix("Item") + ("" if serializer_name.endswith("ListItem")
                                                        else "List")  # fmt: skip
