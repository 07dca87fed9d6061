"""Server-side SVG charts of the province's view (pygal; no JavaScript, nothing from elsewhere).

Drawn the way ``plugins/suggestions/charts.py`` draws (pygal's tooltip script off,
its inline script and comments removed, every value printed), with the same helpers
as the core's chart service under way (``style``, ``options``, ``height``, ``render``):
when ``cms.services.charts`` is on main this module uses it instead of its own copy.
Bars of sites are drawn in the table's order (worst first): the ranking is the point
of an inspection, and every value carries its denominator.
"""

from __future__ import annotations

import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
RED, AMBER, GREEN, GREY = "#b5121b", "#f9a825", "#2e7d32", "#9e9e9e"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
BANDS = (("单项否决", None, None), ("60分以下", 0, 60), ("60–69分", 60, 70), ("70–79分", 70, 80),
         ("80–89分", 80, 90), ("90–100分", 90, 101))  # fmt: skip


def style(colors):
    from pygal.style import Style

    return Style(background="white", plot_background="white", colors=tuple(colors),
                 font_family=FONT, value_font_size=11, label_font_size=12,
                 major_label_font_size=12, legend_font_size=12, title_font_size=14)  # fmt: skip


def options(height: int, **overrides) -> dict:
    opts = {"width": 760, "height": height, "js": [], "disable_xml_declaration": True,
            "explicit_size": False, "margin": 10, "print_values": True, "print_zeroes": False,
            "legend_at_bottom": True, "truncate_label": 30}  # fmt: skip
    opts.update(overrides)
    return opts


def height(rows: int, per_row: int = 34, base: int = 90, minimum: int = 220) -> int:
    return max(minimum, base + per_row * rows)


def render(chart, title: str) -> SafeString:
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(title)}</title>")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels and values it writes)


def _of(value: int, total: int) -> dict:
    return {"value": value, "formatter": lambda v, t=total: f"{v}/{t}"}


def score_bands(rows: list[dict], title: str = "得分分布(站点数/已考评站点数)") -> SafeString:
    """How many inspected sites fall in each band; vetoed sites apart, whatever their score."""
    import pygal

    inspected = [r for r in rows if r["inspection"] is not None]
    total = len(inspected)
    counts = []
    for label, low, high in BANDS:
        if low is None:
            n = sum(1 for r in inspected if r["inspection"].vetoed)
        else:
            n = sum(1 for r in inspected if not r["inspection"].vetoed
                    and low <= float(r["inspection"].score) < high)  # fmt: skip
        counts.append((label, n))
    chart = pygal.Bar(title=title, style=style((RED,)), show_legend=False, **options(300))
    chart.x_labels = [label for label, _n in counts]
    colors = (RED, RED, AMBER, AMBER, GREEN, GREEN)
    chart.add(
        "站点数", [{**_of(n, total), "color": c} for (_l, n), c in zip(counts, colors, strict=True)]
    )
    return render(chart, title)


def indicators(
    names: list[str], figures: list[dict], title: str = "各指标问题站点数"
) -> SafeString:
    """Per indicator: sites vetoed by it and sites losing points on it, of the sites it
    applies to (stacked, each printed with that denominator)."""
    import pygal

    chart = pygal.HorizontalStackedBar(title=title, style=style((RED, AMBER)),
                                       **options(height(len(names))))  # fmt: skip
    chart.x_labels = names
    chart.add("单项否决", [_of(f["vetoed"], f["applicable"]) if f["applicable"] else None
                         for f in figures])  # fmt: skip
    chart.add("扣分", [_of(f["deducted"], f["applicable"]) if f["applicable"] else None
                     for f in figures])  # fmt: skip
    return render(chart, title)


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
