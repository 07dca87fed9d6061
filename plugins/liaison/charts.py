"""The message statistics' server-side SVG charts (drawn by the core's ``cms.services.charts``:
no script, nothing loaded from elsewhere, every value printed). Rows come in the order
the table shows them (division code, or the column the user chose): a chart never ranks
by itself. Each function takes only what it draws (``plotted``), so that
``charts.cached`` keys the SVG by exactly that."""

from __future__ import annotations

from cms.services import charts

#: 按期答复, 超期答复, 未答复(未逾期), 逾期未答复
HANDLING_COLORS = ("#2e7d32", "#f9a825", "#1565c0", "#c62828")
RATING_COLORS = ("#2e7d32", "#81c784", "#c62828")  # 满意 基本满意 不满意
HANDLING = (("on_time", "按期答复"), ("late", "超期答复"), ("waiting", "未答复(未逾期)"),
            ("overdue", "逾期未答复"))  # fmt: skip


def plotted_handling(row: dict) -> dict:
    counts = row["counts"]
    return {"on_time": counts["on_time"], "late": counts["answered"] - counts["on_time"],
            "waiting": counts["open"] - counts["overdue"], "overdue": counts["overdue"]}  # fmt: skip


def plotted_ratings(row: dict) -> dict:
    return {r: row["counts"][f"rated_{r}"] for r in ("satisfied", "basically", "unsatisfied")}


def handling(labels: list[str], rows: list[dict], title: str) -> str:
    """Stacked bars per row (``plotted_handling``): answered on time, late, waiting, overdue."""
    series = [(name, [r[key] for r in rows]) for key, name in HANDLING]
    return charts.stacked_bars(title, labels, series, HANDLING_COLORS)


def ratings(labels: list[str], rows: list[dict], title: str = "群众评价(条)") -> str:
    """Stacked bars per row (``plotted_ratings``): 满意 / 基本满意 / 不满意."""
    series = [(name, [r[key] for r in rows])
              for key, name in (("satisfied", "满意"), ("basically", "基本满意"),
                                ("unsatisfied", "不满意"))]  # fmt: skip
    return charts.stacked_bars(title, labels, series, RATING_COLORS)
