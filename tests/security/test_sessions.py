"""Idle and absolute session timeouts in the admin."""

import time

from django.test import Client

from cms.security import sessions


def logged_in(site_group, make_user, name):
    client = Client()
    client.force_login(make_user(name, site_group["340123"].editors_group))
    assert client.get("/admin/").status_code == 200
    return client


def age_session(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


def test_an_idle_session_is_logged_out(site_group, make_user, settings):
    client = logged_in(site_group, make_user, "idle-editor")
    age_session(client, sessions.SEEN, 29 * 60)
    assert client.get("/admin/").status_code == 200  # 29 minutes: still in
    age_session(client, sessions.SEEN, 31 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "长时间未操作" in client.get(response["Location"]).content.decode()


def test_a_busy_session_ends_at_the_absolute_limit(site_group, make_user, settings):
    client = logged_in(site_group, make_user, "busy-editor")
    age_session(client, sessions.STARTED, 7 * 3600)
    assert client.get("/admin/").status_code == 200
    age_session(client, sessions.STARTED, 8 * 3600 + 1)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert "登录时间已达上限" in client.get(response["Location"]).content.decode()


def test_the_session_cookie_lasts_no_longer_than_the_absolute_limit(settings):
    assert settings.SESSION_COOKIE_AGE == settings.LIANXI_SESSION_MAX_HOURS * 3600 == 8 * 3600
