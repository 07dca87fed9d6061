"""What every indicator shares: the result it gives, its findings, and the site it reads.

An indicator is a small class with a stable ``code`` (kept in the database: never
rename one), a Chinese ``name`` and ``evaluate(ctx) -> Result``. It reads the site
through :class:`SiteContext` (pages, texts, links, numbers in force) and says:

* whether it applies (``applicable``; when not, ``reason``: 不适用 and why);
* its figure **with its denominator** (``numerator`` of ``denominator`` ``counted``);
* its findings, each with a stable ``key`` (the same problem has the same key at
  every run, so a fixed problem disappears and a lasting one keeps its first date),
  the points it costs and where it is fixed;
* the points it deducts (capped by its maximum) and whether it vetoes the site.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from cms.services import sensitive, site_content
from plugins.evaluation.models import Severity

ZERO = Decimal("0")


@dataclass
class Found:
    """One finding before it is saved (``models.Finding``)."""

    key: str
    title: str
    severity: str = Severity.DEDUCTION
    points: Decimal = ZERO
    detail: str = ""
    target_label: str = ""
    target_url: str = ""
    link_url: str = ""


@dataclass
class Result:
    code: str
    name: str
    applicable: bool = True
    reason: str = ""
    numerator: int = 0
    denominator: int = 0
    counted: str = ""
    deduction: Decimal = ZERO
    veto: bool = False
    summary: str = ""
    findings: list[Found] = field(default_factory=list)

    def cap(self, maximum: Decimal) -> None:
        """Deduct the findings' points, at most ``maximum``."""
        self.deduction = min(sum((f.points for f in self.findings), ZERO), maximum)

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("findings")
        data["deduction"] = float(self.deduction)
        data["finding_count"] = len(self.findings)
        return data


class Indicator:
    code: str = ""
    name: str = ""
    #: "content" indicators run while the site's pages are read; "late" ones after the
    #: outbound links are checked (they need the outcomes) or read other sources.
    phase: str = "content"

    def result(self, **kwargs) -> Result:
        return Result(code=self.code, name=self.name, **kwargs)

    def evaluate(self, ctx: SiteContext) -> Result:
        raise NotImplementedError


class SiteContext:
    """One site as an inspection reads it: its live pages, their texts' word hits and
    links, the numbers in force for it, and (later) the outbound links' outcomes."""

    def __init__(self, profile, numbers: dict[str, Decimal], now: dt.datetime):
        self.profile = profile
        self.site = profile.site
        self.numbers = numbers
        self.now = now
        self.today = timezone.localdate(now)
        self.word_hits: dict[int, list] = {}
        self.links: dict[int, list[site_content.Link]] = {}
        self.outcomes: dict[str, object] = {}  # url -> links.Outcome, set by the engine
        self.titles: dict[int, tuple[str, str]] = {}  # page id -> (title, url_path)

    # --- numbers ---------------------------------------------------------------------
    def n(self, key: str) -> Decimal:
        return self.numbers[key]

    def whole(self, key: str) -> int:
        return int(self.numbers[key])

    # --- pages -----------------------------------------------------------------------
    @cached_property
    def pages(self) -> list[site_content.LivePage]:
        return site_content.live_pages(self.site)

    @cached_property
    def content(self) -> list[site_content.LivePage]:
        return [p for p in self.pages if p.kind == site_content.CONTENT]

    @cached_property
    def columns(self) -> list[site_content.LivePage]:
        return [p for p in self.pages if p.kind in (site_content.COLUMN, site_content.TOWNSHIP)]

    @cached_property
    def home(self) -> site_content.LivePage | None:
        return next((p for p in self.pages if p.kind == site_content.HOME), None)

    def days_since(self, when: dt.datetime | None) -> int | None:
        return None if when is None else (self.today - timezone.localdate(when)).days

    def read_texts(self) -> None:
        """Every live page's texts scanned with the site's word lists as they are today
        (a word listed after publication is found too), and its links kept."""
        scan = sensitive.scanner(self.site)
        for text in site_content.page_texts(self.pages):
            hits = scan(text.text)
            if hits:
                self.word_hits[text.id] = hits
            if text.links:
                self.links[text.id] = text.links
        self.titles = {p.id: (p.title, p.url_path) for p in self.pages if p.id in self.links}

    def outbound_urls(self) -> set[str]:
        return {link.target for links in self.links.values() for link in links if link.is_outbound}

    def release(self) -> None:
        """Forget the pages once the content indicators are done (a whole group's run
        keeps only each site's links until they are checked)."""
        for name in ("pages", "content", "columns", "home"):
            self.__dict__.pop(name, None)
