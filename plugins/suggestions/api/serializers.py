"""Payloads of the deputies' API: a suggestion with its clock, units, reply, ratings and history."""

from __future__ import annotations

from rest_framework import serializers

from cms.plugins.api import AttachmentsField, status_of
from cms.services import deadlines
from plugins.suggestions.models import (
    Assignment,
    Category,
    RatingResult,
    ReplyClass,
    State,
    Suggestion,
)

_datetime = serializers.DateTimeField().to_representation
_date = serializers.DateField().to_representation


def _dt(value):
    return _datetime(value) if value else None


STATUS_HELP = (
    "pending 待审核(含敏感词,审核前不受理)、rejected 审核未通过(见 reason);"
    "通过审核后为议案建议自身的状态:draft 草稿、submitted 已提交、accepted 已立案、"
    "returned 已退回(见 return_reason)、assigned 办理中、replied 已答复、rehandling 重新办理、"
    "rated 已评价、closed 已办结、withdrawn 已撤回、agenda 列入会议议程(议案,主席团决定)"
)


class SuggestionCoSignerSerializer(serializers.Serializer):
    deputy = serializers.CharField(help_text="代表编号(代表名册 /api/v1/deputies/ 的 id)")
    name = serializers.CharField()
    confirmed = serializers.BooleanField(help_text="是否已由本人确认附议")


class SuggestionUnitSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="承办单位")
    role = serializers.ChoiceField(choices=Assignment.Role.choices, help_text="lead 主办、co 协办")
    due_on = serializers.DateField(help_text="内部办理期限")


class SuggestionClockSerializer(serializers.Serializer):
    started_on = serializers.DateField(help_text="起算日(交办之日)")
    due_on = serializers.DateField(help_text="答复期限(工作日历,经批准可延长)")
    limit_months = serializers.IntegerField(help_text="期限(月):默认3个月,经批准最长6个月")
    state = serializers.ChoiceField(
        choices=deadlines.DeadlineState.choices,
        help_text="on_time 正常、due_soon 临近到期、overdue 逾期、long_overdue 严重逾期、"
        "paused 暂停、met 按期答复、met_late 逾期答复",
    )
    stopped_at = serializers.DateTimeField(allow_null=True, help_text="答复时间(计时停止)")


class SuggestionReplySerializer(serializers.Serializer):
    reply_class = serializers.ChoiceField(choices=ReplyClass.choices, help_text="答复类别 A/B/C/D")
    text = serializers.CharField()
    signed_by = serializers.CharField(help_text="承办单位签发人")
    replied_at = serializers.DateTimeField()
    round = serializers.IntegerField(help_text="第几次答复(不满意重新办理后再次答复为 2)")
    attachments = serializers.ListField(child=serializers.CharField())


class SuggestionRatingSerializer(serializers.Serializer):
    deputy = serializers.CharField(help_text="评价代表姓名")
    round = serializers.IntegerField()
    result = serializers.ChoiceField(choices=RatingResult.choices)
    comment = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()


class SuggestionHistorySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = serializers.CharField(help_text="操作人(代表、办公室或承办单位)")
    from_state = serializers.CharField(allow_blank=True)
    to_state = serializers.CharField()
    note = serializers.CharField(allow_blank=True)


class DeputySuggestionSerializer(serializers.ModelSerializer):
    """A suggestion as its deputies see it; posting one creates a draft or submits it."""

    submit = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="true:直接提交;false(默认):保存为草稿,之后用 submit 提交",
    )  # fmt: skip
    cosigners = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, max_length=50, write_only=True,
        help_text="邀请附议的代表编号(本级人大的在任代表),每位代表须在小程序中确认",
    )  # fmt: skip
    attachments = AttachmentsField()
    status = serializers.SerializerMethodField(help_text=STATUS_HELP)
    reason = serializers.CharField(source="moderation_reason", read_only=True,
                                   help_text="审核未通过的理由")  # fmt: skip
    state_label = serializers.SerializerMethodField(help_text="状态的中文名称")
    category = serializers.CharField(
        read_only=True,
        help_text="办公室立案时定的分类(空:未分类):"
        + "、".join(f"{value} {label}" for value, label in Category.choices),
    )
    deputy = serializers.CharField(source="deputy_name", read_only=True, help_text="领衔代表")
    my_role = serializers.SerializerMethodField(help_text="lead 领衔代表、cosigner 附议代表")
    cosigned_by = serializers.SerializerMethodField()
    clock = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()
    reply = serializers.SerializerMethodField()
    ratings = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Suggestion
        fields = [
            "id", "kind", "title", "text", "period", "category", "submit", "cosigners",
            "attachments", "status", "reason", "state_label", "return_reason", "deputy", "my_role",
            "on_paper", "cosigned_by", "created_at", "submitted_at", "assigned_on", "clock",
            "units", "reply", "ratings", "history",
        ]  # fmt: skip
        read_only_fields = ["id", "category", "return_reason", "on_paper", "created_at",
                            "submitted_at", "assigned_on"]  # fmt: skip
        extra_kwargs = {
            "kind": {
                "help_text": "suggestion 建议、motion 议案(须达到本级规定的联名人数,"
                "含领衔代表;主席团决定列入议程或作为建议办理,后者 kind 变为 suggestion)"
            },
            "period": {"help_text": "session 大会期间、recess 闭会期间"},
        }

    def create(self, validated_data):
        validated_data.pop("submit", None)
        validated_data.pop("cosigners", None)
        return super().create(validated_data)

    def get_status(self, obj) -> str:
        return status_of(obj)

    def get_state_label(self, obj) -> str:
        status = status_of(obj)
        return {"pending": "待审核", "rejected": "审核未通过"}.get(status) or State(status).label

    def get_my_role(self, obj) -> str:
        user = self.context["request"].user
        return "lead" if obj.author_id == user.pk else "cosigner"

    def get_cosigned_by(self, obj) -> SuggestionCoSignerSerializer(many=True):
        return [{"deputy": c.deputy_ref, "name": c.name, "confirmed": c.confirmed_at is not None}
                for c in obj.cosigners.all()]  # fmt: skip

    def get_clock(self, obj) -> SuggestionClockSerializer(allow_null=True):
        clock = self.context.get("clocks", {}).get(obj.pk)
        if clock is None:
            return None
        return {"started_on": _date(clock.started_on), "due_on": _date(clock.due_on),
                "limit_months": clock.limit, "state": deadlines.state(clock).value,
                "stopped_at": _dt(clock.stopped_at)}  # fmt: skip

    def get_units(self, obj) -> SuggestionUnitSerializer(many=True):
        rows = [a for a in obj.assignments.all() if a.returned_at is None]
        rows.sort(key=lambda a: (a.role != Assignment.Role.LEAD, a.pk))  # the lead unit first
        return [{"name": a.unit.name, "role": a.role, "due_on": _date(a.due_on)} for a in rows]

    def get_reply(self, obj) -> SuggestionReplySerializer(allow_null=True):
        if not obj.replied_at:
            return None
        return {"reply_class": obj.reply_class, "text": obj.reply_text,
                "signed_by": obj.reply_signed_by, "replied_at": _dt(obj.replied_at), "round": obj.round,
                "attachments": [u.token for u in obj.reply_attachments.all()]}  # fmt: skip

    def get_ratings(self, obj) -> SuggestionRatingSerializer(many=True):
        return [{"deputy": r.deputy_name, "round": r.round, "result": r.result,
                 "comment": r.comment, "created_at": _dt(r.created_at)}
                for r in obj.ratings.all()]  # fmt: skip

    def get_history(self, obj) -> SuggestionHistorySerializer(many=True):
        return [{"at": _dt(t.at), "actor": t.actor_name, "from_state": t.from_state,
                 "to_state": t.to_state, "note": t.note}
                for t in obj.history.all()]  # fmt: skip


class SuggestionRateSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=RatingResult.choices,
                                     help_text="satisfied 满意、basically 基本满意、unsatisfied 不满意")  # fmt: skip
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SuggestionWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                 help_text="撤回说明")  # fmt: skip


class SuggestionMoveSerializer(serializers.Serializer):
    pass


__all__ = ["DeputySuggestionSerializer", "SuggestionRateSerializer", "SuggestionWithdrawSerializer"]
