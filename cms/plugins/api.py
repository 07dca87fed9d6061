"""A plugin's REST API: mounted under ``/api/v1/<label>/``, scoped to one site.

Every view a plugin lists in its ``api`` module is wrapped so that, before
the view runs, the request's ``?site=<division code>`` is resolved:

* missing ``site`` → 400; unknown code → 404; plugin switched off for that
  site → 404 (all ``application/problem+json``);
* otherwise ``request.site_profile`` (a ``SiteProfile``) and ``request.place``
  (``cms.sitegroup.lookup.Place``, with ``township`` for a nine-digit code) are
  set, and DRF views see them on their ``request`` too.

Payloads as the core API gives them: ``image_payloads(request, ids)`` (image
id → alt, size, named renditions; two queries for a page of rows) and
``list_envelope(request, offset, limit, count, results)`` (the limit/offset
list with ``next``/``previous`` links).

Views then use :class:`SiteScopedMixin` (or the two viewsets below) so their
querysets hold only that site's rows::

    class ThingViewSet(SiteScopedReadOnlyViewSet):
        queryset = Thing.objects.order_by("pk")
        serializer_class = ThingSerializer
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, viewsets

from cms.api.exceptions import ApiProblem
from cms.api.payloads import image_payloads, list_envelope
from cms.api.problems import problem_response
from cms.api.scope import resolve_site_param
from cms.sitegroup.access import site_access

from .registry import get_plugins, is_enabled

__all__ = [
    "SiteScopedMixin",
    "SiteScopedModelViewSet",
    "SiteScopedReadOnlyViewSet",
    "SiteStaffWritePermission",
    "image_payloads",
    "list_envelope",
    "plugin_urlpatterns",
    "site_scoped",
]


def site_scoped(view, label: str):
    """Wrap one view: resolve ``?site=`` and refuse sites that have plugin ``label`` off."""

    @functools.wraps(view)  # keeps .cls/.initkwargs, which drf-spectacular reads
    def wrapped(request, *args, **kwargs):
        code = request.GET.get("site", "").strip()
        try:
            place = resolve_site_param(code)
        except ApiProblem as problem:
            return problem.as_response()
        if not is_enabled(label, place.profile.site_id):
            # Indistinguishable from a route that does not exist on this site.
            return problem_response(
                404,
                _("未找到"),
                _("该站点未启用此功能。"),
                type_="urn:lianxi:problem:not-found",
                site=code,
            )
        request.site_profile = place.profile
        request.place = place
        request.plugin_label = label
        return view(request, *args, **kwargs)

    return wrapped


def _wrap(patterns, label: str) -> list:
    wrapped = []
    for entry in patterns:
        if isinstance(entry, URLPattern):
            wrapped.append(
                URLPattern(
                    entry.pattern,
                    site_scoped(entry.callback, label),
                    entry.default_args,
                    entry.name,
                )
            )
        elif isinstance(entry, URLResolver):
            wrapped.append(
                URLResolver(
                    entry.pattern,
                    _wrap(entry.url_patterns, label),
                    entry.default_kwargs,
                    entry.app_name,
                    entry.namespace,
                )
            )
        else:
            wrapped.append(entry)
    return wrapped


def plugin_urlpatterns() -> list:
    """``<label>/`` → the plugin's ``urlpatterns``, site-scoped, namespace ``<label>``."""
    mounted = []
    for plugin in get_plugins():
        module = plugin.contribution(plugin.api_urls)
        if module is None:
            continue
        patterns = _wrap(getattr(module, "urlpatterns", []), plugin.label)
        mounted.append(
            path(f"{plugin.label}/", include((patterns, plugin.label), namespace=plugin.label))
        )
    return mounted


# --- views -------------------------------------------------------------------


class SiteStaffWritePermission(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model permission and the right to manage the site."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        profile = getattr(request, "site_profile", None)
        return profile is not None and site_access(request).can_manage(profile.site_id)


class SiteScopedMixin:
    """For plugin API views: ``self.site_profile`` and a queryset of that site's rows."""

    #: Name of the FK to ``wagtailcore.Site`` on the view's model.
    site_field = "site"

    @property
    def site_profile(self):
        return self.request.site_profile

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular introspecting
            return qs.none()
        return qs.filter(**{f"{self.site_field}_id": self.site_profile.site_id})

    def perform_create(self, serializer):
        with _model_errors_as_400():
            serializer.save(**{f"{self.site_field}_id": self.site_profile.site_id})

    def perform_update(self, serializer):
        with _model_errors_as_400():
            serializer.save()


class _model_errors_as_400:
    """A model's own refusal on save (``public_text_fields`` hitting the site's word
    lists, see ``cms.plugins.db``) answers 400 with field errors, like a serializer's."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, DjangoValidationError):
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise serializers.ValidationError(detail) from exc
        return False


class SiteScopedReadOnlyViewSet(SiteScopedMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of one site's rows, for anyone."""


class SiteScopedModelViewSet(SiteScopedMixin, viewsets.ModelViewSet):
    """Read for anyone; create, change and delete for the site's staff with model permissions."""

    permission_classes = [SiteStaffWritePermission]
