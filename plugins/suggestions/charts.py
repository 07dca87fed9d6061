"""Server-side SVG charts of the statistics page (pygal; no JavaScript, nothing from elsewhere).

pygal's tooltip script would load from a foreign host: ``js=[]`` turns it off,
its inline config script and credit comments are removed, and every value is
printed on the chart, so it reads the same without JavaScript. Rows come in the
order the table shows them (alphabetical or the user's chosen column): a chart
never ranks by itself.
"""

from __future__ import annotations

import re
from html import escape

from django.utils.safestring import mark_safe

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
CLASS_COLORS = ("#2e7d32", "#1565c0", "#f9a825", "#9e9e9e")  # A B C D
RATING_COLORS = ("#2e7d32", "#81c784", "#c62828")  # 满意 基本满意 不满意
ON_TIME_COLOR = "#b5121b"


def _style(colors):
    from pygal.style import Style

    return Style(
        background="white", plot_background="white", colors=colors, font_family=FONT,
        value_font_size=11, label_font_size=12, major_label_font_size=12, legend_font_size=12,
        title_font_size=14,
    )  # fmt: skip


def _render(chart, title: str) -> str:
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(title)}</title>")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels it writes)


def _options(height: int) -> dict:
    return {"width": 760, "height": height, "js": [], "disable_xml_declaration": True,
            "explicit_size": False, "margin": 10, "print_values": True,
            "print_zeroes": False, "legend_at_bottom": True, "truncate_label": 30}  # fmt: skip


def _height(rows: int) -> int:
    return max(220, 90 + 34 * rows)


def class_mix(labels: list[str], rows: list[dict], title: str = "答复类别构成(件)") -> str:
    """Stacked bars: A/B/C/D replies per row (a site or a unit)."""
    import pygal

    chart = pygal.HorizontalStackedBar(title=title, style=_style(CLASS_COLORS),
                                       **_options(_height(len(labels))))  # fmt: skip
    chart.x_labels = labels
    for c, name in (("A", "A类"), ("B", "B类"), ("C", "C类"), ("D", "D类")):
        chart.add(name, [r["classes"][c]["numerator"] if r["classes"] else None for r in rows])
    return _render(chart, title)


def satisfaction(labels: list[str], rows: list[dict], title: str = "代表评价(条)") -> str:
    """Stacked bars: 满意 / 基本满意 / 不满意 ratings per row."""
    import pygal

    chart = pygal.HorizontalStackedBar(title=title, style=_style(RATING_COLORS),
                                       **_options(_height(len(labels))))  # fmt: skip
    chart.x_labels = labels
    for key, name in (("satisfied", "满意"), ("basically", "基本满意"),
                      ("unsatisfied", "不满意")):  # fmt: skip
        chart.add(name, [r["ratings"][key]["numerator"] if r["ratings"] else None for r in rows])
    return _render(chart, title)


def on_time(labels: list[str], rows: list[dict], title: str = "按期答复率(%)") -> str:
    """Bars: the on-time rate per row, each labelled with its numerator and denominator."""
    import pygal

    chart = pygal.HorizontalBar(title=title, style=_style((ON_TIME_COLOR,)), range=(0, 100),
                                show_legend=False, **_options(_height(len(labels))))  # fmt: skip
    chart.x_labels = labels
    values = []
    for r in rows:
        figure = r["on_time"]
        if not figure or not figure["denominator"]:
            values.append(None)
            continue
        values.append({"value": figure["percent"],
                       "formatter": lambda v, f=figure: f"{v}%({f['numerator']}/{f['denominator']})"})  # fmt: skip
    chart.add("按期答复率", values)
    return _render(chart, title)
