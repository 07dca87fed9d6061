"""The REST API's conventions: what every endpoint, core or plugin, shares.

One module owns each of them; plugins get them through ``cms.plugins.api``.

* **Level vocabulary**: ``Level`` (national, province, municipal, county,
  township) for congresses and sites alike; ``level_field()`` accepts the
  old deputies word ``provincial`` as an alias of ``province`` on input.
* **Problems** (RFC 9457 ``application/problem+json``): ``ApiProblem``,
  ``problem_response``, ``not_found()``, ``unknown_site()``,
  ``site_required()``, the DRF exception handler and the ``Problem`` schema,
  ``problem_responses()`` for ``extend_schema``.
* **The site parameter**: ``SITE_PARAMETER`` (OpenAPI) and ``resolve_site()``,
  the one check of ``?site=`` (missing 400, unknown or not public 404, by the
  rule of ``cms.sitegroup.visibility``).
* **Lists**: ``LimitOffsetParams`` (``limit``/``offset``), ``list_envelope()``
  (``count``, ``next``, ``previous``, ``results``), ``EnvelopePagination`` for
  DRF viewsets and ``envelope_serializer()`` for the OpenAPI document.
* **Images**: ``RENDITIONS``, ``image_payloads()`` and ``ImageSerializer``:
  every image of the API has the same five renditions, WebP included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import models
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# --- level vocabulary ---------------------------------------------------------------


class Level(models.TextChoices):
    """Congress levels (五级), the words of every API field or parameter named ``level``."""

    NATIONAL = "national", gettext_lazy("全国")
    PROVINCE = "province", gettext_lazy("省级")
    MUNICIPAL = "municipal", gettext_lazy("设区的市级")
    COUNTY = "county", gettext_lazy("县级")
    TOWNSHIP = "township", gettext_lazy("乡镇级")


#: Levels from the top, for ordering.
LEVEL_ORDER = [level.value for level in Level]
#: Old words still accepted on input (the deputies API said ``provincial`` before v1.1).
LEVEL_ALIASES = {"provincial": Level.PROVINCE.value}
#: The levels a site of the group (or a township column) can have.
SITE_LEVELS = [Level.PROVINCE, Level.MUNICIPAL, Level.COUNTY, Level.TOWNSHIP]
#: Choice sets as the OpenAPI document names them (``ENUM_NAME_OVERRIDES``).
LEVEL_CHOICES = Level.choices
SITE_LEVEL_CHOICES = [(level.value, level.value) for level in SITE_LEVELS]


class LevelField(serializers.ChoiceField):
    """A ``level`` parameter: one of ``choices``, or an alias of one (``provincial``)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = LEVEL_ALIASES.get(data.strip(), data.strip())
        return super().to_internal_value(data)


def level_field(site_levels: bool = False, **kwargs) -> LevelField:
    choices = SITE_LEVEL_CHOICES if site_levels else LEVEL_CHOICES
    return LevelField(choices=choices, **kwargs)


# --- problems -----------------------------------------------------------------------

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE = "urn:lianxi:problem:"


def problem_response(status: int, title: str, detail: str = "", type_: str = "about:blank",
                     **extra) -> HttpResponse:  # fmt: skip
    """A problem document; ``extra`` members (e.g. ``site``) are added as they are."""
    body = {"type": type_, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),  # compact, as DRF renders
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )


class ApiProblem(exceptions.APIException):
    """Raised by API views for a problem with a chosen status, code, title and detail."""

    def __init__(self, status: int, code: str, title: str, detail: str = "", **extra):
        self.status_code = status
        self.problem_code = code
        self.title = title
        self.extra = extra
        super().__init__(detail=detail or title, code=code)

    def as_response(self):
        """The problem document, for code outside DRF views (URL wrappers, middleware)."""
        return problem_response(
            self.status_code, self.title, str(self.detail),
            type_=PROBLEM_TYPE + self.problem_code, **self.extra,
        )  # fmt: skip


#: Headers of an answer about one's own account or submissions: never kept by any cache.
NO_STORE = {"Cache-Control": "private, no-store"}


def not_found() -> ApiProblem:
    """The one answer for anything the caller may not see: identical to "does not exist"."""
    return ApiProblem(404, "not-found", _("未找到"), _("请求的资源不存在。"))


def unknown_site(code: str) -> ApiProblem:
    return ApiProblem(
        404,
        "unknown-site",
        _("站点不存在"),
        _("没有行政区划代码为 %(code)s 的站点。") % {"code": code},
        site=code,
    )


def site_required() -> ApiProblem:
    return ApiProblem(
        400,
        "site-required",
        _("缺少站点参数"),
        _("请用 site 参数指明站点的行政区划代码,如 ?site=340123。"),
    )


def plugin_off(code: str) -> ApiProblem:
    """A plugin switched off for the site: indistinguishable from a route that does not exist."""
    return ApiProblem(404, "not-found", _("未找到"), _("该站点未启用此功能。"), site=code)


def invalid_parameters(errors) -> HttpResponse:
    """The 400 problem of a validation error, for code outside DRF's exception handler."""
    return problem_response(
        400,
        _("请求参数有误"),
        _("请按 errors 中的说明更正请求参数。"),
        type_=PROBLEM_TYPE + "invalid-parameters",
        errors=field_errors(errors),
    )


_TITLES = {
    exceptions.NotFound: ("not-found", "未找到"),
    exceptions.PermissionDenied: ("permission-denied", "没有权限"),
    exceptions.NotAuthenticated: ("not-authenticated", "需要登录"),
    exceptions.AuthenticationFailed: ("authentication-failed", "身份验证失败"),
    exceptions.Throttled: ("throttled", "请求过于频繁"),
    exceptions.ParseError: ("parse-error", "请求格式错误"),
    exceptions.MethodNotAllowed: ("method-not-allowed", "不支持的请求方法"),
    exceptions.NotAcceptable: ("not-acceptable", "无法提供所要求的格式"),
    exceptions.UnsupportedMediaType: ("unsupported-media-type", "不支持的内容类型"),
}


def field_errors(detail, prefix: str = "") -> list[dict]:
    """Flatten DRF's nested ``ValidationError.detail`` into ``[{field, code, detail}]``."""
    result = []
    if isinstance(detail, dict):
        for name, value in detail.items():
            field = name if name != "non_field_errors" else ""
            result += field_errors(
                value, f"{prefix}.{field}" if prefix and field else prefix or field
            )
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                result += field_errors(value, f"{prefix}[{index}]")
            else:
                result += field_errors(value, prefix)
    else:
        code = getattr(detail, "code", "invalid") or "invalid"
        result.append({"field": prefix, "code": str(code), "detail": str(detail)})
    return result


def problem_exception_handler(exc, context):
    """DRF ``EXCEPTION_HANDLER``: any exception DRF knows → a problem document."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: handler500 answers

    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, ApiProblem):
        response = exc.as_response()
    elif isinstance(exc, exceptions.ValidationError):
        response = invalid_parameters(exc.detail)
    else:
        code, title = next(
            ((c, t) for cls, (c, t) in _TITLES.items() if isinstance(exc, cls)),
            (str(exc.default_code).replace("_", "-"), "请求无法完成"),
        )
        detail = exc.detail if isinstance(exc.detail, str) else ""
        response = problem_response(
            exc.status_code, _(title), str(detail or ""), type_=PROBLEM_TYPE + code
        )
    for name, value in headers.items():
        response[name] = value
    return response


def handler404(request, exception=None):
    """Project ``handler404``: a problem under ``/api/``, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return not_found().as_response()
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def handler500(request):
    """Project ``handler500``: a problem under ``/api/``, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_response(
            500, _("服务器错误"), _("服务器内部错误,请稍后再试。"),
            type_=PROBLEM_TYPE + "server-error",
        )  # fmt: skip
    from django.views.defaults import server_error

    return server_error(request)


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="出错的参数或字段名;整体错误为空串")
    code = serializers.CharField(help_text="机器可读的错误代码,如 invalid、max_value、unknown")
    detail = serializers.CharField(help_text="中文说明")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem document."""

    type = serializers.CharField(help_text="urn:lianxi:problem:<code>,稳定的机器可读代码")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(required=False)
    site = serializers.CharField(required=False, help_text="所请求的站点代码")
    errors = FieldErrorSerializer(many=True, required=False)


def problem_responses(bad_request: str = "缺少站点或参数有误", not_found: str = "站点不存在",
                      **more: str) -> dict:  # fmt: skip
    """``responses`` entries of the problems an operation answers, for ``extend_schema``:
    400 and 404 always, others by status (``problem_responses(**{"429": "请求过于频繁"})``)."""
    described = {400: bad_request, 404: not_found, **{int(k): v for k, v in more.items()}}
    return {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=text)
        for status, text in described.items()
    }


# --- the site parameter -----------------------------------------------------------------

SITE_PATTERN = r"^[1-9]\d{5}(\d{3})?$"
SITE_DESCRIPTION = "站点的行政区划代码(6位;乡镇为9位,只含该乡镇栏目下的内容),如 340123。"
SITE_PARAMETER = OpenApiParameter(
    "site", str, OpenApiParameter.QUERY, required=True, pattern=SITE_PATTERN,
    description=SITE_DESCRIPTION,
)  # fmt: skip
#: The same parameter as a plain OpenAPI object (for schema post-processing hooks).
SITE_PARAMETER_OBJECT = {
    "name": "site",
    "in": "query",
    "required": True,
    "description": SITE_DESCRIPTION,
    "schema": {"type": "string", "pattern": SITE_PATTERN},
}


def resolve_site(code: str | None, visibility=None):
    """``?site=<code>`` as a ``cms.sitegroup.tree.Place`` the public may see, or an
    ``ApiProblem``: 400 when missing, 404 ``unknown-site`` when unknown, a draft or
    not-public township column, or a site whose home page is not public."""
    from cms.sitegroup.tree import UnknownDivisionCode
    from cms.sitegroup.visibility import public_place

    code = (code or "").strip()
    if not code:
        raise site_required()
    try:
        return public_place(code, visibility)
    except UnknownDivisionCode:
        raise unknown_site(code) from None


# --- lists ------------------------------------------------------------------------------

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class LimitOffsetParams(serializers.Serializer):
    """``limit`` and ``offset`` of every list (subclass it for a list's own parameters)."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    limit = serializers.IntegerField(
        required=False, min_value=1, help_text=f"每页条数,默认 {DEFAULT_LIMIT},最多 {MAX_LIMIT}"
    )
    offset = serializers.IntegerField(required=False, default=0, min_value=0)

    def validate_limit(self, value):
        if value > self.max_limit:
            raise serializers.ValidationError(
                _("每页最多 %(max)s 条。") % {"max": self.max_limit}, code="max_value"
            )
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("limit") is None:
            attrs["limit"] = self.default_limit
        return attrs


def list_envelope(request, offset: int, limit: int, count: int, results: list) -> dict:
    """The API's limit/offset list: ``count``, ``next``, ``previous`` (links with the
    request's other parameters kept) and ``results``."""
    url = request.build_absolute_uri()
    next_url = (
        replace_query_param(url, "offset", offset + limit) if offset + limit < count else None
    )
    previous_url = None
    if offset > 0:
        previous_url = (
            remove_query_param(url, "offset")
            if offset - limit <= 0
            else replace_query_param(url, "offset", offset - limit)
        )
    return {"count": count, "next": next_url, "previous": previous_url, "results": results}


class EnvelopePagination(pagination.LimitOffsetPagination):
    """DRF pagination with the API's parameters and envelope (the site-scoped viewsets' lists)."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def paginate_queryset(self, queryset, request, view=None):
        params = getattr(view, "params", None)
        if not params or "limit" not in params:  # the view's parameters are not a list's
            checked = LimitOffsetParams(data=request.query_params)
            checked.is_valid(raise_exception=True)
            params = checked.validated_data
        self.limit, self.offset = params["limit"], params["offset"]
        self.count = self.get_count(queryset)
        self.request = request
        if self.offset >= self.count:
            return []
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data):
        return Response(list_envelope(self.request, self.offset, self.limit, self.count, data))

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "符合条件的总数"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


class WholeListPagination(pagination.BasePagination):
    """A list short enough to give whole (a site's congresses, its stations, a tree):
    ``{"count", "results"}``, no ``limit``/``offset``."""

    def paginate_queryset(self, queryset, request, view=None):
        return list(queryset)

    def get_paginated_response(self, data):
        return Response({"count": len(data), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {"count": {"type": "integer"}, "results": schema},
        }


def envelope_serializer(name: str, item: serializers.Serializer) -> type[serializers.Serializer]:
    """The OpenAPI shape of a list of ``item`` (component ``name``)."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text="符合条件的总数"),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item,
            "__module__": item.__class__.__module__,
        },
    )


# --- images -------------------------------------------------------------------------------

#: Named image sizes every image payload carries (Wagtail filter specs).
RENDITIONS: dict[str, str] = {
    "thumbnail": "max-320x320",
    "medium": "max-800x800",
    "large": "max-1600x1600",
    "thumbnail_webp": "max-320x320|format-webp",
    "medium_webp": "max-800x800|format-webp",
}


def prefetched_renditions(image, specs) -> list | None:
    """The renditions of ``specs`` (in order) from the image's prefetched renditions,
    or ``None`` when one is missing (not prefetched, not made yet, or an SVG).

    Wagtail's ``get_renditions`` answers the same from the prefetch, but parses
    every filter spec again for every image (a fifth of a listing's time). The
    API's specs (``max-*``, ``format-*``) do not vary with the focal point, so a
    made rendition is the one with the spec and an empty focal point key."""
    prefetched = getattr(image, "prefetched_renditions", None)
    if prefetched is None:
        return None
    by_spec = {r.filter_spec: r for r in prefetched if not r.focal_point_key}
    found = [by_spec.get(spec) for spec in specs]
    return None if None in found else found


@dataclass(frozen=True)
class ImageData:
    """What the API shows of an image: alt text, size and its renditions
    ``(name, url as the storage gives it, width, height)``, in ``RENDITIONS`` order."""

    alt: str
    width: int
    height: int
    renditions: tuple[tuple[str, str, int, int], ...]

    @classmethod
    def of(cls, image) -> ImageData:
        """From an image (prefetch its renditions; missing ones are made here)."""
        renditions = prefetched_renditions(image, RENDITIONS.values())
        if renditions is None:
            # In input order; keys can differ from the specs (SVGs drop format-webp).
            renditions = image.get_renditions(*RENDITIONS.values()).values()
        return cls(
            alt=image.default_alt_text, width=image.width, height=image.height,
            renditions=tuple((name, r.url, r.width, r.height)
                             for name, r in zip(RENDITIONS, renditions, strict=True)),
        )  # fmt: skip


#: Images' ``ImageData`` kept by this process until the API cache's generation changes
#: (``cms.api.caching.tree_generation``: every image or document saved or deleted, and
#: every page change, bumps it); at most ``IMAGES_KEPT``.
_kept: dict = {"token": None, "images": {}}
IMAGES_KEPT = 10_000


def load_images(ids) -> dict[int, ImageData]:
    """Image id → ``ImageData``: from this process's memory, or two queries (the images
    with their renditions) for those it does not hold."""
    from wagtail.images import get_image_model

    from .caching import tree_generation

    ids = {int(pk) for pk in ids if pk}
    if not ids:
        return {}
    try:
        token = tree_generation()
    except Exception:  # noqa: BLE001 - a cache that fails: nothing is kept
        token = None
    kept = _kept["images"] if token is not None and token == _kept["token"] else {}
    missing = ids - kept.keys()
    if missing:
        images = get_image_model().objects.filter(pk__in=missing)
        fetched = {img.pk: ImageData.of(img) for img in images.prefetch_renditions(
            *RENDITIONS.values())}  # fmt: skip
        if token is not None:
            if token != _kept["token"] or len(kept) + len(fetched) > IMAGES_KEPT:
                kept = {}
            kept = {**kept, **fetched}
            _kept.update(token=token, images=kept)
        else:
            kept = {**kept, **fetched}
    return {pk: kept[pk] for pk in ids if pk in kept}


def image_payload(image, absolute) -> dict:
    """An image (or its ``ImageData``) as the API gives it: alt text, size and the named
    renditions (``absolute`` makes a rendition URL absolute). Prefetch the renditions."""
    data = image if isinstance(image, ImageData) else ImageData.of(image)
    return {
        "alt": data.alt,
        "width": data.width,
        "height": data.height,
        "renditions": {
            name: {"url": absolute(url), "width": width, "height": height}
            for name, url, width, height in data.renditions
        },
    }


#: The one rendition of a list's ``thumbnail`` field (``fields=…,thumbnail``).
THUMBNAIL = "thumbnail"


def thumbnail_payload(image, absolute) -> dict:
    """An image (or its ``ImageData``) as one small rendition (a list's ``thumbnail``):
    the URL, size and alt text of its ``thumbnail`` rendition, for lists that show no
    larger picture."""
    data = image if isinstance(image, ImageData) else ImageData.of(image)
    _name, url, width, height = next(r for r in data.renditions if r[0] == THUMBNAIL)
    return {"url": absolute(url), "width": width, "height": height, "alt": data.alt}


def image_payloads(request, image_ids) -> dict[int, dict]:
    """Image id → payload, for a page of rows: at most two queries for any number of images
    (none for images this process has shown since the last change: ``load_images``)."""

    def absolute(url: str) -> str:
        return url if "://" in url else request.build_absolute_uri(url)

    return {pk: image_payload(data, absolute) for pk, data in load_images(image_ids).items()}


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


RenditionsSerializer = type(
    "RenditionsSerializer",
    (serializers.Serializer,),
    {name: RenditionSerializer(help_text=spec) for name, spec in RENDITIONS.items()},
)


class ThumbnailSerializer(serializers.Serializer):
    """An image as one small rendition (``thumbnail_payload``): a list's ``thumbnail``."""

    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField(allow_blank=True)


class ImageSerializer(serializers.Serializer):
    """An image: never a bare id, always the five sized renditions (JPEG/PNG and WebP)."""

    alt = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    renditions = RenditionsSerializer()
