"""``manage.py export_deputies --format xlsx|popolo --site CODE --output FILE``.

The admin's export buttons from the command line: a site's deputies as XLSX
or Popolo JSON, public fields only.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cms.services.sites import UnknownDivisionCode, get_site_profile
from plugins.deputies import exporter, popolo


class Command(BaseCommand):
    help = "Export a site's deputies as XLSX or Popolo JSON (public fields only)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("xlsx", "popolo"), default="xlsx")
        parser.add_argument("--site", required=True, help="division code of the site")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args, format, site, output, **options):
        try:
            profile = get_site_profile(site)
        except UnknownDivisionCode:
            raise CommandError(f"No site with division code {site}.") from None
        if format == "xlsx":
            if output == "-":
                raise CommandError("XLSX is binary: give --output a file name.")
            data = exporter.export_workbook(profile.site_id)
        else:
            document = popolo.export_site(profile.site_id, base_url=profile.site.root_url)
            data = json.dumps(document, ensure_ascii=False, indent=2).encode()
        if output == "-":
            self.stdout.write(data.decode())
            return
        Path(output).write_bytes(data)
        self.stdout.write(f"{site}: wrote {len(data)} bytes to {output}")
