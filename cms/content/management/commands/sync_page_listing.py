"""``manage.py sync_page_listing [--path TREEPATH]``: rebuild the page lists' index.

The index (``cms.content.models.ListedPage``) follows every page save, move and
delete by itself; run this after writes that fire no signals: bulk inserts of
pages, ``QuerySet.update()`` of ``live``, a restored database dump.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from cms.content import listing


class Command(BaseCommand):
    help = "重建页面列表索引(批量写入页面之后运行)"

    def add_arguments(self, parser):
        parser.add_argument("--path", default="", help="只重建这个树路径及其下的页面")

    def handle(self, *args, path="", **options):
        started = time.perf_counter()
        written = listing.sync(path=path or None)
        self.stdout.write(
            f"页面列表索引:已写入 {written} 行,用时 {time.perf_counter() - started:.1f} 秒"
        )
