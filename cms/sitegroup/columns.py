"""The standard columns every portal gets when it is created.

Slugs are stable: frontends, imports and the API address columns by them.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StandardColumn:
    slug: str
    title: str
    expected_update_days: int | None
    levels: tuple[str, ...] = ("province", "municipal", "county")


STANDARD_COLUMNS: tuple[StandardColumn, ...] = (
    StandardColumn("news", _("人大要闻"), 7),
    StandardColumn("legislation", _("立法工作"), 30, ("province", "municipal")),
    StandardColumn("regulations", _("法规库"), 90, ("province", "municipal")),
    StandardColumn("supervision", _("监督工作"), 30),
    StandardColumn("decisions", _("决议决定"), 90),
    StandardColumn("appointments", _("人事任免"), 90),
    StandardColumn("meetings", _("会议"), 60),
    StandardColumn("deputies", _("代表工作"), 30),
    StandardColumn("office", _("机关建设"), 60),
    StandardColumn("notices", _("通知公告"), 30),
    StandardColumn("townships", _("乡镇人大"), None, ("county",)),
)


def columns_for_level(level: str) -> list[StandardColumn]:
    return [c for c in STANDARD_COLUMNS if level in c.levels]
