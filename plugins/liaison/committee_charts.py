"""The coverage view's server-side SVG chart (pygal, as the suggestions plugin's charts:
no script, nothing loaded from elsewhere, every value printed with its denominator)."""

from __future__ import annotations

import re
from html import escape

from django.utils.safestring import mark_safe

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
COLORS = ("#2e7d32", "#c62828")  # contacted, not contacted


def coverage(labels: list[str], rows: list[dict], title: str = "本年度联系覆盖(联系关系数)") -> str:
    """Stacked bars per site: assignments contacted this year and not contacted."""
    import pygal
    from pygal.style import Style

    style = Style(background="white", plot_background="white", colors=COLORS, font_family=FONT,
                  value_font_size=11, label_font_size=12, major_label_font_size=12,
                  legend_font_size=12, title_font_size=14)  # fmt: skip
    chart = pygal.HorizontalStackedBar(
        title=title, style=style, width=760, height=max(220, 90 + 34 * len(labels)), js=[],
        disable_xml_declaration=True, explicit_size=False, margin=10, print_values=True,
        print_zeroes=False, legend_at_bottom=True, truncate_label=30,
    )  # fmt: skip
    chart.x_labels = labels
    for key, name in (("contacted", "已联系"), ("uncontacted", "未联系")):
        chart.add(name, [
            {"value": r[key]["numerator"],
             "formatter": lambda v, f=r[key]: f"{v}/{f['denominator']}"}
            for r in rows
        ])  # fmt: skip
    svg = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", svg)
    svg = _COMMENT.sub("", svg).replace("<title>Pygal</title>", f"<title>{escape(title)}</title>")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels it writes)
