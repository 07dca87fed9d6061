"""Server-side SVG charts of the province's view, drawn with the core's chart service
(``cms.services.charts``: pygal without scripts, nothing from elsewhere, every value
printed). Bars of sites are drawn in the table's order (worst first): the ranking is the
point of an inspection, and every value carries its denominator. The sparklines of the
site table are a few SVG elements each, written directly.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from cms.services.charts import options, render, stacked_bars, style

RED, AMBER, GREEN, GREY = "#b5121b", "#f9a825", "#2e7d32", "#9e9e9e"
BANDS = (("单项否决", None, None), ("60分以下", 0, 60), ("60–69分", 60, 70), ("70–79分", 70, 80),
         ("80–89分", 80, 90), ("90–100分", 90, 101))  # fmt: skip
BAND_COLORS = (RED, RED, AMBER, AMBER, GREEN, GREEN)


def _of(value: int, total: int) -> dict:
    return {"value": value, "formatter": lambda v, t=total: f"{v}/{t}"}


def band_counts(results: list[tuple[float, bool]]) -> list[int]:
    """How many of ``(score, vetoed)`` fall in each band; vetoed ones apart, whatever their score."""
    counts = []
    for _label, low, high in BANDS:
        if low is None:
            counts.append(sum(1 for _score, vetoed in results if vetoed))
        else:
            counts.append(sum(1 for score, vetoed in results if not vetoed and low <= score < high))
    return counts


def score_bands(counts: list[int], title: str = "得分分布(站点数/已考评站点数)") -> SafeString:
    """Sites per score band (``band_counts``), each printed with the number inspected."""
    import pygal

    total = sum(counts)
    chart = pygal.Bar(title=title, style=style((RED,)), show_legend=False, **options(300))
    chart.x_labels = [label for label, _low, _high in BANDS]
    chart.add(
        "站点数", [{**_of(n, total), "color": c} for n, c in zip(counts, BAND_COLORS, strict=True)]
    )
    return render(chart, title)


def indicators(
    names: list[str], figures: list[dict], title: str = "各指标问题站点数"
) -> SafeString:
    """Per indicator: sites vetoed by it and sites losing points on it, of the sites it
    applies to (stacked, each printed with that denominator)."""
    series = [(name, [_of(f[key], f["applicable"]) if f["applicable"] else None
                      for f in figures])
              for key, name in (("vetoed", "单项否决"), ("deducted", "扣分"))]  # fmt: skip
    return stacked_bars(title, names, series, (RED, AMBER))


def score_history(points: list[tuple[str, float, bool]], title: str = "得分走势") -> SafeString:
    """A site's recent scores, oldest first; a vetoed inspection's dot is red."""
    import pygal

    chart = pygal.Line(title=title, style=style((GREEN,)), show_legend=False, range=(0, 100),
                       **options(280, truncate_label=10, x_label_rotation=30))  # fmt: skip
    chart.x_labels = [day[5:] for day, _s, _v in points]
    chart.add("得分", [{"value": score, "color": RED if vetoed else GREEN,
                        "formatter": lambda v, x=vetoed: f"{v:g}{'(否决)' if x else ''}"}
                       for _d, score, vetoed in points])  # fmt: skip
    return render(chart, title)


def sparkline(points: list, label: str, width: int = 96, height_px: int = 24) -> SafeString:
    """A tiny line of recent scores (0–100) for a table row; red dots for vetoed runs.

    Written directly (a hundred rows on the province's view: no template machinery)."""
    if not points:
        return mark_safe("")
    many = len(points) > 1
    step = width / (len(points) - 1) if many else 0
    coords = [
        (i * step + 2 if many else width / 2 + 2, (100 - float(p[1])) / 100 * (height_px - 4) + 2)
        for i, p in enumerate(points)
    ]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{RED if p[2] else GREEN}">'
        f"<title>{escape(str(p[0]))} {float(p[1]):g}分</title></circle>"
        for (x, y), p in zip(coords, points, strict=True)
    )
    return mark_safe(  # noqa: S308 (numbers, and the label escaped)
        f'<svg class="lianxi-sparkline" role="img" aria-label="{escape(label)}" '
        f'width="{width + 4}" height="{height_px}" viewBox="0 0 {width + 4} {height_px}">'
        f'<polyline points="{line}" fill="none" stroke="{GREY}" stroke-width="1.5"/>{dots}</svg>'
    )
