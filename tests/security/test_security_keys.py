"""Security keys (WebAuthn/FIDO2) as the other second factor, driven through the admin's
ceremony endpoints by a software authenticator (a real P-256 key pair, attestation
"none", assertions signed as a key would)."""

import hashlib
import json
import os
import re
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode

import cbor2
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from wagtail.models import ModelLogEntry

RP_ID = "localhost"  # LIANXI_WEBAUTHN_RP_ID's default
ORIGIN = "http://localhost:8000"  # LIANXI_WEBAUTHN_ORIGINS' default
BASE = "/admin/security/webauthn/"


def b64u(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftKey:
    """A security key in software: what a browser hands over after the user touches it."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0

    def _cose_public_key(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,
                3: -7,
                -1: 1,
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    @staticmethod
    def _client_data(kind, challenge, origin=ORIGIN) -> bytes:
        data = {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        return json.dumps(data).encode()

    def create(self, options, origin=ORIGIN) -> dict:
        assert options["rp"]["id"] == RP_ID
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        attested = (
            bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        auth_data = hashlib.sha256(RP_ID.encode()).digest() + bytes([0x45]) + struct.pack(">I", 0)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data + attested})
        return {
            "id": b64u(self.credential_id),
            "rawId": b64u(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64u(client_data),
                "attestationObject": b64u(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options, signer=None) -> dict:
        allowed = {item["id"] for item in options.get("allowCredentials", [])}
        assert b64u(self.credential_id) in allowed
        self.sign_count += 1
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth_data = (
            hashlib.sha256(RP_ID.encode()).digest()
            + bytes([0x05])
            + struct.pack(">I", self.sign_count)
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = (signer or self.private).sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64u(self.credential_id),
            "rawId": b64u(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64u(client_data),
                "authenticatorData": b64u(auth_data),
                "signature": b64u(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


def call(client, step, body=None):
    return client.post(f"{BASE}{step}/", json.dumps(body or {}), content_type="application/json")


def password_login(client, username, password="pw-lianxi-test"):
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def register(client, key, **create_kwargs):
    begin = call(client, "registration/begin")
    assert begin.status_code == 200, begin.content
    return call(client, "registration/complete", key.create(begin.json(), **create_kwargs))


def authenticate(client, key, **get_kwargs):
    begin = call(client, "authentication/begin")
    assert begin.status_code == 200, begin.content
    return call(client, "authentication/complete", key.get(begin.json(), **get_kwargs))


@pytest.fixture
def reviewer(site_group, make_user):
    return make_user("fx-key", site_group["340123"].first_reviewers_group)


def test_a_reviewer_binds_a_security_key_instead_of_totp_and_logs_in_with_it(reviewer):
    key = SoftKey()
    client = Client(REMOTE_ADDR="203.0.113.30")
    password_login(client, "fx-key")
    enrol = client.get("/admin/")
    assert enrol["Location"].startswith("/admin/security/second-factor/enrol/")
    html = client.get(enrol["Location"]).content.decode()
    assert "绑定安全密钥" in html and 'data-webauthn="register"' in html
    assert 'src="/static/security/webauthn.js"' in html and "<script>" not in html

    done = register(client, key)
    assert done.status_code == 200, done.content
    credential = WebAuthnCredential.objects.get(user=reviewer)
    assert credential.confirmed and not TOTPDevice.objects.filter(user=reviewer, confirmed=True)
    assert client.get("/admin/").status_code == 200  # registering also verified this session
    (entry,) = ModelLogEntry.objects.filter(action="lianxi.security_key_enrolled")
    assert entry.data["ip"] == "203.0.113.30" and entry.user_id == reviewer.pk

    # The next login: the password, then the key (no code to type: no TOTP bound).
    client = Client()
    password_login(client, "fx-key")
    verify = client.get("/admin/")
    assert verify["Location"].startswith("/admin/security/second-factor/verify/")
    page = client.get(verify["Location"]).content.decode()
    assert "使用安全密钥登录" in page and 'name="code"' not in page
    assert client.get("/api/v1/me/").status_code in (401, 403)  # still anonymous there
    ok = authenticate(client, key)
    assert ok.status_code == 200, ok.content
    assert client.get("/admin/").status_code == 200
    explorer = client.get("/admin/pages/", follow=True)
    assert explorer.status_code == 200 and "second-factor" not in explorer.request["PATH_INFO"]
    credential.refresh_from_db()
    assert credential.sign_count == 1


def test_a_wrong_assertion_is_refused(reviewer, make_user):
    key = SoftKey()
    client = Client()
    password_login(client, "fx-key")
    assert register(client, key).status_code == 200

    client = Client()
    password_login(client, "fx-key")
    forged = authenticate(client, key, signer=ec.generate_private_key(ec.SECP256R1()))
    assert forged.status_code in (400, 403, 422), forged.content
    assert client.get("/admin/")["Location"].startswith("/admin/security/second-factor/verify/")
    assert ModelLogEntry.objects.filter(action="lianxi.security_key_failed").exists()

    # A genuine assertion cannot be replayed: its challenge was used up.
    begin = call(client, "authentication/begin").json()
    genuine = key.get(begin)
    assert call(client, "authentication/complete", genuine).status_code == 200
    other = Client()
    password_login(other, "fx-key")
    call(other, "authentication/begin")
    assert call(other, "authentication/complete", genuine).status_code in (400, 403, 422)
    assert other.get("/admin/").status_code == 302

    # Another user's key does not verify this user; nor does a key from another origin.
    make_user("fx-key-2", reviewer.groups.first())
    second = Client()
    password_login(second, "fx-key-2")
    assert register(second, SoftKey(), origin="https://evil.example").status_code in (400, 422)
    begin = call(second, "authentication/begin").json()
    begin["allowCredentials"] = [{"id": b64u(key.credential_id), "type": "public-key"}]
    stolen = call(second, "authentication/complete", key.get(begin))
    assert stolen.status_code in (400, 403, 404)
    assert second.get("/admin/").status_code == 302


def test_a_key_is_never_a_login_without_the_password(reviewer):
    key = SoftKey()
    client = Client()
    password_login(client, "fx-key")
    assert register(client, key).status_code == 200
    anonymous = Client()
    begin = call(anonymous, "authentication/begin")
    assert begin.status_code != 200
    assert anonymous.get("/admin/").status_code == 302


def test_with_an_authenticator_bound_the_code_comes_first_then_a_key_may_be_added(
    reviewer, unverified_login
):
    TOTPDevice.objects.create(user=reviewer, name="手机", confirmed=True)
    client = Client()
    unverified_login(client, reviewer)
    refused = call(client, "registration/begin")
    assert refused.status_code == 403 and refused.json()["code"] == "user_not_verified"
    assert not WebAuthnCredential.objects.filter(user=reviewer).exists()

    client.force_login(reviewer)  # password and code
    account = client.get("/admin/account/").content.decode()
    assert "安全密钥" in account and "/admin/security/second-factor/enrol/" in account
    page = client.get("/admin/security/second-factor/enrol/")
    assert page.status_code == 200 and "添加安全密钥" in page.content.decode()
    assert register(client, SoftKey()).status_code == 200
    assert WebAuthnCredential.objects.filter(user=reviewer).count() == 1
    # At the next login both are offered.
    client = Client()
    password_login(client, "fx-key")
    page = client.get("/admin/security/second-factor/verify/").content.decode()
    assert 'name="code"' in page and "使用安全密钥登录" in page


def test_the_security_admin_sees_and_resets_security_keys(reviewer, role_users):
    key = SoftKey()
    client = Client()
    password_login(client, "fx-key")
    assert register(client, key).status_code == 200
    admin = Client()
    admin.force_login(role_users["security"])
    page = admin.get("/admin/security/second-factor/").content.decode()
    row = page[page.index("fx-key") :].split("</tr>")[0]
    assert "1 个" in row
    assert admin.post(f"/admin/security/second-factor/{reviewer.pk}/reset/").status_code == 302
    assert not WebAuthnCredential.objects.filter(user=reviewer).exists()
    entry = ModelLogEntry.objects.get(action="lianxi.second_factor_reset")
    assert entry.data["security_keys"] == 1
    # The next login binds a factor again.
    client = Client()
    password_login(client, "fx-key")
    assert client.get("/admin/")["Location"].startswith("/admin/security/second-factor/enrol/")


def test_the_key_button_sends_a_csrf_token_the_begin_endpoint_accepts(reviewer):
    """webauthn.js posts the CSRF token it finds inside its own box; a real browser
    (unlike the test client) is refused without it."""
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        "/admin/login/",
        {"username": "fx-key", "password": "pw-lianxi-test", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    html = client.get("/admin/security/second-factor/enrol/").content.decode()
    box = re.search(r'<div class="security-key" data-webauthn="register".*?</div>', html, re.S)
    assert box, html[:500]
    inner = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', box.group(0))
    assert inner, "no CSRF token inside the security-key box"
    refused = client.post(f"{BASE}registration/begin/", "{}", content_type="application/json")
    assert refused.status_code == 403
    begin = client.post(
        f"{BASE}registration/begin/",
        "{}",
        content_type="application/json",
        headers={"X-CSRFToken": inner.group(1)},
    )
    assert begin.status_code == 200, begin.content
