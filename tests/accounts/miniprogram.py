"""A mini-program client for the tests: asks for a code, reads it off the fake SMS gateway."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.fake_services import FakeService

MOBILE = "13812345678"


class MiniProgram:
    """What a mini-program does: ask for a code, read it from the SMS, log in, call the API."""

    def __init__(self, gateway: FakeService, device_id: str = "phone-1"):
        self.client = APIClient()
        self.gateway = gateway
        self.device_id = device_id
        self.tokens: dict | None = None

    def last_code(self, mobile: str = MOBILE) -> str:
        sent = [r.json for r in self.gateway.calls("/sms/send") if r.json["mobile"] == mobile]
        assert sent and sent[-1]["template"] == "login_code"
        return sent[-1]["params"]["code"]

    def request_code(self, mobile: str = MOBILE):
        return self.client.post("/api/v1/auth/sms-code/", {"mobile": mobile}, format="json")

    def login(self, mobile: str = MOBILE, code: str | None = None):
        if code is None:
            assert self.request_code(mobile).status_code == 202
            code = self.last_code(mobile)
        response = self.client.post(
            "/api/v1/auth/sms-login/",
            {
                "mobile": mobile,
                "code": code,
                "device_id": self.device_id,
                "device_name": "测试手机",
            },
            format="json",
        )
        if response.status_code == 200:
            self.tokens = response.json()
            self.use(self.tokens["access_token"])
        return response

    def use(self, access_token: str | None):
        if access_token:
            self.client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
        else:
            self.client.credentials()

    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)
