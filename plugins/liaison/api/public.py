"""The public API: published answers to citizens' messages, anonymous.

``GET /api/v1/liaison/published/?site=`` lists the site's published messages
(newest first), by place (``place``: a township's or the county's code) and by
deputy (``deputy``: a directory ref); ``.../published/<id>/`` is one. Only the
office's confirmed public texts, the date received, the date answered and who
answered: never the citizen (name, mobile, account), never the originals.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from cms.plugins.api import (
    LimitOffsetParams,
    PublicReadPermission,
    SiteScopedReadOnlyViewSet,
    problem_responses,
)
from plugins.liaison.models import Message, Topic
from plugins.liaison.publication import published


class PublishedParams(LimitOffsetParams):
    place = serializers.CharField(required=False, max_length=9,
                                  help_text="乡镇(9位)或县区(6位)区划代码:写给该地代表或联络站的留言")  # fmt: skip
    deputy = serializers.CharField(required=False, max_length=32,
                                   help_text="代表编号:写给该代表或由其答复的留言")  # fmt: skip
    topic = serializers.ChoiceField(choices=Topic.choices, required=False, help_text="类别")


class PublishedMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    topic = serializers.CharField()
    title = serializers.CharField(help_text="公开标题(已去除个人信息)")
    text = serializers.CharField(help_text="公开留言内容(已去除个人信息)")
    received_on = serializers.DateField(help_text="收到日期")
    answered_on = serializers.DateField(help_text="答复日期")
    answered_by = serializers.CharField(help_text="答复人(代表姓名或承办单位)")
    answer = serializers.CharField(help_text="公开答复内容")
    deputies = serializers.ListField(child=serializers.CharField(), help_text="收信代表")


def _payload(obj: Message) -> dict:
    public = obj.publication
    return {
        "id": obj.pk,
        "topic": obj.topic,
        "title": public.title,
        "text": public.text,
        "received_on": timezone.localtime(obj.received_at).date().isoformat(),
        "answered_on": timezone.localtime(obj.answered_at).date().isoformat(),
        "answered_by": obj.answered_by_name,
        "answer": public.answer,
        "deputies": [r.name for r in obj.recipients.all()],
    }


@extend_schema_view(
    list=extend_schema(summary="公开的群众留言及答复", responses={200: PublishedMessageSerializer(many=True)}),
    retrieve=extend_schema(summary="公开的群众留言及答复详情",
                           responses={200: PublishedMessageSerializer,
                                      **problem_responses(not_found="留言不存在或未公开")}),
)  # fmt: skip
class PublishedMessageViewSet(SiteScopedReadOnlyViewSet):
    permission_classes = [PublicReadPermission]
    serializer_class = PublishedMessageSerializer
    params_class = PublishedParams
    queryset = Message.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Message.objects.none()
        rows = published().filter(site_id=self.site_profile.site_id).prefetch_related("recipients")
        rows = rows.order_by("-publication__published_at", "-pk")
        if self.action == "list":
            params = self.params
            place = params.get("place")
            if place and place != self.site_profile.division_code:  # the site's own: all
                rows = rows.filter(place_code=place)
            if params.get("deputy"):
                rows = rows.filter(recipients__deputy_ref=params["deputy"]).distinct()
            if params.get("topic"):
                rows = rows.filter(topic=params["topic"])
        return rows

    def payloads(self, rows: list) -> list:
        return [_payload(r) for r in rows]

    def payload(self, obj) -> dict:
        return _payload(obj)
