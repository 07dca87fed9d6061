"""``manage.py open_deputy_accounts --site CODE [--site CODE…]``: 开通账号 in bulk.

Opens (or reopens) the account of every sitting deputy of the sites' congresses;
prints the counts and names each deputy it could not open an account for.
"""

from django.core.management.base import BaseCommand, CommandError

from cms.services.sites import UnknownDivisionCode, get_site_profile
from plugins.deputies.accounts import open_accounts


class Command(BaseCommand):
    help = "为站点的在任代表开通移动端账号(开通账号)。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--site", action="append", required=True, help="站点的行政区划代码,可重复"
        )

    def handle(self, *args, **options):
        site_ids = []
        for code in options["site"]:
            try:
                site_ids.append(get_site_profile(code).site_id)
            except UnknownDivisionCode:
                raise CommandError(f"没有区划代码为 {code} 的站点。") from None
        report = open_accounts(site_ids)
        for name, reason in report.problems:
            self.stderr.write(f"未开通:{name}:{reason}")
        self.stdout.write(
            f"新开通 {report.counts['created']} 个账号,{report.counts['kept']} 个已开通,"
            f"{report.counts['refused']} 人未能开通。"
        )
