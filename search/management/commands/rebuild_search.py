"""``python manage.py rebuild_search [--site CODE]``: re-index pages and plugin records.

Safe while the site serves searches: rows are replaced in place (embedded
engine) or a new index is built and the alias swapped (Elasticsearch).
"""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from cms.sitegroup.tree import UnknownDivisionCode, get_site_profile
from search.backends import EngineUnavailable, get_engine
from search.documents import count_pages, count_records
from search.indexing import rebuild


class Progress:
    def __init__(self, total: int, stream, enabled: bool):
        self.total, self.done, self.stream, self.enabled = max(total, 1), 0, stream, enabled
        self.started = time.monotonic()

    def __call__(self, n: int) -> None:
        self.done += n
        if not self.enabled:
            return
        width = 30
        filled = min(width, int(width * self.done / self.total))
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/~{self.total} ({rate:.0f}/s)"
        )
        self.stream.flush()


class Command(BaseCommand):
    help = "Rebuild the search index (all sites, or one with --site CODE)."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="division code of one site, e.g. 340123")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, site=None, no_progress=False, **options):
        profile = None
        if site:
            try:
                profile = get_site_profile(site)
            except UnknownDivisionCode:
                raise CommandError(f"No site with division code {site}.") from None
        engine = get_engine()
        total = count_pages(profile) + count_records(profile)
        show = not no_progress and sys.stderr.isatty()
        progress = Progress(total, sys.stderr, show)
        started = time.monotonic()
        try:
            summary = rebuild(profile, progress=progress)
        except EngineUnavailable as exc:
            raise CommandError(f"search server unavailable: {exc.reason}") from None
        if show:
            sys.stderr.write("\n")
        elapsed = time.monotonic() - started
        scope = site or "all sites"
        self.stdout.write(
            f"search ({engine.name}) {scope}: indexed {summary['indexed']}, "
            f"removed {summary['removed']} stale, in {elapsed:.1f}s"
        )
