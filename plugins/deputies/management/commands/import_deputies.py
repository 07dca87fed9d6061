"""``manage.py import_deputies FILE [--site CODE] [--dry-run] [--no-progress]``.

The admin's Excel import for files too large to upload through a browser:
the same checks, all or nothing; row errors are printed as "第N行 列名：…"
and make the command fail.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.services.sites import UnknownDivisionCode, get_site_profile
from plugins.deputies.importer import import_workbook

#: Row errors printed before "…and K more".
ERROR_LIMIT = 50
STAGES = {"check": "校验", "plan": "比对", "write": "写入"}


class Progress:
    """A one-line progress bar on a terminal: stage, done/total, rows per second."""

    def __init__(self, stream, enabled: bool):
        self.stream, self.enabled = stream, enabled
        self.started = time.monotonic()
        self.stage = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            if self.stage is not None:
                self.stream.write("\n")
            self.stage, self.started = stage, time.monotonic()
        rate = done / max(time.monotonic() - self.started, 1e-6)
        if total:
            width, total = 30, max(total, done)
            filled = int(width * done / total)
            bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        else:  # a sheet written without its dimensions: the row count is unknown
            bar = f"{done}"
        self.stream.write(f"\r{STAGES.get(stage, stage)} {bar} ({rate:.0f}/s)")
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled and self.stage is not None:
            self.stream.write("\n")


class Command(BaseCommand):
    help = "Import deputies from an XLSX register (the admin's import template)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--site", help="only congresses of this site (division code)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, file, site=None, dry_run=False, no_progress=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        site_ids = None
        if site:
            try:
                site_ids = [get_site_profile(site).site_id]
            except UnknownDivisionCode:
                raise CommandError(f"No site with division code {site}.") from None
        progress = Progress(sys.stderr, not no_progress and sys.stderr.isatty())
        started = time.monotonic()
        with path.open("rb") as handle:
            report = import_workbook(handle, site_ids=site_ids, dry_run=dry_run, progress=progress)
        progress.finish()
        if not report.ok:
            raise CommandError(report.as_text(limit=ERROR_LIMIT))
        self.stdout.write(f"{report.summary()} 用时 {time.monotonic() - started:.1f}s")
