"""``python manage.py replay_search_outbox``: apply the index updates queued while the
search server was down (``search.outbox``); a scheduler will run it periodically."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from search import outbox


class Command(BaseCommand):
    help = "Apply the search index updates queued while the search server was unreachable."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="at most this many updates")
        parser.add_argument("--check", action="store_true", help="only count what is queued")

    def handle(self, *args, limit=None, check=False, **options):
        if check:
            self.stdout.write(f"{outbox.pending()} queued search index updates")
            return
        result = outbox.replay(limit=limit)
        self.stdout.write(
            f"applied {result['applied']} queued search index updates, {result['remaining']} remain"
        )
        if result["error"]:
            raise CommandError(f"search server still unavailable: {result['error']}")
