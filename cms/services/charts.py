"""Server-side SVG charts (pygal): the one place that knows how a chart is drawn safely.

Every admin chart in Lianxi is an inline SVG drawn on the server: no
JavaScript, nothing loaded from another host, every value printed on the chart
so that it reads the same without a tooltip. pygal's defaults do neither:
its tooltip script comes from a foreign host (``js=[]`` turns it off) and it
still writes an inline config script and credit comments, which ``render``
removes (a Content-Security-Policy would refuse the script anyway).

A plugin draws a chart with::

    import pygal
    from cms.services import charts

    chart = pygal.HorizontalStackedBar(title=title, style=charts.style(("#2e7d32", "#c62828")),
                                       **charts.options(charts.height(len(labels))))
    chart.x_labels = labels
    chart.add("已联系", [charts.fraction(f) for f in figures])
    return charts.render(chart, title)   # safe SVG for a template

Drawing a chart takes pygal about 100 ms: ``cached(draw, labels, rows)`` keeps the
SVG in the cache by what it shows (the drawing function and its arguments).

Rows are drawn in the order they are given (the table's order): a chart never
ranks by itself.
"""

from __future__ import annotations

import hashlib
import re
from html import escape

from django.utils.safestring import SafeString, mark_safe

#: Fonts with Chinese glyphs on every desktop the offices use (and on a Linux server).
FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
#: Lianxi's red (the dashboard's and the on-time bars').
RED = "#b5121b"
WIDTH = 760

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def style(colors, *, background: str = "white", **overrides):
    """A pygal ``Style`` with the CJK font, a plain background and readable sizes.

    ``colors`` are the series' colours in order; ``overrides`` any other ``Style`` field.
    """
    from pygal.style import Style

    fields = {"background": background, "plot_background": background,
              "colors": tuple(colors), "font_family": FONT, "value_font_size": 11,
              "label_font_size": 12, "major_label_font_size": 12, "legend_font_size": 12,
              "title_font_size": 14}  # fmt: skip
    fields.update(overrides)
    return Style(**fields)


def options(height: int, **overrides) -> dict:
    """Keyword arguments for a pygal chart: no script, values printed, legend below.

    ``height`` is the drawing's height (``height(rows)`` for horizontal bars);
    ``overrides`` any other pygal option (``show_legend=False``, ``range=(0, 100)``...).
    """
    opts = {"width": WIDTH, "height": height, "js": [], "disable_xml_declaration": True,
            "explicit_size": False, "margin": 10, "print_values": True,
            "print_zeroes": False, "legend_at_bottom": True, "truncate_label": 30}  # fmt: skip
    opts.update(overrides)
    return opts


def height(rows: int, per_row: int = 34, base: int = 90, minimum: int = 220) -> int:
    """The height of a horizontal bar chart of ``rows`` rows (labels stay readable)."""
    return max(minimum, base + per_row * rows)


def fraction(figure: dict | None, value_key: str = "numerator") -> dict | None:
    """A bar's value from a figure ``{"numerator", "denominator", "percent"}``, printed
    as ``numerator/denominator`` (``value_key="percent"``: ``percent%(numerator/denominator)``).
    ``None`` (no bar) when there is no figure or, for a percentage, no denominator."""
    if not figure:
        return None
    if value_key == "percent":
        if not figure.get("denominator"):
            return None
        return {"value": figure["percent"],
                "formatter": lambda v, f=figure: f"{v}%({f['numerator']}/{f['denominator']})"}  # fmt: skip
    return {"value": figure[value_key],
            "formatter": lambda v, f=figure: f"{v}/{f['denominator']}"}  # fmt: skip


def stacked_bars(title: str, labels: list[str], series, colors, *, per_row: int = 34) -> SafeString:
    """Horizontal stacked bars, one bar per label: ``series`` is ``[(name, values)]`` in
    stacking order (a value may be a ``fraction(...)`` or ``None`` for no bar), ``colors``
    the series' colours. Drawn with ``style`` and ``options`` and returned by ``render``."""
    import pygal

    chart = pygal.HorizontalStackedBar(title=title, style=style(colors),
                                       **options(height(len(labels), per_row=per_row)))  # fmt: skip
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    return render(chart, title)


def render(chart, title: str) -> SafeString:
    """The chart as inline SVG, safe to put in a template.

    pygal's inline script and comments are removed; the SVG is titled and given
    ``role="img"`` with ``title`` as its accessible name.
    """
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(title)}</title>")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels and values it writes)


def cached(draw, *args, seconds: int = 600) -> SafeString:
    """``draw(*args)``, kept in the cache by the function and its arguments (their ``repr``:
    pass only what the chart shows). The SVG is the same for the same arguments, so a
    stale entry cannot be wrong; ``seconds`` only bounds the memory it takes."""
    from django.core.cache import cache

    what = repr((draw.__module__, draw.__qualname__, args)).encode()
    key = "charts:" + hashlib.sha256(what).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = str(draw(*args))
        cache.set(key, svg, seconds)
    return mark_safe(svg)  # noqa: S308 (drawn by render(), which pygal escapes)
