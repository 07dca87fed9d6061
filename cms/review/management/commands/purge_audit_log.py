"""Delete audit log entries older than the retention period (never younger than 180 days)."""

from django.core.management.base import BaseCommand, CommandError

from cms.review.audit_chain import purge, retention_days


class Command(BaseCommand):
    help = "删除超过留存期限的审计日志(至少保存 180 天,更短的期限会被拒绝)。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            help=f"删除多少天以前的记录(默认 {retention_days()},不得更少)",
        )

    def handle(self, *args, older_than_days=None, **options):
        try:
            removed = purge(older_than_days)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"已删除 {removed} 条过期审计日志。")
