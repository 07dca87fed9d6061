"""``manage.py suggestion_duplicates``: how well the duplicate check finds the same topic.

Measured on the demo's labelled items (``plugins.suggestions.demo.labelled_topics``:
each wording of the county and the city carries its topic). Every pair of items
the check compares (the same site, or one site above the other; not drafts,
withdrawn or returned ones) is a duplicate when the topics are equal; the check
flags it when its score reaches the threshold. Prints precision and recall.

By default the items are the demo suggestions in the database (``make demo``);
``--offline`` takes the demo's wordings themselves (a county and its city), with
no database.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from plugins.suggestions import demo, duplicates
from plugins.suggestions.models import Suggestion

SKIPPED_GOALS = ("draft", "withdrawn", "returned")


class _Place:
    def __init__(self, level: str, region_name: str):
        self.level, self.region_name = level, region_name


class Command(BaseCommand):
    help = "在演示数据的标注样本上测量“疑似重复”检查的准确率(precision)和召回率(recall)。"

    def add_arguments(self, parser):
        parser.add_argument("--offline", action="store_true",
                            help="不读数据库,直接用演示数据中县、市两级的表述。")  # fmt: skip
        parser.add_argument("--threshold", type=float, default=duplicates.THRESHOLD,
                            help=f"相似度阈值(默认 {duplicates.THRESHOLD})。")  # fmt: skip
        parser.add_argument("--sweep", action="store_true", help="同时列出其他阈值下的结果。")

    def handle(self, *args, **options):
        items, related = self._offline() if options["offline"] else self._database()
        if not items:
            self.stdout.write(
                "没有带标注的演示议案建议:请先加载演示数据(make demo),或用 --offline。"
            )
            return
        topics = len({i[4] for i in items})
        self.stdout.write(f"样本:{len(items)} 件,{topics} 个主题。")
        thresholds = [options["threshold"]]
        if options["sweep"]:
            thresholds = sorted({options["threshold"], 0.2, 0.25, 0.3, 0.35, 0.4, 0.5})
        for threshold in thresholds:
            self.stdout.write(self._line(duplicates.evaluate(items, related, threshold)))

    @staticmethod
    def _line(r: dict) -> str:
        def pct(v):
            return "—" if v is None else f"{v * 100:.1f}%"

        return (
            f"阈值 {r['threshold']:.2f}:标出 {r['pairs_flagged']} 对,其中正确 {r['true_positives']} 对,"
            f"误报 {r['false_positives']} 对,漏报 {r['false_negatives']} 对;"
            f"precision {pct(r['precision'])},recall {pct(r['recall'])}"
        )

    def _offline(self):
        items, n = [], 0
        for site_id, level in ((1, "county"), (2, "city")):
            for title, text, _kind, goal, *_ in demo._items(_Place(level, "示例")):
                n += 1
                if goal not in SKIPPED_GOALS:
                    items.append((n, site_id, title, text, demo.labelled_topics()[title]))
        return items, lambda a, b: True  # the county is below the city

    def _database(self):
        from cms.services import sites

        labels = demo.labelled_topics()
        rows = (
            Suggestion.objects.filter(title__in=list(labels), moderation_status="approved")
            .exclude(state__in=duplicates.EXCLUDED_STATES)
            .values_list("pk", "site_id", "title", "text")
        )  # fmt: skip
        items = [(pk, site_id, title, text, labels[title]) for pk, site_id, title, text in rows]
        lineages: dict[int, set[int]] = {}

        def related(a: int, b: int) -> bool:
            if a not in lineages:
                from wagtail.models import Site

                profile = Site.objects.get(pk=a).profile
                lineages[a] = {p.site_id for p in sites.ancestors(profile, include_self=True)}
                lineages[a] |= {p.site_id for p in sites.descendants(profile)}
            return b in lineages[a]

        return items, related
