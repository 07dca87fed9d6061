"""``manage.py cleanup_media_files [--grace-minutes 60] [--dry-run]``: delete stored
files no image, rendition or document refers to (left by a process killed while it
wrote them); a scheduler will run it."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from cms.content.media_cleanup import delete_orphans, orphan_files


class Command(BaseCommand):
    help = "Delete media files that no image, rendition or document refers to."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-minutes", type=int, default=60,
            help="leave files younger than this alone (uploads in progress); default 60",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args, grace_minutes=60, dry_run=False, **options):
        older_than = dt.timedelta(minutes=grace_minutes)
        if dry_run:
            names = [name for _storage, name in orphan_files(older_than=older_than)]
        else:
            names = delete_orphans(older_than=older_than)
        for name in names:
            self.stdout.write(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(names)} unreferenced media files")
