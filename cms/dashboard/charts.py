"""Server-side SVG charts of the home screen (no JavaScript, nothing loaded from elsewhere).

The 12-week publishing chart is drawn by pygal with its tooltip script turned
off (``js=[]``: pygal's default loads it from a foreign host) and every bar's
value printed, so the chart reads the same without JavaScript. The small
per-site charts are a dozen ``<rect>`` elements each, written directly.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

COLOR = "#b5121b"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def weekly_chart(weeks: list[dt.date], counts: list[int], title: str) -> str:
    """An inline SVG bar chart: pages published per week (labels: the weeks' Mondays)."""
    import pygal
    from pygal.style import Style

    style = Style(
        background="transparent", plot_background="transparent", colors=(COLOR,),
        font_family="system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif",
        value_font_size=12, label_font_size=12, major_label_font_size=12,
    )  # fmt: skip
    chart = pygal.Bar(
        width=760, height=260, style=style, js=[], show_legend=False,
        print_values=True, print_zeroes=False, disable_xml_declaration=True,
        explicit_size=False, margin=8, spacing=6, show_y_guides=True,
        x_label_rotation=0, min_scale=2, max_scale=6,
    )  # fmt: skip
    chart.x_labels = [f"{d.month}/{d.day}" for d in weeks]
    step = max(1, -(-max(counts, default=0) // 5))  # whole pages on the y axis
    chart.y_labels = list(range(0, max(counts, default=0) + step + 1, step))
    chart.add(title, counts)
    svg = chart.render(is_unicode=True)
    # pygal still writes an inline config script and credits in comments: neither is
    # needed to read the chart, and a Content-Security-Policy would refuse the script.
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(title)}</title>")
    # An accessible name for screen readers; the values are printed on the bars.
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels it writes)


def sparkline(counts: list[int], label: str, width: int = 120, height: int = 28) -> str:
    """A tiny bar chart of weekly counts, for the per-site table."""
    top = max(counts) or 1
    bar = width / len(counts)

    def rect(i: int, n: int):
        h = max(1.0, n / top * (height - 2))
        return (f"{i * bar + 1:.1f}", f"{height - h:.1f}", f"{bar - 2:.1f}", f"{h:.1f}", n)

    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        (rect(i, n) for i, n in enumerate(counts)),
    )
    return format_html(
        '<svg class="lianxi-sparkline" role="img" aria-label="{}" width="{}" height="{}" '
        'viewBox="0 0 {} {}" fill="{}">{}</svg>',
        label, width, height, width, height, COLOR, bars,
    )  # fmt: skip
