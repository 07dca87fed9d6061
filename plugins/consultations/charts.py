"""The statistics page's chart (server-side SVG by the core's ``cms.services.charts``, no
script): comments per article, deputies' and citizens' apart, in the draft's order (never
ranked)."""

from __future__ import annotations

from cms.services import charts

COLORS = (charts.RED, "#1565c0")  # deputies, citizens


def per_article(rows: list[dict], title: str = "各条意见数(条)") -> str:
    series = [("人大代表", [r["deputies"] for r in rows]),
              ("群众", [r["total"] - r["deputies"] for r in rows])]  # fmt: skip
    return charts.stacked_bars(title, [r["label"] for r in rows], series, COLORS, per_row=22)
