"""Query parameters and response shapes of the public deputies API.

The parameter serializers validate the query string (a bad value is a 400
problem document naming the parameter, as in the core API). The response
serializers describe the payloads for the OpenAPI document; the views build
the payloads as plain dicts from bulk-loaded rows (see ``payloads.py``), and
the contract tests check that the two agree.

No serializer here has a field for the private data (ID number, mobile,
address or their stored forms): they cannot reach a response by accident.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cms.plugins.api import ImageSerializer, LimitOffsetParams, level_field
from plugins.deputies.models import (
    Constituency,
    Education,
    Election,
    EndReason,
    Gender,
    LiaisonStation,
    OccupationCategory,
    Party,
)

MAX_RADIUS_KM = 100
DEFAULT_RADIUS_KM = 10


def plugin_setting(name: str):
    return apps.get_app_config("deputies").plugin_settings[name]


# --- parameters -----------------------------------------------------------------


class TermParamField(serializers.CharField):
    """A term number, or ``all``."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip().lower()
        if value == "all":
            return value
        if not value.isdigit() or int(value) < 1:
            raise serializers.ValidationError(_("届次应为正整数或 all。"), code="invalid")
        return int(value)


class DeputyListParams(LimitOffsetParams):
    """Query parameters of ``GET /api/v1/deputies/`` (``limit`` up to the plugin's
    ``MAX_PAGE_SIZE``, default ``PAGE_SIZE``)."""

    level = level_field(required=False, help_text="人大层级(旧写法 provincial 等同 province)")
    congress = serializers.RegexField(
        r"^(\d{6}|\d{9})$", required=False,
        help_text="人民代表大会的行政区划代码(须是本站点的人大),如 340123100",
    )  # fmt: skip
    term = TermParamField(
        required=False,
        help_text="届次(数字)。默认:各人民代表大会的本届(开始日期不晚于今天且未结束的最新一届);"
        "all:全部届次",
    )
    delegation = serializers.IntegerField(required=False, min_value=1, help_text="代表团 id")
    constituency = serializers.IntegerField(
        required=False, min_value=1, help_text="选区或选举单位 id"
    )
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    party = serializers.ChoiceField(choices=Party.choices, required=False, help_text="政治面貌")
    current = serializers.BooleanField(
        required=False, default=True,
        help_text="默认 true:只列代表资格未终止(本人及所在届次均未结束)的代表;false:也列已终止的",
    )  # fmt: skip
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=50,
        help_text="姓名:汉字(包含即可),或拼音全拼、首字母、全拼前缀,不分大小写和空格,"
        "如 张伟、zhangwei、Zhang Wei、zw、zhangw",
    )  # fmt: skip

    @property
    def default_limit(self):
        return plugin_setting("PAGE_SIZE")

    @property
    def max_limit(self):
        return plugin_setting("MAX_PAGE_SIZE")


class TermParams(serializers.Serializer):
    term = serializers.IntegerField(required=False, min_value=1, help_text="届次(数字),默认本届")
    current = serializers.BooleanField(
        required=False, default=True, help_text="默认 true:只计代表资格未终止的代表"
    )


class StationListParams(serializers.Serializer):
    near = serializers.CharField(
        required=False, help_text="按距离排序的中心点:纬度,经度(WGS-84),如 31.7206,117.1530"
    )
    radius = serializers.FloatField(
        required=False, default=DEFAULT_RADIUS_KM, min_value=0.1, max_value=MAX_RADIUS_KM,
        help_text=f"与 near 同用:半径(公里),默认 {DEFAULT_RADIUS_KM},最大 {MAX_RADIUS_KM}",
    )  # fmt: skip

    def validate_near(self, value):
        parts = [p.strip() for p in value.split(",")]
        try:
            lat, lng = (float(p) for p in parts)
        except ValueError:
            raise serializers.ValidationError(
                _("应为“纬度,经度”,如 31.7206,117.1530。"), code="invalid"
            ) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise serializers.ValidationError(_("经纬度超出范围。"), code="out_of_range")
        return lat, lng


# --- responses ------------------------------------------------------------------


class DeputiesCongressRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    level = level_field()
    level_label = serializers.CharField()
    division_code = serializers.CharField()


class DeputiesTermRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    ordinal = serializers.CharField(help_text="如 第十八届")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class DeputiesNamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DeputiesConstituencyRefSerializer(DeputiesNamedRefSerializer):
    kind = serializers.ChoiceField(choices=Constituency.Kind.choices)


class DeputiesSeatSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="代表资格 id")
    congress = DeputiesCongressRefSerializer()
    level = level_field()
    term = DeputiesTermRefSerializer()
    delegation = DeputiesNamedRefSerializer(allow_null=True)
    deputy_group = DeputiesNamedRefSerializer(allow_null=True)
    constituency = DeputiesConstituencyRefSerializer(allow_null=True)
    election = serializers.ChoiceField(choices=Election.choices)
    election_label = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    end_reason = serializers.ChoiceField(choices=EndReason.choices, allow_blank=True)
    end_reason_label = serializers.CharField(allow_blank=True)
    is_current = serializers.BooleanField()


class DeputyPostSerializer(serializers.Serializer):
    body = serializers.CharField(help_text="常务委员会或专门委员会")
    role = serializers.CharField()
    label = serializers.CharField(help_text="如 常务委员会副主任")
    congress = DeputiesCongressRefSerializer()
    term = DeputiesTermRefSerializer()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    is_current = serializers.BooleanField()


class DeputyRefSerializer(serializers.Serializer):
    """A deputy in a station or reception: public fields only."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    photo = ImageSerializer(allow_null=True)


def _blank_choice(choices):
    return serializers.ChoiceField(choices=choices, allow_blank=True)


class DeputyFieldsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    gender_label = serializers.CharField()
    ethnicity = serializers.CharField()
    birth = serializers.CharField(allow_null=True, help_text="出生年月 YYYY-MM")
    party = _blank_choice(Party.choices)
    party_label = serializers.CharField(allow_blank=True)
    education = _blank_choice(Education.choices)
    education_label = serializers.CharField(allow_blank=True)
    occupation = serializers.CharField(allow_blank=True, help_text="工作单位及职务")
    occupation_category = _blank_choice(OccupationCategory.choices)
    occupation_category_label = serializers.CharField(allow_blank=True)
    title = serializers.CharField(allow_blank=True, help_text="职称")
    photo = ImageSerializer(allow_null=True)


class DeputyListItemSerializer(DeputyFieldsSerializer):
    seat = DeputiesSeatSerializer(
        help_text="在本站点人民代表大会中符合筛选条件的代表资格(有多个时取层级最高、届次最新的)"
    )
    posts = DeputyPostSerializer(many=True, help_text="在本站点人民代表大会中现任的职务")


class DeputiesPerformanceCountsSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    motion = serializers.IntegerField()
    suggestion = serializers.IntegerField()
    inspection = serializers.IntegerField()
    research = serializers.IntegerField()
    reception = serializers.IntegerField()
    report = serializers.IntegerField()
    training = serializers.IntegerField()
    other = serializers.IntegerField()


class DeputiesPerformanceSummarySerializer(serializers.Serializer):
    counts = DeputiesPerformanceCountsSerializer(help_text="各类履职记录的条数(session 为出席次数)")
    training_hours = serializers.FloatField()
    sessions_attended = serializers.IntegerField()
    sessions_total = serializers.IntegerField()


class DeputyMembershipSerializer(DeputiesSeatSerializer):
    performance = DeputiesPerformanceSummarySerializer(help_text="该届履职情况汇总")


class LiaisonStationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=LiaisonStation.Kind.choices)
    address = serializers.CharField()


class DeputyDetailSerializer(DeputyFieldsSerializer):
    biography = serializers.CharField(allow_blank=True)
    memberships = DeputyMembershipSerializer(
        many=True, help_text="全部代表资格(各级、各届,含已终止)"
    )
    posts = DeputyPostSerializer(many=True, help_text="担任过和现任的职务")
    stations = LiaisonStationRefSerializer(many=True, help_text="进驻的本站点联络站")


class DeputiesTermSummarySerializer(DeputiesTermRefSerializer):
    is_current = serializers.BooleanField()
    deputies = serializers.IntegerField(help_text="代表资格未终止的代表人数")
    delegations = serializers.IntegerField()
    constituencies = serializers.IntegerField()


class DeputiesCongressSerializer(DeputiesCongressRefSerializer):
    founding_date = serializers.DateField(allow_null=True)
    current_term = serializers.IntegerField(allow_null=True, help_text="本届届次")
    terms = DeputiesTermSummarySerializer(many=True)


class DeputiesTermPartSerializer(DeputiesNamedRefSerializer):
    deputies = serializers.IntegerField(help_text="代表资格未终止的代表人数")


class DeputiesCongressDetailSerializer(DeputiesCongressSerializer):
    delegations = DeputiesTermPartSerializer(many=True, help_text="本届的代表团")
    constituencies = DeputiesTermPartSerializer(many=True, help_text="本届的选区或选举单位")


class DeputiesBucketSerializer(serializers.Serializer):
    value = serializers.CharField(allow_blank=True, help_text="代码;空串为未填写")
    label = serializers.CharField()
    count = serializers.IntegerField()
    percentage = serializers.FloatField(help_text="占总数的百分比,保留一位小数")


class DeputiesEthnicityStatsSerializer(serializers.Serializer):
    han = DeputiesBucketSerializer()
    minority = DeputiesBucketSerializer()
    items = DeputiesBucketSerializer(many=True, help_text="各民族,人数多的在前")


class DeputiesPartyStatsSerializer(serializers.Serializer):
    groups = DeputiesBucketSerializer(many=True, help_text="中共党员、民主党派、无党派人士、群众")
    items = DeputiesBucketSerializer(many=True, help_text="各党派")


class DeputiesStatisticsSerializer(serializers.Serializer):
    congress = DeputiesCongressRefSerializer()
    term = DeputiesTermRefSerializer()
    total = serializers.IntegerField()
    as_of = serializers.DateField(help_text="年龄按这一天(今天)计算")
    current_only = serializers.BooleanField()
    gender = DeputiesBucketSerializer(many=True)
    ethnicity = DeputiesEthnicityStatsSerializer()
    party = DeputiesPartyStatsSerializer()
    age = DeputiesBucketSerializer(many=True)
    occupation = DeputiesBucketSerializer(many=True)
    education = DeputiesBucketSerializer(many=True)
    election = DeputiesBucketSerializer(many=True)


class LiaisonStationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=LiaisonStation.Kind.choices)
    kind_label = serializers.CharField()
    congress = DeputiesCongressRefSerializer(allow_null=True)
    division_code = serializers.CharField(allow_blank=True)
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    phone = serializers.CharField(allow_blank=True)
    opening_hours = serializers.CharField(allow_blank=True)
    reception_weekdays = serializers.ListField(
        child=serializers.IntegerField(), help_text="固定接待日:1(周一)到 7(周日)"
    )
    distance_km = serializers.FloatField(
        allow_null=True, help_text="与 near 的距离(公里,保留两位小数);未给 near 时为 null"
    )


class LiaisonReceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    start_time = serializers.CharField(help_text="HH:MM")
    end_time = serializers.CharField(help_text="HH:MM")
    topic = serializers.CharField(allow_blank=True)
    deputies = DeputyRefSerializer(many=True)


class LiaisonRegularDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    weekday = serializers.IntegerField(help_text="1(周一)到 7(周日)")


class LiaisonScheduleSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="今天")
    end = serializers.DateField(help_text="今后四周的最后一天")
    receptions = LiaisonReceptionSerializer(many=True, help_text="期间已安排的接待")
    regular_dates = LiaisonRegularDateSerializer(
        many=True, help_text="期间的固定接待日(跳过法定节假日等非工作日)"
    )


class LiaisonStationDetailSerializer(LiaisonStationSerializer):
    description = serializers.CharField(allow_blank=True)
    deputies = DeputyRefSerializer(many=True, help_text="进站代表")
    schedule = LiaisonScheduleSerializer()
