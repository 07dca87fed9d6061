"""Repeated failed logins lock the account, and separately the address (django-axes)."""

from django.test import Client
from django.urls import reverse

LOGIN = "/admin/login/"


def attempt(client, username, password="wrong-password"):
    return client.post(LOGIN, {"username": username, "password": password})


def test_an_account_is_locked_after_five_failures_whatever_the_address(site_group, make_user):
    make_user("locked-editor", site_group["340123"].editors_group)
    for i in range(4):
        response = attempt(Client(REMOTE_ADDR=f"198.51.100.{i + 1}"), "locked-editor")
        assert response.status_code == 200, i  # the form again
    # The fifth failure locks the account.
    assert attempt(Client(REMOTE_ADDR="198.51.100.5"), "locked-editor").status_code == 429
    # The right password from yet another address: refused while locked.
    response = attempt(Client(REMOTE_ADDR="198.51.100.99"), "locked-editor", "pw-lianxi-test")
    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    # Another account from that address still logs in.
    make_user("other-editor", site_group["340123"].editors_group)
    response = attempt(Client(REMOTE_ADDR="198.51.100.99"), "other-editor", "pw-lianxi-test")
    assert response.status_code == 302


def test_an_address_is_locked_after_five_failures_on_any_accounts(site_group, make_user):
    make_user("fine-editor", site_group["340123"].editors_group)
    client = Client(REMOTE_ADDR="192.0.2.50")
    for i in range(4):
        assert attempt(client, f"nobody-{i}").status_code == 200
    assert attempt(client, "nobody-4").status_code == 429
    assert attempt(client, "fine-editor", "pw-lianxi-test").status_code == 429
    # The same account from another address is not locked.
    assert (
        attempt(Client(REMOTE_ADDR="192.0.2.51"), "fine-editor", "pw-lianxi-test").status_code
        == 302
    )


def test_a_forged_forwarded_header_does_not_escape_the_address_lock(site_group, make_user):
    make_user("xff-editor", site_group["340123"].editors_group)
    for i in range(5):
        client = Client(REMOTE_ADDR="192.0.2.60", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}")
        assert attempt(client, f"nobody-{i}").status_code == (429 if i == 4 else 200)
    client = Client(REMOTE_ADDR="192.0.2.60", HTTP_X_FORWARDED_FOR="10.9.9.200")
    assert attempt(client, "xff-editor", "pw-lianxi-test").status_code == 429


def test_behind_a_trusted_proxy_the_client_address_is_locked(site_group, make_user, settings):
    settings.LIANXI_TRUSTED_PROXY_COUNT = 1
    make_user("proxied-editor", site_group["340123"].editors_group)
    for i in range(5):
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.70")
        assert attempt(client, f"nobody-{i}").status_code == (429 if i == 4 else 200)
    blocked = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.70")
    assert attempt(blocked, "proxied-editor", "pw-lianxi-test").status_code == 429
    # Another client through the same proxy is not.
    other = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.71")
    assert attempt(other, "proxied-editor", "pw-lianxi-test").status_code == 302
    assert reverse("wagtailadmin_login") == LOGIN
