"""Public statistics: ``GET /api/v1/liaison/statistics/?site=340100`` (anyone, no login).

The figures of citizens' messages (``plugins.liaison.stats``) for the site and
every site below it that the public may see and that has the plugin on: how
many were received, valid, answered, answered within the 3-month limit, open
and overdue, with the share solved and the citizens' ratings. Counts only:
no message, no citizen, no deputy is named. A row with fewer than five
answered messages gives its counts but no rates and no ratings (``withheld``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.plugins.api import SITE_PARAMETER, PublicReadPermission, problem_responses
from plugins.liaison import stats
from plugins.liaison.models import Topic


class StatisticsParams(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                    help_text="收到留言的年度")  # fmt: skip
    since = serializers.DateField(required=False, help_text="收到日期不早于(含)")
    until = serializers.DateField(required=False, help_text="收到日期不晚于(含)")
    topic = serializers.ChoiceField(choices=Topic.choices, required=False, help_text="类别")

    def validate(self, data):
        if data.get("year") and (data.get("since") or data.get("until")):
            raise serializers.ValidationError({"year": "年度和收到日期只能选一种。"})
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": "结束日期不能早于开始日期。"})
        return data


class MessageStatsRateSerializer(serializers.Serializer):
    numerator = serializers.IntegerField(help_text="分子")
    denominator = serializers.IntegerField(help_text="分母")
    percent = serializers.FloatField(
        allow_null=True, help_text="百分比(一位小数);分母为 0 时为 null"
    )


class MessageCountsSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="收到(含待审核、不予受理和撤回的)")
    valid = serializers.IntegerField(help_text="有效:通过审核,未被不予受理、未撤回")
    answered = serializers.IntegerField(help_text="已答复(有效留言中)")
    on_time = serializers.IntegerField(help_text="按期答复:答复日期不晚于答复期限")
    open = serializers.IntegerField(help_text="未答复:待分办、已送达代表、已转办、重新办理中")
    overdue = serializers.IntegerField(help_text="逾期未答复:未答复且已过答复期限(统计日计)")


def _rate(help_text: str):
    return MessageStatsRateSerializer(allow_null=True, help_text=help_text)


class MessageFiguresSerializer(serializers.Serializer):
    counts = MessageCountsSerializer()
    valid = _rate("有效率:有效 / 收到")
    answered = _rate("答复率:已答复 / 有效")
    on_time = _rate("按期答复率:按期答复 / 已答复")
    late = _rate("超期答复:超过答复期限答复的 / 已答复")
    overdue = _rate("逾期未答复:逾期的 / 未答复")
    solved = _rate("解决率:群众回复问题已解决的 / 回复了“问题解决了吗”的")
    satisfaction = _rate("满意率:(满意 + 基本满意)/ 已评价")
    ratings = serializers.DictField(
        child=MessageStatsRateSerializer(), allow_null=True,
        help_text="评价构成:satisfied、basically、unsatisfied 各自 / 已评价",
    )  # fmt: skip
    average_days = serializers.FloatField(
        allow_null=True, help_text="平均答复天数:收到到答复的平均自然日(一位小数)"
    )
    withheld = serializers.BooleanField(help_text="已答复少于 5 件:只给件数,不给比率和评价")


class MessageSiteRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码")
    name = serializers.CharField()
    level = serializers.CharField()


class MessageSiteRowSerializer(MessageFiguresSerializer):
    site = MessageSiteRefSerializer()
    rolled_up = serializers.BooleanField(help_text="true:含其下各级站点的汇总")


class MessageTopicRowSerializer(MessageFiguresSerializer):
    topic = serializers.CharField(help_text="类别(空:未分类)")
    label = serializers.CharField(help_text="类别名称")


class MessagePeriodSerializer(serializers.Serializer):
    start = serializers.DateField(allow_null=True, help_text="收到日期自(含)")
    end = serializers.DateField(allow_null=True, help_text="收到日期至(含)")


class MessageStatisticsSerializer(serializers.Serializer):
    scope = MessageSiteRefSerializer()
    as_of = serializers.DateField(help_text="统计日(逾期按这一天计算)")
    period = MessagePeriodSerializer(help_text="收到日期范围(null:不限)")
    topic = serializers.CharField(allow_null=True, help_text="筛选的类别(null:全部)")
    sites_counted = serializers.IntegerField(
        help_text="计入的站点数(本站点及其下启用本功能的公开站点)"
    )
    total = MessageFiguresSerializer(help_text="本站点及其下各级站点的合计")
    sites = MessageSiteRowSerializer(
        many=True,
        help_text="第一行为本站点自身,其后为直属下级站点(各含其下级的汇总),按区划代码排列",
    )
    topics = MessageTopicRowSerializer(many=True, help_text="各类别(按类别的固定顺序,不排名)")


class StatisticsView(APIView):
    """The public figures of citizens' messages of a site and the sites below it."""

    permission_classes = [PublicReadPermission]

    @extend_schema(
        operation_id="liaison_statistics",
        summary="群众留言办理统计(本级及下级汇总)",
        description=(
            "本站点及其下各级站点(公开且启用本功能的)的群众留言办理情况:收到、有效、已答复、"
            "按期答复(收到之日起三个月内)、逾期未答复、问题解决率、满意率和平均答复天数,"
            "各比率都给出分子和分母。只有件数和比率,不含任何留言内容和留言人信息;"
            "已答复少于 5 件的行只给件数。站点和类别按固定顺序排列,不排名。"
        ),
        parameters=[SITE_PARAMETER, StatisticsParams],
        responses={200: MessageStatisticsSerializer,
                   **problem_responses(not_found="站点不存在或未启用")},
    )  # fmt: skip
    def get(self, request, *args, **kwargs):
        params = StatisticsParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = stats.statistics(request.site_profile, public=True, filters=params.validated_data)
        return Response(MessageStatisticsSerializer(data).data)
