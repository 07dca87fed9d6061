"""``manage.py load_plugin_demo``: every enabled plugin's demo data, per site."""

from django.core.management.base import BaseCommand

from cms.plugins.demo import load_plugin_demo


class Command(BaseCommand):
    help = "Load each plugin's demo data on the sites that have it switched on."

    def handle(self, *args, **options):
        loaded = load_plugin_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Plugin demo data loaded ({len(loaded)} plugin(s))."))
