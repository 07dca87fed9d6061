"""The one outbound fetcher: every request Lianxi makes to a URL it was given.

Imports fetch images and attachments; link checks and availability probes
ask only for a URL's status (:func:`probe`). A URL comes from outside (an export file, an editor, a plugin's
record), so fetching it must not become a way into the intranet
(server-side request forgery). Every fetch goes through :func:`download`, :func:`get` or
:func:`probe`, which:

* accept only ``http``/``https`` URLs, with no user name or password in them;
* resolve the host and refuse it unless **every** address it resolves to is a
  public unicast address: loopback, private (RFC 1918, ``fc00::/7``), shared
  (100.64/10), link-local (169.254/16 with the cloud metadata service,
  ``fe80::/10``), multicast, unspecified and reserved ranges are refused,
  whatever the notation (``0x7f000001``, ``2130706433``, ``127.1``, octal,
  ``[::ffff:127.0.0.1]``, 6to4 and NAT64 forms of IPv4 addresses), since the
  resolver turns each into the address it means;
* check the address the socket actually connected to as well (a name that
  resolves differently the second time, "DNS rebinding", gains nothing) and
  never go through an environment proxy;
* follow redirects themselves, at most ``LIANXI_FETCH_MAX_REDIRECTS``, each
  new URL checked like the first;
* cap the size (``max_bytes``, default ``LIANXI_FETCH_MAX_BYTES``, checked on
  the declared length and on the bytes received) and the time
  (``LIANXI_FETCH_TIMEOUT`` seconds for the whole fetch, redirects included).

Intranet sources an operator trusts (an old site on 10.1.2.3) are allowed
explicitly with ``LIANXI_FETCH_ALLOWED_NETWORKS`` (addresses or CIDR
networks); nothing else can open them.

Failures raise :class:`FetchError` (or its subclass :class:`FetchRefused` for
an address that is not allowed) with a Chinese message for the user.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.poolmanager import PoolManager

USER_AGENT = "Lianxi/1.0"
CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: NAT64 (RFC 6052, 8215): the IPv4 address is in the last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


class FetchError(Exception):
    """A fetch that failed; ``str()`` is a Chinese message naming the URL."""


class FetchRefused(FetchError):
    """The URL names an address Lianxi may not contact."""


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    headers: Mapping[str, str]
    content_type: str  # lower case, without parameters
    size: int = 0
    path: Path | None = None  # download(): where the body was written
    content: bytes = b""  # get(): the body
    elapsed: float = 0.0  # probe(): seconds until the final answer's headers


def _setting(name: str, default):
    return getattr(settings, name, default)


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``LIANXI_FETCH_ALLOWED_NETWORKS`` parsed (a list, or a comma-separated string)."""
    value = _setting("LIANXI_FETCH_ALLOWED_NETWORKS", [])
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    return [ipaddress.ip_network(v.strip(), strict=False) for v in value if v and v.strip()]


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_problem(address: str | IPAddress) -> str | None:
    """Why ``address`` may not be contacted (a Chinese reason), or ``None`` if it may."""
    ip = ipaddress.ip_address(address.split("%")[0] if isinstance(address, str) else address)
    if any(ip in net for net in allowed_networks() if net.version == ip.version):
        return None
    inner = _embedded_ipv4(ip)
    if inner is not None:
        if any(inner in net for net in allowed_networks() if net.version == 4):
            return None
        ip = inner
    if ip.is_loopback:
        return "本机回环地址"
    if ip.is_link_local:
        return "链路本地地址"
    if ip.is_multicast:
        return "组播地址"
    if ip.is_unspecified:
        return "未指定地址"
    if ip.is_reserved:
        return "保留地址"
    if ip.is_private:
        return "内网地址"
    if not ip.is_global:
        return "保留地址"
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (numeric hosts in any notation included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError) as exc:
        raise FetchError(f"无法解析主机名“{host}”") from exc
    return list(dict.fromkeys(info[4][0] for info in infos))


def check_url(url: str) -> None:
    """Refuse ``url`` unless it is http(s) to a host whose every address may be contacted."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise FetchRefused(f"地址无效:{url}") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchRefused(f"只能下载 http(s) 地址:{url}")
    if parts.username or parts.password:
        raise FetchRefused(f"地址中不能含用户名或密码:{url}")
    host = parts.hostname
    if not host:
        raise FetchRefused(f"地址缺少主机名:{url}")
    for address in resolve(host, port):
        problem = address_problem(address)
        if problem:
            raise FetchRefused(f"拒绝访问{problem}:{url}(解析为 {address})")


# --- the checked connection ---------------------------------------------------------


def _check_peer(sock, host) -> None:
    try:
        peer = sock.getpeername()[0]
    except OSError:
        return
    problem = address_problem(peer)
    if problem:
        sock.close()
        raise FetchRefused(f"拒绝访问{problem}:{host}(连接到 {peer})")


class _CheckedHTTPConnection(HTTPConnection):
    def _new_conn(self):
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _CheckedHTTPSConnection(HTTPSConnection):
    def _new_conn(self):
        sock = super()._new_conn()
        _check_peer(sock, self.host)
        return sock


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self.poolmanager = PoolManager(num_pools=connections, maxsize=maxsize, block=block,
                                       **pool_kwargs)  # fmt: skip
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


def session() -> requests.Session:
    """A ``requests`` session whose every connection is checked; no environment proxies."""
    s = requests.Session()
    s.trust_env = False
    adapter = _CheckedAdapter()
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    return s


# --- fetching ----------------------------------------------------------------------


@contextmanager
def _open(url: str, *, timeout: float | None, headers: Mapping[str, str] | None):
    """The final response (redirects followed and checked), streaming, and a deadline."""
    timeout = timeout if timeout is not None else float(_setting("LIANXI_FETCH_TIMEOUT", 30))
    deadline = time.monotonic() + timeout
    max_redirects = int(_setting("LIANXI_FETCH_MAX_REDIRECTS", 5))
    s = session()
    sent = {"User-Agent": USER_AGENT, **(headers or {})}
    try:
        for _hop in range(max_redirects + 1):
            check_url(url)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"下载超时(超过 {timeout:g} 秒):{url}")
            try:
                response = s.get(url, stream=True, allow_redirects=False, headers=sent,
                                 timeout=(min(10, remaining), remaining))  # fmt: skip
            except FetchError:
                raise
            except requests.RequestException as exc:
                cause = exc
                while cause is not None and not isinstance(cause, FetchError):
                    cause = cause.__context__ or cause.__cause__
                if isinstance(cause, FetchError):  # refused at connect time
                    raise cause from None
                raise FetchError(f"下载失败:{url}({exc.__class__.__name__})") from exc
            if response.status_code in _REDIRECTS and response.headers.get("Location"):
                response.close()
                url = urljoin(url, response.headers["Location"])
                continue
            try:
                yield response, url, deadline, timeout
            finally:
                response.close()
            return
        raise FetchError(f"重定向次数过多(超过 {max_redirects} 次):{url}")
    finally:
        s.close()


def _chunks(response, url: str, limit: int, deadline: float, timeout: float) -> Iterator[bytes]:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(f"文件过大({declared} 字节),上限 {limit} 字节:{url}")
    size = 0
    raw = response.raw
    try:
        while True:
            # read1: what has arrived, so a server dripping bytes meets the deadline too.
            chunk = raw.read1(CHUNK, decode_content=True)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise FetchError(f"文件过大,上限 {limit} 字节:{url}")
            if time.monotonic() > deadline:
                raise FetchError(f"下载超时(超过 {timeout:g} 秒):{url}")
            yield chunk
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        raise FetchError(f"下载中断:{url}({exc.__class__.__name__})") from exc


def _fetched(response, url: str) -> Fetched:
    content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return Fetched(url, response.status_code, response.headers, content_type)


def download(
    url: str,
    target: Path,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """Fetch ``url`` into the file ``target``; only a ``200`` answer is written.

    Raises :class:`FetchError` for a refused address, a non-200 status (the
    message names it: ``返回 HTTP 404``), a body over ``max_bytes`` or a fetch
    over ``timeout`` seconds.
    """
    limit = max_bytes if max_bytes is not None else int(_setting("LIANXI_FETCH_MAX_BYTES", 0))
    limit = limit or 2**62
    with _open(url, timeout=timeout, headers=headers) as (response, final, deadline, seconds):
        result = _fetched(response, final)
        if response.status_code != 200:
            raise FetchError(f"下载失败:{final} 返回 HTTP {response.status_code}")
        try:
            with Path(target).open("wb") as out:
                for chunk in _chunks(response, final, limit, deadline, seconds):
                    result.size += len(chunk)
                    out.write(chunk)
        except BaseException:
            Path(target).unlink(missing_ok=True)
            raise
    result.path = Path(target)
    return result


def get(
    url: str,
    *,
    max_bytes: int | None = None,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """Fetch ``url`` into memory (any status: link checks read it); same checks and caps."""
    limit = max_bytes if max_bytes is not None else int(_setting("LIANXI_FETCH_MAX_BYTES", 0))
    limit = limit or 2**62
    with _open(url, timeout=timeout, headers=headers) as (response, final, deadline, seconds):
        result = _fetched(response, final)
        result.content = b"".join(_chunks(response, final, limit, deadline, seconds))
        result.size = len(result.content)
    return result


def probe(
    url: str,
    *,
    timeout: float | None = None,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """The answer's status and headers for ``url``, its body left unread: for link checks
    and availability probes. Same checks as :func:`get` (public addresses only, every
    redirect checked again, the whole fetch within ``timeout`` seconds); any status is
    returned (``404`` is an answer), a refused address, a failed connection or a timeout
    raise :class:`FetchError`. A ``GET``, not a ``HEAD``: many servers answer ``HEAD``
    wrongly, and the body is never read, only the headers wait for."""
    started = time.monotonic()
    with _open(url, timeout=timeout, headers=headers) as (response, final, _deadline, _s):
        result = _fetched(response, final)
        result.elapsed = time.monotonic() - started
    return result
