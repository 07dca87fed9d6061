"""The public API of group chats (群聊), anonymous.

``GET /api/v1/liaison/groups/?site=`` lists the site's approved, active group
chats of liaison stations and deputy groups, by place (``place``: a township's
code, or a county's, which lists its townships' too); ``.../groups/<id>/`` is
one. The QR image's URL answers only while the group chat is public.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from cms.plugins.api import LimitOffsetParams, SiteScopedReadOnlyViewSet, problem_responses
from plugins.liaison.groups import GroupChat, OwnerKind, Platform, public_chats

from .public import PublicReadPermission


class GroupChatParams(LimitOffsetParams):
    place = serializers.CharField(required=False, max_length=9,
                                  help_text="乡镇(9位)或县区(6位)区划代码;县区代码含其乡镇的群聊")  # fmt: skip
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, help_text="平台")


class GroupChatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    platform = serializers.ChoiceField(choices=Platform.choices, help_text="平台:微信群或QQ群")
    name = serializers.CharField(help_text="群名称")
    owner_kind = serializers.ChoiceField(
        choices=OwnerKind.choices, help_text="所属:联络站或代表小组"
    )
    owner_ref = serializers.CharField(help_text="联络站或代表小组编号")
    owner_name = serializers.CharField(help_text="联络站或代表小组名称")
    place_code = serializers.CharField(help_text="所在乡镇或县区区划代码")
    qr_url = serializers.CharField(allow_null=True, help_text="二维码图片地址")
    how_to_join = serializers.CharField(help_text="入群方式")
    runner_name = serializers.CharField(help_text="群主(管理人)")
    runner_role = serializers.CharField(help_text="管理人职务")
    updated_at = serializers.DateTimeField(help_text="更新时间")


def _payload(obj: GroupChat, request) -> dict:
    qr = None
    if obj.qr is not None:
        qr = request.build_absolute_uri(reverse("api-upload-file", args=[obj.qr.token]))
    return {
        "id": obj.pk,
        "platform": obj.platform,
        "name": obj.name,
        "owner_kind": obj.owner_kind,
        "owner_ref": obj.owner_ref,
        "owner_name": obj.owner_name,
        "place_code": obj.place_code,
        "qr_url": qr,
        "how_to_join": obj.how_to_join,
        "runner_name": obj.runner_name,
        "runner_role": obj.runner_role,
        "updated_at": timezone.localtime(obj.updated_at).isoformat(),
    }


@extend_schema_view(
    list=extend_schema(summary="联络站和代表小组的群聊", parameters=[GroupChatParams],
                       responses={200: GroupChatSerializer(many=True)}),
    retrieve=extend_schema(summary="群聊详情",
                           responses={200: GroupChatSerializer,
                                      **problem_responses(not_found="群聊不存在或未公开")}),
)  # fmt: skip
class GroupChatViewSet(SiteScopedReadOnlyViewSet):
    permission_classes = [PublicReadPermission]
    serializer_class = GroupChatSerializer
    params_class = GroupChatParams
    queryset = GroupChat.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GroupChat.objects.none()
        rows = public_chats().filter(site_id=self.site_profile.site_id).select_related("qr")
        if self.action == "list":
            params = self.params
            place = params.get("place")
            if place and place != self.site_profile.division_code:  # the site's own: all
                rows = rows.filter(place_code__startswith=place)
            if params.get("platform"):
                rows = rows.filter(platform=params["platform"])
        return rows.order_by("place_code", "owner_name", "pk")

    def payloads(self, rows: list) -> list:
        return [_payload(r, self.request) for r in rows]

    def payload(self, obj) -> dict:
        return _payload(obj, self.request)
