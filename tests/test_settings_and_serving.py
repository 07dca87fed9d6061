"""Settings come from the environment; production settings pass check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from cms.content.models import ArticlePage, ColumnPage, Confidentiality
from cms.content.publication import PublicationRefused

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="rd.example.org",
        LIANXI_ALLOW_DEV_SECRET="0",
        DATABASE_URL="postgresql://lianxi@db.example.org/lianxi",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", DEBUG="0", SECRET_KEY="", LIANXI_ALLOW_DEV_SECRET="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_environment_selects_database_and_cache():
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE']);"
        "print(settings.CACHES['default']['BACKEND']);"
        "print(settings.LANGUAGE_CODE, settings.TIME_ZONE)"
    )
    result = _manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgresql://postgres@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    lines = result.stdout.strip().splitlines()[-3:]
    assert lines == [
        "django.db.backends.postgresql",
        "cms.services.cache.ResilientRedisCache",  # django-redis, degrading when down
        "zh-hans Asia/Shanghai",
    ], result.stderr
    result = _manage("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-3:-1] == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ], result.stderr


@pytest.fixture
def news(site_group):
    return ColumnPage.objects.child_of(site_group["340123"].site.root_page).get(slug="news")


def test_not_public_page_can_never_be_published_or_served(news, client):
    page = ArticlePage(
        title="内部工作安排",
        slug="internal",
        date="2026-11-01",
        confidentiality=Confidentiality.NOT_PUBLIC,
    )
    news.add_child(instance=page)
    with pytest.raises(PublicationRefused):
        page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live  # built in code with Page's default live=True, still not live
    # Even if a not-public page were made live behind the guard's back, it is not served.
    ArticlePage.objects.filter(pk=page.pk).update(live=True)
    response = client.get(page.url_path, HTTP_HOST="340123.localhost")
    assert response.status_code == 404


def test_public_page_is_served_with_first_publication_time_fixed(news, client):
    page = ArticlePage(
        title="肥西县人大常委会召开第十五次会议", slug="meeting-15", date="2026-11-01"
    )
    news.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    first = page.first_published_at
    assert first is not None
    response = client.get(page.get_url(), HTTP_HOST="340123.localhost")
    assert response.status_code == 200
    assert "肥西县人大常委会召开第十五次会议" in response.content.decode()
    # A later edit and publish, or an attempt to rewrite it, keeps the recorded time.
    page.first_published_at = first.replace(year=2001)
    page.save()
    page.title = "肥西县人大常委会召开第十五次会议(更新)"
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.first_published_at == first
