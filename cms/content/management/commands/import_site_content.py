"""``manage.py import_site_content FILE --site CODE [--dry-run]``: migrate an old site's articles.

The format is documented in ``docs/import-format.md``; the logic lives in
``cms.content.importer`` so it is usable from code and tests.
"""

from django.core.management.base import BaseCommand, CommandError

from cms.content.importer import ImportFailed, import_site_content


class Command(BaseCommand):
    help = (
        "导入旧网站内容(JSON Lines,每行一篇文章)到指定站点的栏目:先校验全部行,"
        "有任何错误则报告行号与原因且不写入;--dry-run 只校验并报告。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="JSON Lines 导出文件(UTF-8)")
        parser.add_argument(
            "--site",
            required=True,
            metavar="CODE",
            help="站点的6位行政区划代码(如 340123);乡镇9位代码则栏目路径相对于该乡镇人大栏目",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只校验并报告将新建/更新的文章,不写入"
        )

    def handle(self, *args, file, site, dry_run, verbosity, **options):
        log = self.stdout.write if verbosity >= 1 else None
        try:
            report = import_site_content(file, site, dry_run=dry_run, log=log)
        except ImportFailed as exc:
            count = len(exc.errors)
            raise CommandError(
                f"导入失败,共 {count} 处错误,未写入任何内容:\n"
                + "\n".join(str(e) for e in exc.errors)
            ) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
