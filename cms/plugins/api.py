"""A plugin's REST API: mounted under ``/api/v1/<label>/``, scoped to one site.

Every view a plugin lists in its ``api`` module is wrapped so that, before
the view runs, the request's ``?site=<division code>`` is resolved:

* missing ``site`` → 400; unknown code → 404; plugin switched off for that
  site → 404 (all ``application/problem+json``);
* otherwise ``request.site_profile`` (a ``SiteProfile``) and ``request.place``
  (``cms.sitegroup.tree.Place``, with ``township`` for a nine-digit code) are
  set, and DRF views see them on their ``request`` too.

Payloads as the core API gives them: ``image_payloads(request, ids)`` (image
id → alt, size, named renditions; two queries for a page of rows) and
``list_envelope(request, offset, limit, count, results)`` (the limit/offset
list with ``next``/``previous`` links).

A site's public pages as ``/api/v1/pages/`` sees them: ``page_scope(code)``
(``cms.api.scope.Scope``; the same visibility rule, no second copy):
``scope.pages(["regulation"])`` is the queryset of the pages of those types the
public may see on that site (or township column), ``scope.page_ref(row,
page_types())`` a row's ``id``, ``type``, ``title``, ``slug``, ``path``, ``url``
and ``api_url``.

Views then use :class:`SiteScopedMixin` (or the two viewsets below) so their
querysets hold only that site's rows::

    class ThingViewSet(SiteScopedReadOnlyViewSet):
        queryset = Thing.objects.order_by("pk")
        serializer_class = ThingSerializer
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import URLPattern, URLResolver, include, path
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.response import Response

from cms.api.conventions import (
    LEVEL_ORDER,
    SITE_PARAMETER,
    ApiProblem,
    EnvelopePagination,
    ImageSerializer,
    Level,
    LimitOffsetParams,
    WholeListPagination,
    envelope_serializer,
    image_payloads,
    level_field,
    list_envelope,
    not_found,
    plugin_off,
    problem_responses,
    resolve_site,
)
from cms.api.idempotency import IdempotentMixin
from cms.api.scope import resolve_scope as page_scope
from cms.api.scope import type_for_content_type_id as page_types
from cms.api.submissions import (
    AttachmentsField,
    OwnSubmissionsPermission,
    SubmissionMixin,
    status_of,
)
from cms.sitegroup.access import site_access

from .registry import get_plugins, is_enabled

__all__ = [
    "LEVEL_ORDER",
    "SITE_PARAMETER",
    "ApiProblem",
    "AttachmentsField",
    "EnvelopePagination",
    "IdempotentMixin",
    "ImageSerializer",
    "Level",
    "LimitOffsetParams",
    "OwnSubmissionsPermission",
    "PublicReadPermission",
    "SiteScopedMixin",
    "SiteScopedModelViewSet",
    "SiteScopedReadOnlyViewSet",
    "SiteStaffWritePermission",
    "SubmissionViewSet",
    "WholeListPagination",
    "envelope_serializer",
    "image_payloads",
    "level_field",
    "list_envelope",
    "not_found",
    "page_scope",
    "page_types",
    "plugin_urlpatterns",
    "problem_responses",
    "site_scoped",
    "status_of",
]


def site_scoped(view, label: str):
    """Wrap one view: resolve ``?site=`` and refuse sites that have plugin ``label`` off."""

    @functools.wraps(view)  # keeps .cls/.initkwargs, which drf-spectacular reads
    def wrapped(request, *args, **kwargs):
        code = request.GET.get("site", "").strip()
        try:
            place = resolve_site(code)
            if not is_enabled(label, place.profile.site_id):
                raise plugin_off(code)
        except ApiProblem as problem:
            return problem.as_response()
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


class PublicReadPermission(permissions.AllowAny):
    """Anyone reads: a public, read-only route (published items, public statistics),
    documented as anonymous in the OpenAPI document (``cms.api.schema.AutoSchema``)."""

    anonymous_reads = True


class SiteStaffWritePermission(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model permission and the right to manage the site."""

    #: Read operations are documented as anonymous (``cms.api.schema.AutoSchema``).
    anonymous_reads = True

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        profile = getattr(request, "site_profile", None)
        return profile is not None and site_access(request).can_manage(profile.site_id)


class SiteScopedMixin:
    """For plugin API views: the site of ``?site=``, its rows, and the API's conventions.

    * ``get_queryset()`` holds only the site's rows (``site_field``; set it to
      ``None`` when the view scopes its rows itself, e.g. through a related model);
    * ``params_class``: a serializer of the query parameters, validated once into
      ``self.params`` (a bad value is the API's 400 problem); a list's parameters
      subclass ``LimitOffsetParams``, whose ``limit``/``offset`` the pagination reads;
    * lists are paginated with the API's envelope (``EnvelopePagination``:
      ``count``, ``next``, ``previous``, ``results``); ``WholeListPagination``
      gives a short list whole, as ``{"count", "results"}``; list operations
      document their item serializer, the pagination wraps it;
    * ``payloads(rows)`` builds a page of rows and ``payload(obj)`` one object;
      both default to ``serializer_class``; override them to build payloads in
      bulk (a constant number of queries for any page size);
    * an object the site does not show is the API's one 404 (``not_found()``).
    """

    #: Name of the FK to ``wagtailcore.Site`` on the view's model (``None``: the view scopes).
    site_field: str | None = "site"
    #: Query parameters of the view's operations (``None``: none beyond ``site``).
    params_class: type[serializers.Serializer] | None = None
    pagination_class = EnvelopePagination

    @property
    def site_profile(self):
        return self.request.site_profile

    @property
    def place(self):
        """``cms.sitegroup.tree.Place``: the site, and for a township code its column."""
        return self.request.place

    @functools.cached_property
    def params(self) -> dict:
        """The validated query parameters of ``params_class`` (for lists, or any action
        that reads ``self.params``)."""
        if self.params_class is None:
            return {}
        params = self.params_class(data=self.request.query_params, context={"view": self})
        params.is_valid(raise_exception=True)
        return params.validated_data

    def get_queryset(self):
        qs = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular introspecting
            return qs.none()
        if self.site_field is None:
            return qs
        return qs.filter(**{f"{self.site_field}_id": self.site_profile.site_id})

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise not_found() from None

    def payloads(self, rows: list) -> list:
        return self.get_serializer(rows, many=True).data

    def payload(self, obj) -> dict:
        return self.get_serializer(obj).data

    def list(self, request, *args, **kwargs):
        self.params  # noqa: B018  (a bad parameter answers 400 before any query)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            results = self.payloads(list(queryset))
            return Response({"count": len(results), "results": results})
        return self.get_paginated_response(self.payloads(page))

    def retrieve(self, request, *args, **kwargs):
        return Response(self.payload(self.get_object()))

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


class SiteScopedModelViewSet(IdempotentMixin, SiteScopedMixin, viewsets.ModelViewSet):
    """Read for anyone; create, change and delete for the site's staff with model permissions.

    A retried POST with the same ``Idempotency-Key`` answers the first response
    (``cms.api.idempotency``)."""

    permission_classes = [SiteStaffWritePermission]


class SubmissionViewSet(
    SubmissionMixin,
    SiteScopedMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What users submit to one site (a suggestion, a message, a comment): a logged-in
    account posts one and lists or reads back its own, never anyone else's.

    A POST is throttled (per account, per mobile number), idempotent
    (``Idempotency-Key``), and screened: a listed word holds the record for the
    site's moderation queue (``moderation_status`` ``pending``), never published
    and never dropped (``cms.services.moderation``). Attachments are upload ids
    (:class:`AttachmentsField`). The model subclasses ``cms.plugins.db.Moderated``
    and ``SiteOwnedModel`` with an ``author`` foreign key; see the scaffold's
    ``Submission`` and docs/plugins.md, "Writes"."""
