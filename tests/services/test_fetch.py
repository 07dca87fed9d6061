"""The core outbound fetcher refuses internal addresses, whatever the notation or the route.

Servers here are local (127.0.0.1, 127.0.0.2) and reached only where a test
allows them with ``LIANXI_FETCH_ALLOWED_NETWORKS``. Addresses that must be
refused are refused before any connection: a guard fails the test if a socket
is opened to anything but the loopback range.
"""

from __future__ import annotations

import http.server
import socket
import threading
import time

import pytest

from cms.services import fetch


@pytest.fixture(autouse=True)
def only_loopback_connections(monkeypatch):
    """No test may open a connection outside 127.0.0.0/8, refused or not."""
    real = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        assert str(host).startswith("127."), f"a test tried to contact {address}"
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


class Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        status, headers, body = self.routes.get(self.path, (404, {}, b"missing"))
        if callable(body):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            body(self.wfile)
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def serve():
    servers = []

    def start(routes, host="127.0.0.1"):
        handler = type("H", (Handler,), {"routes": routes})
        server = http.server.ThreadingHTTPServer((host, 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://{host}:{server.server_address[1]}", server.server_address[1]

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def test_loopback_in_every_notation_is_refused(serve, settings, tmp_path):
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = []
    base, port = serve({"/a.png": (200, {"Content-Type": "image/png"}, PNG)})
    for host in (
        "127.0.0.1", "localhost", "0x7f000001", "2130706433", "127.1", "0177.0.0.1",
        "017700000001", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "0.0.0.0",
        "[2002:7f00:1::]", "[64:ff9b::7f00:1]",
    ):  # fmt: skip
        with pytest.raises(fetch.FetchRefused, match="拒绝访问"):
            fetch.download(f"http://{host}:{port}/a.png", tmp_path / "x")
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "address, reason",
    [
        ("169.254.169.254", "链路本地"),  # the cloud metadata service
        ("10.0.0.1", "内网"),
        ("172.16.5.4", "内网"),
        ("192.168.1.1", "内网"),
        ("100.64.0.1", "保留"),  # carrier-grade NAT
        ("224.0.0.1", "组播"),
        ("240.0.0.1", "保留"),
        ("[fe80::1]", "链路本地"),
        ("[fd00::1]", "内网"),
        ("[ff02::1]", "组播"),
        ("[::ffff:169.254.169.254]", "链路本地"),
        ("0xa9fea9fe", "链路本地"),  # 169.254.169.254 in hex
    ],
)
def test_internal_addresses_are_refused_before_connecting(address, reason, tmp_path):
    with pytest.raises(fetch.FetchRefused, match=reason):
        fetch.download(f"http://{address}/latest/meta-data/", tmp_path / "x")


def test_only_http_urls_without_credentials():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://127.0.0.1/"):
        with pytest.raises(fetch.FetchRefused, match="http"):
            fetch.get(url)
    with pytest.raises(fetch.FetchRefused, match="用户名"):
        fetch.get("http://user:pw@127.0.0.1/")


def test_the_allow_list_opens_an_intranet_source(serve, settings, tmp_path):
    base, _port = serve({"/a.png": (200, {"Content-Type": "image/png"}, PNG)})
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    fetched = fetch.download(f"{base}/a.png", tmp_path / "a.png")
    assert fetched.status == 200 and fetched.content_type == "image/png"
    assert (tmp_path / "a.png").read_bytes() == PNG and fetched.size == len(PNG)
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = "10.0.0.0/8, 127.0.0.0/30"  # the env form
    assert fetch.get(f"{base}/a.png").content == PNG


def test_every_redirect_is_checked_again(serve, settings, tmp_path):
    # The allowed source (127.0.0.2) redirects to addresses that are not allowed.
    target, target_port = serve({"/secret": (200, {}, b"internal")})
    source, _ = serve(
        {
            "/to-loopback": (302, {"Location": f"{target}/secret"}, b""),
            "/to-hex": (302, {"Location": f"http://0x7f000001:{target_port}/secret"}, b""),
            "/to-metadata": (301, {"Location": "http://169.254.169.254/latest/"}, b""),
            "/relative": (302, {"Location": "/ok"}, b""),
            "/ok": (200, {"Content-Type": "text/plain"}, b"fine"),
            "/loop": (302, {"Location": "/loop"}, b""),
        },
        host="127.0.0.2",
    )
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    for path in ("/to-loopback", "/to-hex", "/to-metadata"):
        with pytest.raises(fetch.FetchRefused):
            fetch.download(f"{source}{path}", tmp_path / "x")
    fetched = fetch.get(f"{source}/relative")
    assert fetched.content == b"fine" and fetched.url == f"{source}/ok"
    with pytest.raises(fetch.FetchError, match="重定向次数过多"):
        fetch.get(f"{source}/loop")


def test_a_name_that_resolves_differently_at_connect_time_is_refused(serve, settings, monkeypatch):
    """DNS rebinding: the check resolves a public address, the connection gets loopback."""
    base, port = serve({"/": (200, {}, b"internal")})
    real = socket.getaddrinfo
    calls = []

    def rebinding(host, *args, **kwargs):
        if host == "rebind.test":
            calls.append(host)
            address = "93.184.216.34" if len(calls) == 1 else "127.0.0.1"
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    with pytest.raises(fetch.FetchRefused, match="连接到 127.0.0.1"):
        fetch.get(f"http://rebind.test:{port}/")


def test_size_and_time_are_capped(serve, settings, tmp_path):
    def slow(out):
        for _ in range(30):
            out.write(b"x" * 10)
            out.flush()
            time.sleep(0.1)

    def unannounced(out):
        out.write(b"y" * 5000)

    base, _ = serve(
        {
            "/big": (200, {}, b"z" * 5000),
            "/unannounced": (200, {"Connection": "close"}, unannounced),
            "/slow": (200, {"Connection": "close"}, slow),
        }
    )
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    with pytest.raises(fetch.FetchError, match="文件过大"):
        fetch.download(f"{base}/big", tmp_path / "big", max_bytes=1000)
    with pytest.raises(fetch.FetchError, match="文件过大"):
        fetch.get(f"{base}/unannounced", max_bytes=1000)
    assert not (tmp_path / "big").exists()
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="超时"):
        fetch.get(f"{base}/slow", timeout=1)
    assert time.monotonic() - started < 2.5
    with pytest.raises(fetch.FetchError, match="HTTP 404"):
        fetch.download(f"{base}/none", tmp_path / "none")


def test_environment_proxies_are_not_used(serve, settings, monkeypatch):
    base, _ = serve({"/": (200, {}, b"direct")})
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.9:9")
    assert fetch.get(f"{base}/").content == b"direct"


def test_unresolvable_names_are_a_clear_error(monkeypatch):
    def fail(*args, **kwargs):
        raise socket.gaierror("no")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(fetch.FetchError, match="无法解析主机名"):
        fetch.get("http://old-site.invalid/x")


def test_probe_answers_the_status_without_reading_the_body(serve, settings):
    """Link checks and availability probes: any status is an answer, the body is never
    read (a huge or endless body costs nothing), redirects are followed and checked."""

    def endless(out):
        for _ in range(50):
            out.write(b"x" * 1000)
            out.flush()
            time.sleep(0.1)

    base, port = serve(
        {
            "/ok": (200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>hi</p>"),
            "/gone": (404, {}, b"missing"),
            "/moved": (301, {"Location": "/ok"}, b""),
            "/endless": (200, {"Connection": "close"}, endless),
        }
    )
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(fetch.FetchRefused, match="本机回环地址"):
        fetch.probe(f"{base}/ok")
    settings.LIANXI_FETCH_ALLOWED_NETWORKS = ["127.0.0.1"]
    ok = fetch.probe(f"{base}/ok")
    assert (ok.status, ok.content_type, ok.content) == (200, "text/html", b"")
    assert 0 <= ok.elapsed < 5
    assert fetch.probe(f"{base}/gone").status == 404
    moved = fetch.probe(f"{base}/moved")
    assert (moved.status, moved.url) == (200, f"{base}/ok")
    started = time.monotonic()
    assert fetch.probe(f"{base}/endless", timeout=2).status == 200
    assert time.monotonic() - started < 2
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        free = closed.getsockname()[1]
    with pytest.raises(fetch.FetchError, match="下载失败"):
        fetch.probe(f"http://127.0.0.1:{free}/", timeout=2)
