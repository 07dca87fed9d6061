"""``manage.py load_demo``: load the Anhui demo site group (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from fixtures.demo import DemoError, load_demo


class Command(BaseCommand):
    help = "加载安徽省人大网站群演示数据(省、16个市、合肥市所辖县区、乡镇人大栏目、内容和演示账号);可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--small",
            action="store_true",
            help="只加载少量内容(测试用):全部站点和乡镇栏目,但每类页面只建几个。",
        )

    def handle(self, *args, **options):
        try:
            load_demo(self.stdout, small=options["small"])
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
