"""Server-side SVG charts of the home screen (no JavaScript, nothing loaded from elsewhere).

The 12-week publishing chart is drawn by pygal through ``cms.services.charts``
(no script, nothing from another host, every bar's value printed, so the chart
reads the same without JavaScript). The small per-site charts are a dozen
``<rect>`` elements each, written directly.
"""

from __future__ import annotations

import datetime as dt

from django.utils.html import format_html, format_html_join

from cms.services import charts

COLOR = charts.RED


def weekly_chart(weeks: list[dt.date], counts: list[int], title: str) -> str:
    """An inline SVG bar chart: pages published per week (labels: the weeks' Mondays)."""
    import pygal

    style = charts.style((COLOR,), background="transparent", value_font_size=12)
    chart = pygal.Bar(
        style=style, **charts.options(
            260, show_legend=False, margin=8, spacing=6, show_y_guides=True,
            x_label_rotation=0, min_scale=2, max_scale=6,
        ),
    )  # fmt: skip
    chart.x_labels = [f"{d.month}/{d.day}" for d in weeks]
    step = max(1, -(-max(counts, default=0) // 5))  # whole pages on the y axis
    chart.y_labels = list(range(0, max(counts, default=0) + step + 1, step))
    chart.add(title, counts)
    return charts.render(chart, title)


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
