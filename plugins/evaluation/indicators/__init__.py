"""The inspection's indicators, in the order they are shown (codes are stable)."""

from .base import Found, Indicator, Result, SiteContext
from .content import HomeFreshness, RedatedItems, StaleColumns, UndatedItems
from .links import BrokenLinks
from .sources import Availability, Messages, Suggestions
from .words import Words

ALL: tuple[Indicator, ...] = (
    HomeFreshness(),
    StaleColumns(),
    UndatedItems(),
    RedatedItems(),
    Words(),
    BrokenLinks(),
    Availability(),
    Messages(),
    Suggestions(),
)
BY_CODE = {indicator.code: indicator for indicator in ALL}
NAMES = {indicator.code: indicator.name for indicator in ALL}

__all__ = ["ALL", "BY_CODE", "NAMES", "Found", "Indicator", "Result", "SiteContext"]
