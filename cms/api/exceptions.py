"""Every API error as ``application/problem+json`` (RFC 9457).

``problem_exception_handler`` is DRF's ``EXCEPTION_HANDLER``: validation
errors become a 400 problem with ``errors: [{field, code, detail}]``; not
found, permission, throttling, parse and method errors keep their status and
get a stable ``type`` (``urn:lianxi:problem:<code>``) and a Chinese title.
``handler404``/``handler500`` do the same for ``/api/`` paths that never
reached a DRF view.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers

from .problems import problem_response

PROBLEM_TYPE = "urn:lianxi:problem:"


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


def not_found() -> ApiProblem:
    """The one answer for anything the caller may not see: identical to "does not exist"."""
    return ApiProblem(404, "not-found", _("未找到"), _("请求的资源不存在。"))


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
        response = problem_response(
            400,
            _("请求参数有误"),
            _("请按 errors 中的说明更正请求参数。"),
            type_=PROBLEM_TYPE + "invalid-parameters",
            errors=field_errors(exc.detail),
        )
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
        return problem_response(
            404, _("未找到"), _("请求的资源不存在。"), type_=PROBLEM_TYPE + "not-found"
        )
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


# --- OpenAPI description of a problem ------------------------------------------


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
