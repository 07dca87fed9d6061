"""``/api/v1/auth/``: mini-program logins (SMS code, WeChat), token refresh and logout.

A deputy, a citizen or a handling unit's staff logs in with a one-time SMS
code sent to their mobile number (a new number becomes a citizen's account);
a WeChat mini-program may then log in with ``wx.login()``'s code once the
account has bound WeChat (``POST /api/v1/me/wechat/``). A login answers an
access token (``Authorization: Bearer …``, short-lived) and a refresh token
(single use) for one device; ``cms.services.accounts`` does the work.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.apiaccess.authentication import ApiTokenAuthentication
from cms.services import accounts

from .conventions import NO_STORE, ApiProblem, ProblemSerializer
from .throttling import LoginRateThrottle


def account_problem(exc: accounts.AccountError) -> ApiProblem:
    """An ``AccountError`` as the API's problem document (field message included)."""
    extra = {}
    if exc.field:
        extra["errors"] = [{"field": exc.field, "code": exc.code, "detail": exc.message}]
    problem = ApiProblem(exc.status, exc.code, exc.message, exc.message, **extra)
    if exc.retry_after:
        problem.wait = exc.retry_after
    return problem


class _LoginView(APIView):
    #: No public answer changes (cms.api.caching keeps the site's cached answers).
    affects_public_api = False

    authentication_classes: list = []  # a stale token must not stop a new login
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginRateThrottle]

    def valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def handle_exception(self, exc):
        if isinstance(exc, accounts.AccountError):
            exc = account_problem(exc)
        return super().handle_exception(exc)


class MobileSerializer(serializers.Serializer):
    mobile = serializers.CharField(max_length=20, help_text="中国大陆手机号码")


class DeviceSerializer(serializers.Serializer):
    device_id = serializers.RegexField(
        r"^[A-Za-z0-9._:-]{1,64}$", help_text="客户端生成并保存的设备标识(1–64 位字母、数字、._:-)",
        error_messages={"invalid": "设备标识只能包含 1–64 位字母、数字和 ._:-。"},
    )  # fmt: skip
    device_name = serializers.CharField(max_length=100, required=False, default="",
                                        allow_blank=True, help_text="设备名称,如“iPhone 15”")  # fmt: skip


class SmsLoginSerializer(MobileSerializer, DeviceSerializer):
    code = serializers.RegexField(r"^\d{6}$", help_text="短信验证码(6 位数字)",
                                  error_messages={"invalid": "验证码应为 6 位数字。"})  # fmt: skip


class WeChatLoginSerializer(DeviceSerializer):
    code = serializers.CharField(max_length=128, help_text="小程序 wx.login() 得到的 code")


class RefreshSerializer(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=200)


TokensSerializer = inline_serializer(
    "Tokens",
    {
        "access_token": serializers.CharField(help_text="放在 Authorization: Bearer 头中"),
        "token_type": serializers.CharField(default="Bearer"),
        "expires_in": serializers.IntegerField(help_text="访问令牌有效秒数"),
        "refresh_token": serializers.CharField(help_text="续期令牌,只能使用一次"),
        "refresh_expires_in": serializers.IntegerField(),
        "device": serializers.IntegerField(help_text="设备编号(/api/v1/me/devices/)"),
    },
)
PROBLEMS = {
    (400, "application/problem+json"): OpenApiResponse(ProblemSerializer, description="参数有误"),
    (429, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="请求过于频繁"
    ),
}


def tokens_payload(tokens: accounts.Tokens) -> dict:
    return {
        "access_token": tokens.access_token,
        "token_type": "Bearer",
        "expires_in": tokens.expires_in,
        "refresh_token": tokens.refresh_token,
        "refresh_expires_in": tokens.refresh_expires_in,
        "device": tokens.device_id,
    }


class SmsCodeView(_LoginView):
    """Send a one-time login code to a mobile number."""

    @extend_schema(
        operation_id="auth_sms_code", tags=["auth"], request=MobileSerializer,
        responses={202: inline_serializer("SmsCodeSent", {
            "expires_in": serializers.IntegerField(help_text="验证码有效秒数"),
            "resend_after": serializers.IntegerField(help_text="多少秒后可重新获取"),
        }), **PROBLEMS, (503, "application/problem+json"): OpenApiResponse(ProblemSerializer)},
    )  # fmt: skip
    def post(self, request):
        data = self.valid(MobileSerializer)
        return Response(accounts.send_login_code(data["mobile"]), status=202, headers=NO_STORE)


class SmsLoginView(_LoginView):
    """Log in with the mobile number and its code; a new number opens a citizen's account."""

    @extend_schema(operation_id="auth_sms_login", tags=["auth"], request=SmsLoginSerializer,
                   responses={200: TokensSerializer, **PROBLEMS})  # fmt: skip
    def post(self, request):
        data = self.valid(SmsLoginSerializer)
        user = accounts.login_with_code(data["mobile"], data["code"])
        tokens = accounts.issue_tokens(user, device_id=data["device_id"], name=data["device_name"])
        return Response(tokens_payload(tokens), headers=NO_STORE)


class WeChatLoginView(_LoginView):
    """Log in with ``wx.login()``'s code, for an account that has bound WeChat."""

    @extend_schema(
        operation_id="auth_wechat_login", tags=["auth"], request=WeChatLoginSerializer,
        responses={200: TokensSerializer, **PROBLEMS,
                   (403, "application/problem+json"): OpenApiResponse(
                       ProblemSerializer, description="wechat-not-bound:先用短信验证码登录并绑定微信")},
    )  # fmt: skip
    def post(self, request):
        data = self.valid(WeChatLoginSerializer)
        user = accounts.login_with_wechat(data["code"])
        tokens = accounts.issue_tokens(user, device_id=data["device_id"], name=data["device_name"])
        return Response(tokens_payload(tokens), headers=NO_STORE)


class RefreshView(_LoginView):
    """Exchange the refresh token for a new pair; the old pair stops working."""

    @extend_schema(operation_id="auth_refresh", tags=["auth"], request=RefreshSerializer,
                   responses={200: TokensSerializer, **PROBLEMS,
                              (401, "application/problem+json"): OpenApiResponse(ProblemSerializer)})  # fmt: skip
    def post(self, request):
        data = self.valid(RefreshSerializer)
        return Response(
            tokens_payload(accounts.refresh_tokens(data["refresh_token"])), headers=NO_STORE
        )


class LogoutView(APIView):
    """Log this device out: its access and refresh tokens stop working."""

    #: No public answer changes (cms.api.caching keeps the site's cached answers).
    affects_public_api = False

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="auth_logout", tags=["auth"], request=None,
                   responses={204: None, (401, "application/problem+json"): OpenApiResponse(ProblemSerializer)})  # fmt: skip
    def post(self, request):
        device = getattr(request.auth, "device", None)
        if device is not None:
            accounts.revoke_device(device)
        else:
            request.auth.revoke()  # an admin-issued token used from a script
        return Response(status=204, headers=NO_STORE)
