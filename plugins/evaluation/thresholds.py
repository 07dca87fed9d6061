"""The inspection's numbers: each with a stable key, a Chinese name, a default and its source.

The defaults are the 2019 government-site inspection indicators (国办秘函〔2019〕19号) as
congress offices apply them (the project's ``statutory.md``). An operator changes a
default for the whole installation in ``LIANXI_PLUGINS_CONFIG["evaluation"]["THRESHOLDS"]``;
the province's administrators override it in the admin (设置 → 考评指标) for all levels,
for one congress level, or for one site. The most specific row wins:
site > level > all levels > the operator's setting > the default below.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps

RULE_2019 = "2019年政府网站检查指标(国办秘函〔2019〕19号)"


@dataclass(frozen=True)
class Threshold:
    key: str
    label: str
    default: Decimal
    unit: str
    source: str


def _t(key: str, label: str, default, unit: str, source: str) -> Threshold:
    return Threshold(key, label, Decimal(str(default)), unit, source)


DEFINITIONS: tuple[Threshold, ...] = (
    _t("score.pass", "合格分数线", 60, "分", f"{RULE_2019}:满分100分,低于60分为不合格"),
    _t("home.warn_days", "首页未更新预警", 10, "天", "本系统设计:首页超过10天未更新即提醒"),
    _t("home.veto_days", "首页未更新否决", 14, "天", f"{RULE_2019}:首页超过2周无新内容,单项否决"),
    _t("home.warn_points", "首页更新预警扣分", 5, "分", "本系统设计"),
    _t("columns.stale_veto", "未更新栏目否决数", 5, "个",
       f"{RULE_2019}:应更新栏目超过更新周期(动态类2周,通知公告、政策文件类6个月)达5个,单项否决"),
    _t("columns.long_stale_days", "长期未更新", 365, "天", f"{RULE_2019}:栏目长期(1年)未更新"),
    _t("columns.long_stale_veto", "长期未更新栏目否决数", 10, "个", f"{RULE_2019}:长期未更新栏目达10个,单项否决"),
    _t("columns.blank_veto", "空白栏目否决数", 5, "个", f"{RULE_2019}:空白栏目达5个,单项否决"),
    _t("columns.stale_points", "每个未更新栏目扣分", 2, "分", "本系统设计"),
    _t("columns.blank_points", "每个空白栏目扣分", 2, "分", "本系统设计"),
    _t("columns.points_max", "栏目更新最多扣分", 20, "分", "本系统设计"),
    _t("undated.points", "每条无日期信息扣分", 1, "分", f"{RULE_2019}:信息无发布日期视为未更新"),
    _t("undated.points_max", "无日期信息最多扣分", 10, "分", "本系统设计"),
    _t("redated.tolerance_days", "显示日期晚于首次发布的容差", 3, "天",
       "本系统设计:首次发布时间不可改写,显示日期比它晚超过容差即疑似改日期"),
    _t("redated.veto_count", "篡改日期否决数", 1, "条", f"{RULE_2019}:虚假更新(篡改日期),单项否决"),
    _t("words.sensitive_veto", "含敏感词页面否决数", 1, "个",
       f"{RULE_2019}:严重表述错误、有害信息,单项否决"),
    _t("words.wrong_points", "每个含错别字页面扣分", 1, "分", "本系统设计"),
    _t("words.points_max", "错别字最多扣分", 10, "分", "本系统设计"),
    _t("links.points", "每个不可用链接扣分", 1, "分", f"{RULE_2019}:链接不可用扣分"),
    _t("links.points_max", "不可用链接最多扣分", 10, "分", "本系统设计"),
    _t("availability.veto_percent", "监测失败否决比例", 5, "%",
       f"{RULE_2019}:一周内监测失败达5%(每天不少于20次,超时15秒),单项否决"),
    _t("availability.window_days", "可用性统计天数", 7, "天", f"{RULE_2019}:按一周统计"),
    _t("availability.probes_per_day", "每天最少监测次数", 20, "次", f"{RULE_2019}:每天不少于20次"),
    _t("messages.veto_count", "逾期未答复留言否决数", 1, "条",
       f"{RULE_2019}:有效留言超过3个月未答复,单项否决(期限为法定时限 message.reply)"),
    _t("suggestions.points", "每件逾期未答复建议扣分", 2, "分",
       "本系统设计(期限为法定时限 suggestion.reply:代表法第五十一条,三个月)"),
    _t("suggestions.points_max", "建议办理最多扣分", 10, "分", "本系统设计"),
)  # fmt: skip

BY_KEY = {t.key: t for t in DEFINITIONS}
CHOICES = [(t.key, f"{t.label}({t.unit})") for t in DEFINITIONS]


def _configured() -> dict:
    config = apps.get_app_config("evaluation").plugin_settings.get("THRESHOLDS") or {}
    unknown = set(config) - set(BY_KEY)
    if unknown:
        raise KeyError(f"Unknown evaluation thresholds: {', '.join(sorted(unknown))}")
    return {key: Decimal(str(value)) for key, value in config.items()}


class Numbers:
    """The numbers in force, loaded once (one query) for every site of an inspection."""

    def __init__(self):
        from .models import ThresholdSetting

        self.base = {t.key: t.default for t in DEFINITIONS} | _configured()
        self.rows = list(ThresholdSetting.objects.values_list("key", "level", "site_id", "value"))

    def for_site(self, site_id: int, level: str) -> dict[str, Decimal]:
        numbers = dict(self.base)
        for key, row_level, row_site, value in self.rows:
            if row_site is None and not row_level:
                numbers[key] = value
        for key, row_level, row_site, value in self.rows:
            if row_site is None and row_level and row_level == level:
                numbers[key] = value
        for key, _row_level, row_site, value in self.rows:
            if row_site == site_id:
                numbers[key] = value
        return numbers
