"""A fake SMS gateway and WeChat API on 127.0.0.1, and a mini-program client."""

from __future__ import annotations

import pytest

from tests.accounts.miniprogram import MiniProgram
from tests.fake_services import FakeService


@pytest.fixture
def gateway(settings):
    with FakeService() as service:
        service.route("POST", "/sms/send", json={"id": "sms-1"})
        settings.LIANXI_SMS_URL = service.url("/sms/send")
        settings.LIANXI_SMS_KEY = "test-key"
        yield service


@pytest.fixture
def wechat_api(settings):
    with FakeService() as service:
        settings.LIANXI_WECHAT_APP_ID = "wx-test"
        settings.LIANXI_WECHAT_APP_SECRET = "wx-secret"
        settings.LIANXI_WECHAT_API_BASE = service.url()
        yield service


@pytest.fixture
def app(gateway, site_group):
    return MiniProgram(gateway)
