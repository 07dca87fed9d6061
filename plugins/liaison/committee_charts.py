"""The coverage view's server-side SVG chart (drawn by the core's ``cms.services.charts``:
no script, nothing loaded from elsewhere, every value printed with its denominator)."""

from __future__ import annotations

from cms.services import charts

COLORS = ("#2e7d32", "#c62828")  # contacted, not contacted


def coverage(labels: list[str], rows: list[dict], title: str = "本年度联系覆盖(联系关系数)") -> str:
    """Stacked bars per site: assignments contacted this year and not contacted."""
    series = [(name, [charts.fraction(r[key]) for r in rows])
              for key, name in (("contacted", "已联系"), ("uncontacted", "未联系"))]  # fmt: skip
    return charts.stacked_bars(title, labels, series, COLORS)
