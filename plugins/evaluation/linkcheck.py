"""Outbound link checks, politely: one request at a time per host, a pause between two.

Every URL goes through the core fetcher (``cms.services.fetch.probe``: public
addresses only, redirects checked again, time-capped; the body is never read).
URLs are grouped by host (``host:port``); ``LINK_WORKERS`` hosts are checked at the
same time, each host's URLs one after the other with ``LINK_HOST_INTERVAL`` seconds
between two requests, so no site of anyone's is hit harder than that however many
pages of the group link to it.

A link found working is trusted for ``LINK_RECHECK_HOURS`` (``LinkCheck`` rows); a
broken one is checked again at every inspection, so a link whose server came back
clears at the next run. A host is asked at most ``LINK_MAX_PER_HOST`` times a run
(links never checked first, then broken ones, then the longest unchecked); the
others keep their last outcome until a later run. Reserved names (``localhost``, ``*.test``, ``*.example``,
``*.invalid``, ``*.local``) are broken for the public without asking any server.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from cms.services import fetch

#: Answers that do not show a link is broken: the server limits robots, not readers.
NOT_BROKEN = {401, 403, 405, 429}
RESERVED = ("localhost", ".localhost", ".test", ".example", ".invalid", ".local")


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None = None
    reason: str = ""


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def classify(url: str) -> Outcome:
    """Check one URL now (no cache)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return Outcome(False, None, "网址格式错误")
    if not host:
        return Outcome(False, None, "网址缺少主机名")
    if host.endswith(RESERVED) or host == "localhost":
        return Outcome(False, None, "保留域名,公众无法访问")
    try:
        answer = fetch.probe(url, timeout=_settings()["LINK_TIMEOUT"])
    except fetch.FetchRefused:
        return Outcome(False, None, "指向内网或本机地址,公众无法访问")
    except fetch.FetchError as error:
        text = str(error)
        if "超时" in text:
            return Outcome(False, None, "访问超时")
        if "无法解析" in text:
            return Outcome(False, None, "域名无法解析")
        if "重定向" in text:
            return Outcome(False, None, "重定向过多")
        return Outcome(False, None, "无法连接")
    except Exception:  # a URL the HTTP library cannot even send: broken for readers too
        return Outcome(False, None, "无法连接")
    status = answer.status
    if status < 400 or status in NOT_BROKEN:
        return Outcome(True, status)
    if status in (404, 410):
        return Outcome(False, status, f"页面不存在(HTTP {status})")
    if status >= 500:
        return Outcome(False, status, f"服务器错误(HTTP {status})")
    return Outcome(False, status, f"访问出错(HTTP {status})")


def _settings() -> dict:
    from django.apps import apps

    return apps.get_app_config("evaluation").plugin_settings


def _host(url: str) -> str:
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return ""


def check(
    urls: Iterable[str],
    progress: Callable[[str, int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Outcome]:
    """``{url: Outcome}`` for every URL; working links checked within the recheck period
    come from ``LinkCheck`` without a request."""
    from .models import LinkCheck

    config = _settings()
    now = now or timezone.now()
    urls = sorted(set(urls))
    by_hash = {url_hash(u): u for u in urls}
    fresh_after = now - dt.timedelta(hours=float(config["LINK_RECHECK_HOURS"]))
    known: dict[str, Outcome] = {}  # trusted without a request
    last: dict[str, tuple] = {}  # the last outcome of the others: (checked_at, Outcome)
    hashes = list(by_hash)
    for start in range(0, len(hashes), 500):
        rows = LinkCheck.objects.filter(url_hash__in=hashes[start : start + 500]).values_list(
            "url_hash", "checked_at", "ok", "status", "reason"
        )
        for h, checked_at, ok, status, reason in rows:
            outcome = Outcome(ok, status, reason)
            if ok and checked_at >= fresh_after:
                known[by_hash[h]] = outcome
            else:
                last[by_hash[h]] = (checked_at, outcome)
    hosts: dict[str, list[str]] = {}
    for url in urls:
        if url not in known:
            hosts.setdefault(_host(url), []).append(url)
    # A host gets at most LINK_MAX_PER_HOST requests a run: links never checked first, then
    # broken ones (to confirm or clear them), then the longest unchecked; the rest keep
    # their last outcome until a later run (a link never checked is left out until then).
    budget = int(config["LINK_MAX_PER_HOST"])
    deferred: dict[str, Outcome] = {}
    for host, group in hosts.items():
        group.sort(key=lambda u: (u in last, bool(last.get(u, (0, Outcome(False)))[1].ok),
                                  last[u][0] if u in last else now, u))  # fmt: skip
        for url in group[budget:]:
            if url in last:
                deferred[url] = last[url][1]
        hosts[host] = group[:budget]
    todo = [u for group in hosts.values() for u in group]
    outcomes: dict[str, Outcome] = {}
    lock = threading.Lock()
    interval = float(config["LINK_HOST_INTERVAL"])
    total = len(todo)

    def one_host(host_urls: list[str]) -> None:
        for i, url in enumerate(host_urls):
            if i:
                time.sleep(interval)
            outcome = classify(url)
            with lock:
                outcomes[url] = outcome
                done = len(outcomes)
            if progress is not None and (done % 50 == 0 or done == total):
                progress("检查外部链接", done, total)

    if hosts:
        workers = max(1, min(int(config["LINK_WORKERS"]), len(hosts)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
            # The hosts with most links first: they set how long the whole check takes.
            for future in [pool.submit(one_host, group)
                           for group in sorted(hosts.values(), key=len, reverse=True)]:  # fmt: skip
                future.result()
    _remember(outcomes, now)
    return {**known, **deferred, **outcomes}


def _remember(outcomes: dict[str, Outcome], now: dt.datetime) -> None:
    from .models import LinkCheck

    rows = [LinkCheck(url_hash=url_hash(url), url=url, checked_at=now, ok=o.ok, status=o.status,
                      reason=o.reason[:200]) for url, o in outcomes.items()]  # fmt: skip
    for start in range(0, len(rows), 500):
        LinkCheck.objects.bulk_create(
            rows[start : start + 500], update_conflicts=True, unique_fields=["url_hash"],
            update_fields=["checked_at", "ok", "status", "reason"],
        )  # fmt: skip
