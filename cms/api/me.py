"""``/api/v1/me/``: the account behind the request's token (or session).

Who I am, my roles (staff, deputy, handling unit, citizen), the sites I
manage, my seats as a deputy, my handling units and my unread notifications;
my inbox (``notifications/``), my logged-in devices (``devices/``), binding
WeChat (``wechat/``) and deleting my personal data (``DELETE``, citizens).
Every answer is ``private, no-store``.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.services import accounts, directory, notifications, sms
from cms.sitegroup.models import SiteProfile

from .auth import NO_STORE, account_problem
from .conventions import ApiProblem, LimitOffsetParams, ProblemSerializer, list_envelope
from .throttling import UserWriteRateThrottle

UNAUTHENTICATED = {
    (401, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="未提供或无效的令牌"
    )
}
INVALID = {
    (400, "application/problem+json"): OpenApiResponse(
        ProblemSerializer, description="参数有误(见 errors)"
    )
}


class _MeView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    #: Managing one's own account (reading notifications, logging a device out,
    #: erasing one's data) is never held back by the daily per-mobile write
    #: allowance that submissions spend; the per-account throttle still applies.
    throttle_classes = [UserWriteRateThrottle]

    def handle_exception(self, exc):
        if isinstance(exc, accounts.AccountError):
            exc = account_problem(exc)
        return super().handle_exception(exc)


NOTIFICATION_FIELDS = {
    "id": serializers.IntegerField(),
    "kind": serializers.CharField(),
    "subject": serializers.CharField(),
    "body": serializers.CharField(),
    "url": serializers.CharField(),
    "site": serializers.CharField(allow_null=True, help_text="站点代码"),
    "created_at": serializers.DateTimeField(),
    "read": serializers.BooleanField(),
}
DEVICE_FIELDS = {
    "id": serializers.IntegerField(),
    "device_id": serializers.CharField(),
    "name": serializers.CharField(),
    "created_at": serializers.DateTimeField(),
    "last_used_at": serializers.DateTimeField(allow_null=True),
    "current": serializers.BooleanField(help_text="发出本请求的设备"),
}


class MeView(_MeView):
    """The authenticated account; ``401`` problem when the request carries no valid credentials."""

    @extend_schema(
        operation_id="me",
        responses={
            200: inline_serializer(
                "Me",
                {
                    "username": serializers.CharField(),
                    "name": serializers.CharField(),
                    "is_staff": serializers.BooleanField(),
                    "roles": serializers.ListField(
                        child=serializers.ChoiceField(["staff", "deputy", "handling_unit", "citizen"])
                    ),
                    "sites": inline_serializer("MeSite", {"code": serializers.CharField(),
                                                          "name": serializers.CharField(),
                                                          "level": serializers.CharField()}, many=True),
                    "seats": inline_serializer("MeSeat", {
                        "site": serializers.CharField(help_text="代表所在人大的站点代码"),
                        "level": serializers.CharField(),
                        "congress": serializers.CharField(),
                        "current": serializers.BooleanField(),
                    }, many=True),
                    "handling_units": inline_serializer("MeUnit", {
                        "id": serializers.IntegerField(), "name": serializers.CharField(),
                        "site": serializers.CharField(),
                    }, many=True),
                    "mobile": serializers.CharField(help_text="已验证的手机号(打码),没有则为空"),
                    "wechat_bound": serializers.BooleanField(),
                    "unread_notifications": serializers.IntegerField(),
                },
            ),
            **UNAUTHENTICATED,
        },
    )  # fmt: skip
    def get(self, request):
        from cms.accounts.models import HandlingUnit

        user = request.user
        account = getattr(user, "account", None)
        sites = SiteProfile.objects.for_user(user).order_by("division_code")
        units = HandlingUnit.objects.filter(pk__in=accounts.units_of(user)).select_related(
            "site__profile"
        )
        mobile = account.mobile if account is not None and account.mobile_verified_at else ""
        name = (
            (account.display_name if account else "") or user.get_full_name() or user.get_username()
        )
        return Response(
            {
                "username": user.get_username(),
                "name": name,
                "is_staff": user.is_staff,
                "roles": accounts.roles_of(user),
                "sites": [
                    {"code": p.division_code, "name": p.name, "level": p.level} for p in sites
                ],
                "seats": [
                    {
                        "site": s.division_code,
                        "level": s.level,
                        "congress": s.congress,
                        "current": s.current,
                    }
                    for s in directory.seats_of(user)
                ],
                "handling_units": [
                    {"id": u.pk, "name": u.name, "site": u.site.profile.division_code}
                    for u in units
                ],
                "mobile": sms.mask_mobile(mobile) if mobile else "",
                "wechat_bound": bool(account and account.wechat_openid_digest),
                "unread_notifications": notifications.unread_count(user),
            },
            headers=NO_STORE,
        )

    @extend_schema(
        operation_id="me_erase",
        responses={204: None, **UNAUTHENTICATED,
                   (409, "application/problem+json"): OpenApiResponse(
                       ProblemSerializer, description="代表、工作人员、承办单位的账号由办公室注销")},
    )  # fmt: skip
    def delete(self, request):
        """Delete my personal data and close my account (citizens)."""
        accounts.erase_account(request.user)
        return Response(status=204, headers=NO_STORE)


class NotificationParams(LimitOffsetParams):
    unread = serializers.BooleanField(required=False, default=False, help_text="只列未读")


class NotificationListView(_MeView):
    """My inbox, newest first."""

    @extend_schema(
        operation_id="me_notifications",
        parameters=[NotificationParams],
        responses={200: inline_serializer("NotificationList", {
            "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True), "unread": serializers.IntegerField(),
            "results": inline_serializer("Notification", NOTIFICATION_FIELDS, many=True)}),
            **INVALID, **UNAUTHENTICATED},
    )  # fmt: skip
    def get(self, request):
        params = NotificationParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        rows = notifications.inbox(request.user, unread_only=p["unread"]).select_related(
            "site__profile"
        )
        count = rows.count()
        page = rows[p["offset"] : p["offset"] + p["limit"]]
        results = [
            {
                "id": n.pk,
                "kind": n.kind,
                "subject": n.subject,
                "body": n.body,
                "url": n.url,
                "site": getattr(getattr(n.site, "profile", None), "division_code", None),
                "created_at": n.created_at.isoformat(),
                "read": n.read_at is not None,
            }
            for n in page
        ]
        body = list_envelope(request, p["offset"], p["limit"], count, results)
        body["unread"] = notifications.unread_count(request.user)
        return Response(body, headers=NO_STORE)


class MarkReadSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False,
                                max_length=500, help_text="要标为已读的通知编号")  # fmt: skip
    all = serializers.BooleanField(required=False, default=False, help_text="全部标为已读")

    def validate_ids(self, ids):
        # Beyond a database id's range nothing can match: a field error, never a 500.
        if any(i > 2**63 - 1 for i in ids):
            raise serializers.ValidationError("通知编号超出范围。", code="max_value")
        return ids

    def validate(self, data):
        if not data.get("all") and not data.get("ids"):
            raise serializers.ValidationError({"ids": "请给出通知编号,或 all=true。"})
        return data


class NotificationReadView(_MeView):
    """Mark notifications read (some, or all)."""

    @extend_schema(operation_id="me_notifications_read", request=MarkReadSerializer,
                   responses={200: inline_serializer("MarkedRead", {
                       "marked": serializers.IntegerField(), "unread": serializers.IntegerField()}),
                       **INVALID, **UNAUTHENTICATED})  # fmt: skip
    def post(self, request):
        data = MarkReadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        which = "all" if data.validated_data["all"] else data.validated_data["ids"]
        marked = notifications.mark_read(request.user, which)
        return Response({"marked": marked, "unread": notifications.unread_count(request.user)},
                        headers=NO_STORE)  # fmt: skip


def _devices(user):
    from cms.accounts.models import Device

    return Device.objects.filter(user=user, revoked_at__isnull=True).select_related("access_token")


class DeviceListView(_MeView):
    """The devices I am logged in on."""

    @extend_schema(
        operation_id="me_devices",
        responses={200: inline_serializer("Device", DEVICE_FIELDS, many=True), **UNAUTHENTICATED},
    )
    def get(self, request):
        current = getattr(getattr(request, "auth", None), "pk", None)
        return Response(
            [
                {
                    "id": d.pk,
                    "device_id": d.device_id,
                    "name": d.name,
                    "created_at": d.created_at.isoformat(),
                    "last_used_at": d.access_token.last_used_at.isoformat()
                    if d.access_token and d.access_token.last_used_at else None,
                    "current": current is not None and d.access_token_id == current,
                }
                for d in _devices(request.user).order_by("-created_at")
            ],
            headers=NO_STORE,
        )  # fmt: skip


class DeviceDetailView(_MeView):
    @extend_schema(operation_id="me_device_logout", responses={204: None, **UNAUTHENTICATED,
                   (404, "application/problem+json"): OpenApiResponse(ProblemSerializer)})  # fmt: skip
    def delete(self, request, device_id: int):
        """Log one of my devices out (a lost phone)."""
        device = _devices(request.user).filter(pk=device_id).first()
        if device is None:
            raise ApiProblem(404, "not-found", "未找到", "没有这台已登录的设备。")
        accounts.revoke_device(device)
        return Response(status=204, headers=NO_STORE)


class WeChatBindSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=128, help_text="小程序 wx.login() 得到的 code")


class WeChatBindView(_MeView):
    @extend_schema(operation_id="me_wechat_bind", request=WeChatBindSerializer,
                   responses={204: None, **INVALID, **UNAUTHENTICATED,
                              (409, "application/problem+json"): OpenApiResponse(ProblemSerializer)})  # fmt: skip
    def post(self, request):
        """Bind my WeChat so the mini-program can log in with ``wx.login()`` next time."""
        data = WeChatBindSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accounts.bind_wechat(request.user, data.validated_data["code"])
        return Response(status=204, headers=NO_STORE)
