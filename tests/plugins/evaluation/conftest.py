"""Sites that pass every indicator, and helpers to break one thing at a time.

``healthy(profile)`` publishes a fresh, dated article in every column of a site, so an
inspection finds nothing; each test then breaks one thing on purpose, inspects through
``manage.py inspect_sites``, checks the finding, fixes the cause and inspects again.
No test reaches beyond 127.0.0.1: a guard fails any other connection.
"""

from __future__ import annotations

import datetime as dt
import io
import socket

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from cms.content.models import ArticlePage, ColumnPage, TownshipPage
from plugins.evaluation.models import Finding, SiteInspection

FEIXI, CHANGFENG, HEFEI, PROVINCE, WUHU = "340123", "340121", "340100", "340000", "340200"


@pytest.fixture(autouse=True)
def only_loopback_connections(monkeypatch):
    """No test may open a connection outside 127.0.0.0/8."""
    real = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        assert str(host).startswith("127."), f"a test tried to contact {address}"
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


def columns(profile) -> list:
    """Every column (栏目 and 乡镇人大) of a site, in tree order."""
    root = profile.site.root_page
    found = list(ColumnPage.objects.descendant_of(root)) + list(
        TownshipPage.objects.descendant_of(root)
    )
    return sorted(found, key=lambda c: c.path)


def column(profile, slug: str):
    return ColumnPage.objects.child_of(profile.site.root_page).get(slug=slug)


def article(parent, title, body="", *, days_ago=0, date="same", live=True, **extra):
    """An article first published ``days_ago`` days ago, showing that day unless told."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    shown = timezone.localtime(when).date() if date == "same" else date
    page = ArticlePage(title=title, date=shown, live=live,
                       body=[("paragraph", body or f"<p>{title}的正文。</p>")], **extra)  # fmt: skip
    parent.add_child(instance=page)
    Page.objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
    page.refresh_from_db()
    return page


def healthy(profile, days_ago: int = 1) -> None:
    """A fresh dated article in every column: nothing for an inspection to find."""
    for c in columns(profile):
        article(c, f"{c.title}最新动态", days_ago=days_ago)


def inspect(*codes: str, extra=()) -> str:
    out = io.StringIO()
    call_command("inspect_sites", *codes, *extra, stdout=out)
    return out.getvalue()


def latest(code: str) -> SiteInspection:
    return SiteInspection.objects.get(site__profile__division_code=code, is_latest=True)


def indicator(code: str, name: str) -> dict:
    return next(i for i in latest(code).indicators if i["code"] == name)


def found(code: str, name: str | None = None) -> list[Finding]:
    rows = latest(code).findings.all()
    return list(rows.filter(indicator=name) if name else rows)


def titles(code: str, name: str | None = None) -> list[str]:
    return [f.title for f in found(code, name)]


@pytest.fixture
def feixi(site_group):
    profile = site_group[FEIXI]
    healthy(profile)
    return profile


def age(parent, days: int) -> None:
    """The articles in ``parent`` were published (and dated) ``days`` days ago."""
    when = timezone.now() - dt.timedelta(days=days)
    Page.objects.child_of(parent).update(first_published_at=when, last_published_at=when)
    ArticlePage.objects.child_of(parent).update(date=timezone.localtime(when).date())


class LocalServer:
    """A web server on 127.0.0.1: ``routes`` maps a path to a status; it records when each
    request came and how many it was serving at once (the politeness checks)."""

    def __init__(self, routes: dict[str, int], delay: float = 0.0):
        import threading
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.routes, self.hits, self.busy, self.most = dict(routes), [], 0, 0
        lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                with lock:
                    server.busy += 1
                    server.most = max(server.most, server.busy)
                    server.hits.append((time.monotonic(), self.path))
                time.sleep(delay)
                status = server.routes.get(self.path, 404)
                body = b"<html><body>ok</body></html>"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with lock:
                    server.busy -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve():
    servers = []

    def start(routes, delay=0.0):
        server = LocalServer(routes, delay)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
