"""Public statistics: ``GET /api/v1/suggestions/statistics/?site=340100`` (anyone, no login).

The figures of the site and every site below it that the public may see and
that has the plugin on (``plugins.suggestions.stats``), counting registered
items only (立案 and on: no draft, no submission under review, nothing returned
or withdrawn, nothing held by moderation). Rows with fewer than five handled
items give their counts but no mix or rates (``withheld``): a class or a rating
of one or two replies could point at a reply not yet published.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.plugins.api import SITE_PARAMETER, PublicReadPermission, problem_responses
from plugins.suggestions import stats
from plugins.suggestions.models import Kind, Period


class StatisticsParams(serializers.Serializer):
    session = serializers.CharField(required=False, max_length=100,
                                    help_text="届次会议,如“十七届人大五次会议”")  # fmt: skip
    period = serializers.ChoiceField(choices=Period.choices, required=False,
                                     help_text="session 大会期间提出、recess 闭会期间提出")  # fmt: skip
    kind = serializers.ChoiceField(choices=Kind.choices, required=False,
                                   help_text="suggestion 建议、motion 议案")  # fmt: skip
    since = serializers.DateField(required=False, help_text="提交日期不早于(含)")
    until = serializers.DateField(required=False, help_text="提交日期不晚于(含)")

    def validate(self, data):
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": "结束日期不能早于开始日期。"})
        return data


class SuggestionStatsRateSerializer(serializers.Serializer):
    numerator = serializers.IntegerField(help_text="分子")
    denominator = serializers.IntegerField(help_text="分母")
    percent = serializers.FloatField(
        allow_null=True, help_text="百分比(一位小数);分母为 0 时为 null"
    )


class SuggestionCountsSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="已立案(含之后各状态)")
    assigned = serializers.IntegerField(help_text="已交办")
    handled = serializers.IntegerField(help_text="已答复(办复)")
    open = serializers.IntegerField(help_text="办理中(含重新办理)")


def _rates(help_text: str):
    return serializers.DictField(child=SuggestionStatsRateSerializer(), allow_null=True,
                                 help_text=help_text)  # fmt: skip


class SuggestionFiguresSerializer(serializers.Serializer):
    counts = SuggestionCountsSerializer()
    handled = SuggestionStatsRateSerializer(allow_null=True, help_text="办复率:已答复 / 已交办")
    on_time = SuggestionStatsRateSerializer(
        allow_null=True, help_text="按期答复率:答复期限内答复的 / 已答复(答复计时已停止)的"
    )
    overdue_open = SuggestionStatsRateSerializer(
        allow_null=True, help_text="办理中逾期的 / 办理中的(含重新办理)"
    )
    classes = _rates("答复类别构成:A、B、C、D 各自 / 已答复")
    satisfaction = SuggestionStatsRateSerializer(
        allow_null=True, help_text="满意率:(满意 + 基本满意)/ 代表评价总数(每位代表每次答复一条)"
    )
    ratings = _rates("评价构成:satisfied、basically、unsatisfied 各自 / 评价总数")
    rehandling = SuggestionStatsRateSerializer(
        allow_null=True, help_text="重新办理率:曾被评为不满意的 / 已答复"
    )
    withheld = serializers.BooleanField(help_text="已答复少于 5 件:只给件数,不给构成和比率")


class SuggestionSiteRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码")
    name = serializers.CharField()
    level = serializers.CharField()


class SuggestionSiteRowSerializer(SuggestionFiguresSerializer):
    site = SuggestionSiteRefSerializer()
    rolled_up = serializers.BooleanField(help_text="true:含其下各级站点的汇总")


class SuggestionUnitRowSerializer(SuggestionFiguresSerializer):
    name = serializers.CharField(help_text="主办单位")
    site = serializers.CharField(help_text="承办单位所属站点的行政区划代码")


class SuggestionStatisticsSerializer(serializers.Serializer):
    scope = SuggestionSiteRefSerializer()
    as_of = serializers.DateField(help_text="统计日(逾期按这一天计算)")
    sites_counted = serializers.IntegerField(
        help_text="计入的站点数(本站点及其下启用本功能的公开站点)"
    )
    total = SuggestionFiguresSerializer(help_text="本站点及其下各级站点的合计")
    sites = SuggestionSiteRowSerializer(
        many=True,
        help_text="第一行为本站点自身,其后为直属下级站点(各含其下级的汇总),按区划代码排列",
    )
    units = SuggestionUnitRowSerializer(many=True, help_text="各主办单位,按名称排列(不排名)")


class StatisticsView(APIView):
    """The public figures of a site and the sites below it."""

    permission_classes = [PublicReadPermission]

    @extend_schema(
        operation_id="suggestions_statistics",
        summary="议案建议办理统计(本级及下级汇总)",
        description=(
            "本站点及其下各级站点(公开且启用本功能的)的议案建议办理情况:办复件数、按期答复率、"
            "A/B/C/D 类构成、满意率、重新办理率,各比率都给出分子和分母。只计已立案的议案建议;"
            "已答复少于 5 件的行只给件数。承办单位按名称排列,不排名。"
        ),
        parameters=[SITE_PARAMETER, StatisticsParams],
        responses={200: SuggestionStatisticsSerializer,
                   **problem_responses(not_found="站点不存在或未启用")},
    )  # fmt: skip
    def get(self, request, *args, **kwargs):
        params = StatisticsParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = stats.statistics(request.site_profile, public=True, filters=params.validated_data)
        return Response(data)
