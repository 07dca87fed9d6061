"""Fake outside services (SMS gateway, WeChat API...) on 127.0.0.1 for the tests.

One small HTTP server per test on an ephemeral port; a test declares what each
route answers and reads back what was asked::

    from tests.fake_services import FakeService

    with FakeService() as sms:
        sms.route("POST", "/send", json={"id": "m-1"})
        settings.LIANXI_SMS_URL = sms.url("/send")
        ...
        assert sms.requests[0].json["mobile"] == "13800000000"

A route's answer is fixed (``status``, ``json``), a list of answers used in
turn (the last one repeats), or a function ``(request) -> (status, json)``.
Nothing here reaches beyond 127.0.0.1.
"""

from __future__ import annotations

import json as jsonlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None


Answer = tuple[int, Any]


@dataclass
class _Route:
    answers: list[Answer] | Callable[[Request], Answer]
    calls: int = 0
    delay: float = 0.0


@dataclass
class FakeService:
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self):
        self._routes: dict[tuple[str, str], _Route] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- declaring answers
    def route(self, method: str, path: str, *, status: int = 200, json: Any = None,
              answers: list[Answer] | None = None, handler: Callable[[Request], Answer] | None = None,
              delay: float = 0.0) -> None:  # fmt: skip
        """What ``method path`` answers: one answer, answers in turn, or a handler."""
        chosen: list[Answer] | Callable[[Request], Answer]
        chosen = handler or answers or [(status, {} if json is None else json)]
        self._routes[(method.upper(), path)] = _Route(chosen, delay=delay)

    def calls(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    # --- the server
    def __enter__(self) -> FakeService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def _handle(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                try:
                    parsed = jsonlib.loads(body) if body else None
                except ValueError:
                    parsed = None
                request = Request(
                    self.command, parts.path,
                    {k: v[-1] for k, v in parse_qs(parts.query).items()},
                    dict(self.headers.items()), body, parsed,
                )  # fmt: skip
                status, answer = service._answer(request)
                payload = jsonlib.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, path: str = "") -> str:
        assert self._server is not None, "use the service in a with block"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def _answer(self, request: Request) -> Answer:
        import time

        with self._lock:
            self.requests.append(request)
            route = self._routes.get((request.method, request.path))
            if route is None:
                return 404, {"error": "no such route"}
            route.calls += 1
            call, answers = route.calls, route.answers
        if route.delay:
            time.sleep(route.delay)
        if callable(answers):
            return answers(request)
        return answers[min(call, len(answers)) - 1]
