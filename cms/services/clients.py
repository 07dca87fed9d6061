"""Who is asking: the client's address, from the trusted-proxy settings only.

Throttles (``cms.api.throttling``), and later login lockout and the audit
log, need the address of the client, not of the proxy in front of Lianxi.
``X-Forwarded-For`` is written by whoever sends the request, so it is read
only as far as the operator says proxies are trusted:

* ``LIANXI_TRUSTED_PROXY_COUNT`` = N: exactly N proxies of ours stand in front
  (a load balancer and nginx: 2). The client is the N-th address from the
  right of ``X-Forwarded-For`` (anything further left was written by the
  client and is ignored); with fewer entries, the left-most one.
* ``LIANXI_TRUSTED_PROXIES`` = addresses or networks of our proxies: when the
  peer (``REMOTE_ADDR``) is one of them, the header is walked from the right,
  skipping trusted proxies, and the first other address is the client.
* neither (the default): ``REMOTE_ADDR``, and the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _networks():
    value = getattr(settings, "LIANXI_TRUSTED_PROXIES", []) or []
    if isinstance(value, str):
        value = value.split(",")
    return [ipaddress.ip_network(v.strip(), strict=False) for v in value if v.strip()]


def _address(value: str):
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.9:5555
        value = value.split(":")[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(
        address.version == net.version and address in net for net in networks
    )


def client_ip(request) -> str:
    """The client's address as the trusted-proxy settings allow it to be known."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    forwarded = [
        a for a in (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if a.strip()
    ]
    count = int(getattr(settings, "LIANXI_TRUSTED_PROXY_COUNT", 0) or 0)
    if count > 0 and forwarded:
        address = _address(forwarded[-min(count, len(forwarded))])
        return str(address) if address is not None else remote
    networks = _networks()
    if networks and forwarded and _trusted(_address(remote), networks):
        for entry in reversed(forwarded):
            address = _address(entry)
            if address is None:
                return remote  # a malformed hop: trust nothing beyond it
            if not _trusted(address, networks):
                return str(address)
        return str(_address(forwarded[0]))
    return remote
