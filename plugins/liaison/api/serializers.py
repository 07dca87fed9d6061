"""Payloads of the citizens', deputies' and handling units' message API.

No payload names the citizen (name, mobile, account id): the citizen reads
their own messages, the deputies and units read the message and its history.
"""

from __future__ import annotations

from rest_framework import serializers

from cms.plugins.api import AttachmentsField, status_of
from cms.services import deadlines, directory, sites
from plugins.liaison import messages as flow
from plugins.liaison.models import AddressedTo, Message, MessageState, Rating, Topic

_datetime = serializers.DateTimeField().to_representation

STATUS_HELP = (
    "pending 待审核(含敏感词,审核前不受理)、rejected 审核未通过或不予受理(见 reason);"
    "received 已收到、screened 待分办(人大办公室分办)、delivered 已送达代表、forwarded 已转办、"
    "answered 已答复、reopened 重新办理、closed 已办结、withdrawn 已撤回"
)
TOPIC_HELP = "、".join(f"{value} {label}" for value, label in Topic.choices)


def _dt(value):
    return _datetime(value) if value else None


class MessageClockSerializer(serializers.Serializer):
    started_on = serializers.DateField(help_text="起算日(收到留言之日)")
    due_on = serializers.DateField(help_text="答复期限(默认3个月,工作日历)")
    state = serializers.ChoiceField(
        choices=deadlines.DeadlineState.choices,
        help_text="on_time 正常、due_soon 临近到期、overdue 逾期、long_overdue 严重逾期、"
        "met 按期答复、met_late 逾期答复",
    )


class MessageHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=MessageState.choices)
    note = serializers.CharField()


def clock_payload(message: Message, clocks: dict) -> dict | None:
    clock = clocks.get(str(message.pk))
    if clock is None:
        return None
    return {
        "started_on": clock.started_on.isoformat(),
        "due_on": clock.due_on.isoformat(),
        "state": deadlines.state(clock).value,
    }


def history_payload(message: Message) -> list[dict]:
    return [
        {"at": _dt(row.at), "state": row.to_state, "note": row.note}
        for row in message.history.all()
    ]


class CitizenMessageSerializer(serializers.ModelSerializer):
    """A citizen's message: what they write, then its state, clock and answer."""

    addressed_to = serializers.ChoiceField(
        choices=AddressedTo.choices, default=AddressedTo.OFFICE,
        help_text="deputy 写给一位代表(deputy)、station 写给联络站(station)、place 写给所在地的代表"
        "(place_code,或 latitude/longitude 找最近的联络站)、office 不指定(人大办公室分办)",
    )  # fmt: skip
    deputy = serializers.CharField(source="deputy_ref", required=False, allow_blank=True,
                                   max_length=32, help_text="代表编号(代表名册的 id)")  # fmt: skip
    station = serializers.CharField(source="station_ref", required=False, allow_blank=True,
                                    max_length=32, help_text="联络站编号")  # fmt: skip
    place_code = serializers.CharField(required=False, allow_blank=True, max_length=9,
                                       help_text="乡镇(9位)或县区(6位)区划代码")  # fmt: skip
    latitude = serializers.FloatField(required=False, write_only=True, min_value=-90,
                                      max_value=90, help_text="所在位置纬度")  # fmt: skip
    longitude = serializers.FloatField(required=False, write_only=True, min_value=-180,
                                       max_value=180, help_text="所在位置经度")  # fmt: skip
    topic = serializers.ChoiceField(choices=Topic.choices, required=False, allow_blank=True,
                                    help_text=f"类别:{TOPIC_HELP}")  # fmt: skip
    consent_publish = serializers.BooleanField(
        default=False, help_text="同意在去除个人信息后公开留言和答复(可随时更改)"
    )
    attachments = AttachmentsField()
    status = serializers.SerializerMethodField(help_text=STATUS_HELP)
    reason = serializers.SerializerMethodField(help_text="审核未通过或不予受理的理由")
    station_name = serializers.CharField(read_only=True)
    deputies = serializers.SerializerMethodField(help_text="收信代表姓名")
    unit = serializers.SerializerMethodField(help_text="转办单位")
    received_at = serializers.DateTimeField(read_only=True)
    delivered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    clock = serializers.SerializerMethodField()
    answer = serializers.CharField(read_only=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answered_by = serializers.CharField(source="answered_by_name", read_only=True,
                                        help_text="答复人(代表姓名或单位)")  # fmt: skip
    rating = serializers.CharField(read_only=True, help_text="satisfied 满意、basically 基本满意、"
                                   "unsatisfied 不满意;空:未评价")  # fmt: skip
    rating_comment = serializers.CharField(read_only=True)
    solved = serializers.BooleanField(read_only=True, allow_null=True,
                                      help_text="群众回复问题是否解决;null:未回复")  # fmt: skip
    can_reopen = serializers.SerializerMethodField(help_text="答复后规定日数内可重新打开")
    ask_solved = serializers.SerializerMethodField(help_text="是否应回答“问题解决了吗”")
    history = serializers.SerializerMethodField()

    class Meta:
        model = Message
        fields = [
            "id", "addressed_to", "deputy", "station", "place_code", "latitude", "longitude",
            "topic", "title", "text", "attachments", "consent_publish", "status", "reason",
            "station_name", "deputies", "unit", "received_at", "delivered_at", "clock", "answer",
            "answered_at", "answered_by", "rating", "rating_comment", "solved", "can_reopen",
            "ask_solved", "history",
        ]  # fmt: skip
        read_only_fields = ["id"]
        extra_kwargs = {
            "title": {"help_text": "标题(100字以内)"},
            "text": {"help_text": "留言内容(3000字以内)"},
        }

    def get_status(self, obj) -> str:
        return status_of(obj)

    def get_reason(self, obj) -> str:
        return obj.moderation_reason or obj.reject_reason

    def get_deputies(self, obj) -> list[str]:
        return [r.name for r in obj.recipients.all()]

    def get_unit(self, obj) -> str:
        return obj.unit.name if obj.unit_id else ""

    def get_clock(self, obj) -> MessageClockSerializer(allow_null=True):  # type: ignore[valid-type]
        return clock_payload(obj, self.context.get("clocks", {}))

    def get_can_reopen(self, obj) -> bool:
        from django.utils import timezone

        if obj.state != MessageState.ANSWERED or not obj.answered_at:
            return False
        days = flow.setting("REOPEN_DAYS")
        return (timezone.now() - obj.answered_at).days < days

    def get_ask_solved(self, obj) -> bool:
        return flow.solved_question_due(obj)

    def get_history(self, obj) -> MessageHistorySerializer(many=True):  # type: ignore[valid-type]
        return history_payload(obj)

    def validate(self, attrs):
        site_id = self.context["request"].site_profile.site_id
        to = attrs.get("addressed_to", AddressedTo.OFFICE)
        lat, lon = attrs.pop("latitude", None), attrs.pop("longitude", None)
        if (lat is None) != (lon is None):
            raise serializers.ValidationError({"longitude": "经纬度须同时填写。"})
        if to == AddressedTo.DEPUTY:
            person = directory.person(attrs.get("deputy_ref") or "")
            if person is None or not any(s.current and s.site_id == site_id for s in person.seats):
                raise serializers.ValidationError({"deputy": "请选择本级人大的在任代表。"})
        elif to == AddressedTo.STATION:
            station = directory.station(attrs.get("station_ref") or "")
            if station is None or station.site_id != site_id:
                raise serializers.ValidationError({"station": "请选择本站的联络站。"})
            attrs["station_name"] = station.name
            attrs["place_code"] = station.division_code
        elif to == AddressedTo.PLACE:
            code = (attrs.get("place_code") or "").strip()
            if code:
                try:
                    place = sites.resolve_code(code)
                except sites.UnknownDivisionCode:
                    place = None
                if place is None or place.profile.site_id != site_id:
                    raise serializers.ValidationError(
                        {"place_code": "请填写本站的乡镇或县区代码。"}
                    )
            elif lat is not None:
                near = [s for s in directory.stations(near=(lat, lon)) if s.site_id == site_id]
                if not near:
                    raise serializers.ValidationError(
                        {"latitude": "附近没有联络站,请填写所在乡镇或直接写给代表。"}
                    )
                attrs.update(addressed_to=AddressedTo.STATION, station_ref=near[0].ref,
                             station_name=near[0].name, place_code=near[0].division_code)  # fmt: skip
            else:
                raise serializers.ValidationError({"place_code": "请填写所在地代码或位置。"})
        return attrs


class MessageReasonSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text="说明")  # fmt: skip


class MessageReopenSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, help_text="对答复有什么疑问")


class MessageRateSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=Rating.choices,
                                     help_text="satisfied 满意、basically 基本满意、unsatisfied 不满意")  # fmt: skip
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class MessageSolvedSerializer(serializers.Serializer):
    solved = serializers.BooleanField(help_text="问题是否已经解决")


class MessageConsentSerializer(serializers.Serializer):
    consent_publish = serializers.BooleanField(help_text="是否同意去除个人信息后公开")


class MessageAnswerSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000, help_text="答复内容")


class MessageDraftSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                  help_text="建议标题(默认用留言标题)")  # fmt: skip


class MessageDraftResultSerializer(serializers.Serializer):
    suggestion = serializers.CharField(help_text="新建议草稿的编号(议案建议接口的 id)")


class InboxMessageSerializer(serializers.Serializer):
    """A message as a deputy or a handling unit reads it: never who the citizen is."""

    id = serializers.IntegerField()
    topic = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()
    attachments = serializers.ListField(child=serializers.CharField())
    state = serializers.ChoiceField(choices=MessageState.choices)
    addressed_to = serializers.ChoiceField(choices=AddressedTo.choices)
    station_name = serializers.CharField()
    deputies = serializers.ListField(child=serializers.CharField())
    unit = serializers.CharField()
    received_at = serializers.DateTimeField()
    clock = MessageClockSerializer(allow_null=True)
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answered_by = serializers.CharField()
    rating = serializers.CharField()
    rating_comment = serializers.CharField()
    solved = serializers.BooleanField(allow_null=True)
    history = MessageHistorySerializer(many=True)


def inbox_payload(obj: Message, clocks: dict) -> dict:
    return {
        "id": obj.pk,
        "topic": obj.topic,
        "title": obj.title,
        "text": obj.text,
        "attachments": [u.token for u in obj.attachments.all()],
        "state": obj.state,
        "addressed_to": obj.addressed_to,
        "station_name": obj.station_name,
        "deputies": [r.name for r in obj.recipients.all()],
        "unit": obj.unit.name if obj.unit_id else "",
        "received_at": _dt(obj.received_at),
        "clock": clock_payload(obj, clocks),
        "answer": obj.answer,
        "answered_at": _dt(obj.answered_at),
        "answered_by": obj.answered_by_name,
        "rating": obj.rating,
        "rating_comment": obj.rating_comment,
        "solved": obj.solved,
        "history": history_payload(obj),
    }
