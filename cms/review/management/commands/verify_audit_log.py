"""Check the audit log's hash chain; exit 1 naming the first broken entry."""

from django.core.management.base import BaseCommand, CommandError

from cms.review.audit_chain import verify


class Command(BaseCommand):
    help = "校验审计日志的哈希链,指出第一条被改动、删除或插入的记录。"

    def handle(self, *args, **options):
        checked, problem = verify()
        if problem is not None:
            raise CommandError(f"审计日志校验失败:{problem}(此前 {checked} 条完好)。")
        self.stdout.write(f"审计日志完好:已校验 {checked} 条。")
