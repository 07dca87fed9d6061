"""Server-side SVG charts of the statistics page (drawn by the core's ``cms.services.charts``:
no JavaScript, nothing from elsewhere, every value printed). Rows come in the
order the table shows them (alphabetical or the user's chosen column): a chart
never ranks by itself.
"""

from __future__ import annotations

from cms.services import charts

CLASS_COLORS = ("#2e7d32", "#1565c0", "#f9a825", "#9e9e9e")  # A B C D
RATING_COLORS = ("#2e7d32", "#81c784", "#c62828")  # 满意 基本满意 不满意
ON_TIME_COLOR = charts.RED


def class_mix(labels: list[str], rows: list[dict], title: str = "答复类别构成(件)") -> str:
    """Stacked bars: A/B/C/D replies per row (a site or a unit)."""
    series = [(name, [r["classes"][c]["numerator"] if r["classes"] else None for r in rows])
              for c, name in (("A", "A类"), ("B", "B类"), ("C", "C类"), ("D", "D类"))]  # fmt: skip
    return charts.stacked_bars(title, labels, series, CLASS_COLORS)


def satisfaction(labels: list[str], rows: list[dict], title: str = "代表评价(条)") -> str:
    """Stacked bars: 满意 / 基本满意 / 不满意 ratings per row."""
    series = [(name, [r["ratings"][key]["numerator"] if r["ratings"] else None for r in rows])
              for key, name in (("satisfied", "满意"), ("basically", "基本满意"),
                                ("unsatisfied", "不满意"))]  # fmt: skip
    return charts.stacked_bars(title, labels, series, RATING_COLORS)


def on_time(labels: list[str], rows: list[dict], title: str = "按期答复率(%)") -> str:
    """Bars: the on-time rate per row, each labelled with its numerator and denominator."""
    import pygal

    chart = pygal.HorizontalBar(title=title, style=charts.style((ON_TIME_COLOR,)),
                                **charts.options(charts.height(len(labels)), range=(0, 100),
                                                 show_legend=False))  # fmt: skip
    chart.x_labels = labels
    chart.add("按期答复率", [charts.fraction(r["on_time"], "percent") for r in rows])
    return charts.render(chart, title)
