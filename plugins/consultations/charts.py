"""The statistics page's chart (pygal, server-side SVG, no script): comments per article,
deputies' and citizens' apart, in the draft's order (never ranked)."""

from __future__ import annotations

import re
from html import escape

from django.utils.safestring import mark_safe

_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


def per_article(rows: list[dict], title: str = "各条意见数(条)") -> str:
    import pygal
    from pygal.style import Style

    style = Style(background="white", plot_background="white", colors=("#b5121b", "#1565c0"),
                  font_family=FONT, value_font_size=11, label_font_size=12,
                  major_label_font_size=12, legend_font_size=12, title_font_size=14)  # fmt: skip
    chart = pygal.HorizontalStackedBar(
        title=title, style=style, width=760, height=max(220, 90 + 22 * len(rows)), js=[],
        disable_xml_declaration=True, explicit_size=False, margin=10, print_values=True,
        print_zeroes=False, legend_at_bottom=True, truncate_label=30,
    )  # fmt: skip
    chart.x_labels = [r["label"] for r in rows]
    chart.add("人大代表", [r["deputies"] for r in rows])
    chart.add("群众", [r["total"] - r["deputies"] for r in rows])
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg)).replace(
        "<title>Pygal</title>", f"<title>{escape(title)}</title>"
    )
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
    return mark_safe(svg)  # noqa: S308 (pygal escapes the labels it writes)
