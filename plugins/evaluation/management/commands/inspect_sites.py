"""``manage.py inspect_sites [codes...]``: inspect sites now, as the nightly run does.

Without codes: every site with the plugin on. ``--with-descendants`` adds the sites
under each code (a city and its counties). ``--no-outbound`` checks internal links
only. Prints each site's score and vetoes; exits with an error for an unknown code.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cms.services import sites
from plugins.evaluation import inspect
from plugins.evaluation.models import Trigger


class Command(BaseCommand):
    help = "立即考评站点(不指定代码则考评全部启用网站考评的站点)。"

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", help="站点的行政区划代码")
        parser.add_argument("--with-descendants", action="store_true", help="包括所辖下级站点")
        parser.add_argument("--no-outbound", action="store_true", help="不检查外部链接")

    def handle(self, *args, codes, with_descendants, no_outbound, **options):
        profiles = None
        if codes:
            profiles = []
            for code in codes:
                try:
                    profile = sites.get_site_profile(code)
                except sites.UnknownDivisionCode:
                    raise CommandError(f"没有行政区划代码为 {code} 的站点。") from None
                profiles += (
                    sites.descendants(profile, include_self=True) if with_descendants else [profile]
                )
        chosen = inspect.sites_to_inspect(profiles)
        if not chosen:
            raise CommandError("没有启用网站考评的站点可以考评。")
        self.stdout.write(f"考评 {len(chosen)} 个站点……")
        run = inspect.run(
            chosen, trigger=Trigger.COMMAND, check_outbound=False if no_outbound else None
        )
        for result in run.results.select_related("site__profile").order_by(
            "site__profile__division_code"
        ):
            profile = result.site.profile
            verdict = "单项否决" if result.vetoed else ("合格" if result.passed else "不合格")
            vetoes = f"({'、'.join(result.vetoes)})" if result.vetoes else ""
            self.stdout.write(f"{profile.division_code} {profile.name}:{result.score_text}分,{verdict}{vetoes},"
                              f"问题{result.finding_count}项")  # fmt: skip
        self.stdout.write(f"完成:考评批次 {run.pk},检查外部链接 {run.links_checked} 个。")
