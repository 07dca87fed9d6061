"""Print the current TOTP code of the demo key (LIANXI_DEMO_TOTP_SEED), for `make demo`."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django_otp.oath import totp

from cms.security.twofactor import demo_key_hex


class Command(BaseCommand):
    help = "显示演示动态口令密钥当前的 6 位口令(只用于演示数据的账号)。"

    def handle(self, *args, **options):
        code = totp(bytes.fromhex(demo_key_hex()), step=30, digits=6)
        left = 30 - int(time.time()) % 30
        self.stdout.write(
            f"当前动态口令:{code:06d}(还有 {left} 秒失效;密钥 {settings.LIANXI_DEMO_TOTP_SEED})"
        )
