"""``manage.py import_suggestions SITE_CODE FILE.xlsx [--dry-run]``.

The admin's 导入历史议案建议 from the command line: the same checks, all or
nothing; row errors are printed as "第N行 列名:…" and make the command fail.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.plugins import is_enabled
from cms.services.sites import UnknownDivisionCode, get_site_profile
from plugins.suggestions.importer import import_workbook

#: Row errors printed before "…另有 K 处错误".
ERROR_LIMIT = 50


class Command(BaseCommand):
    help = "Import a past session's motions and suggestions from an XLSX workbook (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("site", help="the site's division code, e.g. 340123")
        parser.add_argument("file", help="the .xlsx file (the admin's import template)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")

    def handle(self, *args, site, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            profile = get_site_profile(site)
        except UnknownDivisionCode:
            raise CommandError(f"No site with division code {site}.") from None
        if not is_enabled("suggestions", profile.site_id):
            raise CommandError(f"The suggestions plugin is off for site {site}.")
        with path.open("rb") as handle:
            report = import_workbook(handle, site=profile.site, dry_run=dry_run)
        if not report.ok:
            raise CommandError(report.as_text(limit=ERROR_LIMIT))
        self.stdout.write(report.summary())
