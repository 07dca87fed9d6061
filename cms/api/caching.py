"""HTTP caching of the public API: ``ETag``/``Cache-Control``/``304`` and a server-side cache.

``ApiCacheMiddleware`` sits near the top of ``MIDDLEWARE`` and handles every
``GET`` under ``/api/v1/`` (core and plugin routes alike, without touching
their views):

* **anonymous** requests (no ``Authorization`` header, no session cookie) are
  looked up in the Django cache *before* URL resolution, DRF or any database
  query: one ``get_many`` for the generations, one ``get`` for the response.
  A miss runs the view and stores ``200`` (and ``404``) responses with their
  headers; errors such as a ``400`` for a bad parameter are never stored.
  Public responses carry ``Cache-Control: public, max-age=60,
  stale-while-revalidate=…``, an ``ETag`` computed from the body, and
  ``Vary: Accept, Accept-Language, Authorization`` (``Origin`` is added by the
  CORS middleware); ``If-None-Match`` answers ``304``.
* requests with **credentials** are never served from or stored in the cache
  and get ``Cache-Control: private, no-store``; so are responses that set a
  cookie (the offline Swagger UI sets ``csrftoken``).

Invalidation is by generation: the key of a response includes a global
generation and the generation of the site the request names (``?site=`` or
``/sites/<code>/``; requests that name no site use the "group" generation,
which every site bump also changes). ``invalidate_site()`` and
``invalidate_all()`` replace a generation with a fresh token, so every older
entry becomes unreachable at once and expires by its timeout.
``cms.apiaccess.invalidation`` calls them on publish, unpublish, move,
delete and the other changes listed there; management commands that write
in bulk call them too. ``cached_by_tree()`` keeps values derived from the
whole page tree (the hidden subtrees of ``cms.sitegroup.visibility``) under
the global and group generations, so the same invalidations renew them.

With ``REDIS_URL`` every process shares the generations. With the default
local-memory cache each process has its own, so a change made in another
process (a management command beside ``runserver``, another gunicorn worker)
is announced through a small file, ``LIANXI_API_CACHE_EPOCH_FILE``: every
invalidation writes a new token there, and a process that finds a token it did
not write forgets its whole cache before answering (a file read per request,
no database query).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

API_PREFIX = "/api/v1/"
GLOBAL_GEN = "lxapi:gen:global"
GROUP_GEN = "lxapi:gen:group"  # responses that name no single site
SITE_GEN = "lxapi:gen:site:"
CACHE_HEADER = "X-Lianxi-Cache"

VARY = ("Accept", "Accept-Language", "Authorization")
_SITE_IN_PATH = re.compile(r"^/api/v1/sites/(\d{6})(?:\d{3})?/")
# Headers never stored with a cached response: per request or per client.
_UNSTORED = {"set-cookie", "date", "x-lianxi-cache", "content-length"}


def _conf(name: str, default):
    return getattr(settings, name, default)


def _cache():
    return caches[_conf("LIANXI_API_CACHE_ALIAS", "default")]


# --- generations ---------------------------------------------------------------


def _new_token() -> str:
    return uuid.uuid4().hex[:12]


# --- changes made by other processes (local-memory cache only) -------------------

logger = logging.getLogger(__name__)
_seen_epoch: str | None = None  # the last epoch token this process knows of


def _epoch_file(cache) -> Path | None:
    if not isinstance(cache, LocMemCache):
        return None  # a shared cache (Redis) already carries every process's changes
    configured = _conf("LIANXI_API_CACHE_EPOCH_FILE", "")
    return Path(configured) if configured else Path(settings.BASE_DIR) / "var" / "api-cache-epoch"


def _read_epoch(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii")
    except (FileNotFoundError, UnicodeDecodeError):
        return ""


def _announce(cache) -> None:
    """Tell the other processes this one changed something (a new epoch token)."""
    global _seen_epoch
    path = _epoch_file(cache)
    if path is None:
        return
    token = _new_token()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(token, encoding="ascii")
        os.replace(temporary, path)  # atomic: a reader sees the old token or the new one
    except OSError:
        logger.warning("Cannot write %s: other processes keep their cached API answers", path)
        return
    _seen_epoch = token


def _forget_foreign_changes(cache) -> None:
    """Another process announced a change: forget every cached answer of this one."""
    global _seen_epoch
    path = _epoch_file(cache)
    if path is None:
        return
    token = _read_epoch(path)
    if _seen_epoch is None:
        _seen_epoch = token  # this process's cache started after it
    elif token != _seen_epoch:
        _seen_epoch = token
        cache.set_many({GLOBAL_GEN: _new_token(), GROUP_GEN: _new_token()}, timeout=None)


def _bump(keys: list[str]) -> None:
    def bump():
        cache = _cache()
        cache.set_many({key: _new_token() for key in keys}, timeout=None)
        _announce(cache)

    bump()
    if transaction.get_connection().in_atomic_block:
        # Again once the change is visible to other connections, so a request
        # that read the old rows meanwhile cannot leave them under the new key.
        transaction.on_commit(bump)


def _generations(cache, keys: list[str]) -> dict:
    """The current tokens; a missing one (never set, evicted) gets a fresh token, never a
    default, so entries stored under an older token can never be served again."""
    gens = cache.get_many(keys)
    for key in keys:
        if key not in gens:
            token = _new_token()
            gens[key] = token if cache.add(key, token, None) else cache.get(key, token)
    return gens


def site_code(code: str) -> str:
    """The six-digit site code a request's code addresses (a township's is its county's)."""
    return code[:6]


def invalidate_site(*codes: str) -> None:
    """Forget every cached response of these sites (division codes), of the sites above
    them (their descendant searches and child lists; ``cms.sitegroup.tree``), and the group's."""
    from cms.sitegroup.tree import ancestor_codes

    keys = [SITE_GEN + code for code in ancestor_codes([c for c in codes if c])]
    _bump([*keys, GROUP_GEN])


def invalidate_all() -> None:
    """Forget every cached API response (site set, settings, anything shared)."""
    _bump([GLOBAL_GEN, GROUP_GEN])


def tree_generation() -> str:
    """A token that changes with every invalidation above (any site's, or all).

    Every change that can alter what the public sees of the page tree (publish,
    unpublish, save, move, delete, view restriction: ``cms.apiaccess.invalidation``)
    calls ``invalidate_site`` or ``invalidate_all``, and both bump the group's
    generation. When the cache does not answer, the token is new each time.
    """
    cache = _cache()
    _forget_foreign_changes(cache)
    gens = _generations(cache, [GLOBAL_GEN, GROUP_GEN])
    return f"{gens[GLOBAL_GEN]}.{gens[GROUP_GEN]}"


def _in_open_transaction() -> bool:
    """Inside a transaction that may still roll back (a test case's own does not count,
    nor an API write's: ``api_write_transaction``)."""
    from django.db import connection

    return any(
        not (getattr(block, "_from_testcase", False) or getattr(block, "_keeps_tree", False))
        for block in connection.atomic_blocks
    )


def api_write_transaction():
    """The transaction of an API write (``cms.api.idempotency``): what users post through
    the API never changes the page tree, so ``cached_by_tree`` may keep what it reads
    inside it (the site of ``?site=``, the hidden subtrees)."""
    from django.db import transaction

    block = transaction.atomic()
    block._keeps_tree = True
    return block


def cached_by_tree(name: str, compute):
    """``compute()``, kept in the cache until the page tree changes (``tree_generation``).

    For values every request needs and few writes change (the hidden subtrees of
    ``cms.sitegroup.visibility``). Without a cache (Redis down) it is ``compute()``
    each time. A value read inside a transaction that may still roll back is not
    kept: it may show rows that will never be committed.
    """
    try:
        cache = _cache()
        key = f"lxapi:tree:{name}:{tree_generation()}"
        value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache that fails: the answer straight from the database
        return compute()
    if value is None:
        value = compute()
        if not _in_open_transaction():
            try:
                cache.set(key, value, _conf("LIANXI_API_CACHE_TIMEOUT", 300))
            except Exception:  # noqa: BLE001
                logger.warning("Cannot keep %s in the cache", name)
    return value


# --- the middleware ------------------------------------------------------------


def _request_site(request, query: list[tuple[str, str]] | None = None) -> str | None:
    """The site code a request names (``?site=`` or ``/sites/<code>/``), or ``None``."""
    if query is None:
        code = request.GET.get("site")
    else:  # the hit path parses the query once, without building a QueryDict
        code = next((value for name, value in reversed(query) if name == "site"), None)
    if code is not None:
        code = code.strip()
        # Anything but a code answers an error; the group's generation covers it.
        return site_code(code) if code.isdigit() else None
    match = _SITE_IN_PATH.match(request.path_info)
    return match.group(1) if match else None


def _has_credentials(request) -> bool:
    return "HTTP_AUTHORIZATION" in request.META or (settings.SESSION_COOKIE_NAME in request.COOKIES)


def _accept_class(request) -> str:
    accept = request.META.get("HTTP_ACCEPT", "")
    # Every JSON-accepting client gets the same bytes; anything else is keyed apart.
    return "json" if not accept or "json" in accept or "*/*" in accept else accept[:100]


def _response_key(request, query: list, site: str | None, gens: dict) -> str:
    raw = "\n".join(
        (
            gens[GLOBAL_GEN],
            gens[SITE_GEN + site if site else GROUP_GEN],
            request.scheme,
            request.META.get("HTTP_HOST", ""),
            get_language_from_request(request),
            _accept_class(request),
            request.path_info,
            urlencode(sorted(query)),
        )
    )
    return "lxapi:r:" + hashlib.md5(raw.encode(), usedforsecurity=False).hexdigest()


def _etag(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


def _etag_matches(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or etag in tags


def public_cache_control() -> str:
    return "public, max-age={}, stale-while-revalidate={}".format(
        _conf("LIANXI_API_MAX_AGE", 60), _conf("LIANXI_API_STALE_WHILE_REVALIDATE", 300)
    )


def _not_modified(headers: dict) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    for name in ("ETag", "Cache-Control", "Vary"):
        if name in headers:
            response[name] = headers[name]
    return response


def _write_affects_public_api(response) -> bool:
    """Did a successful write change what the public reads? Yes, unless its view says
    ``affects_public_api = False`` (logins, /me, what users submit before anything of it
    is published): a citizen's report must not empty the site's cached answers."""
    view = (getattr(response, "renderer_context", None) or {}).get("view")
    return getattr(view, "affects_public_api", True)


class ApiCacheMiddleware:
    """Cache headers on every ``/api/v1/`` response, and the server-side cache of anonymous GETs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = self.get_response(request)
            if (
                200 <= response.status_code < 300
                and request.method != "OPTIONS"
                and _write_affects_public_api(response)
            ):
                # An API write changed something of the site it names (plugins'
                # records); models with their own receivers are invalidated too.
                site = _request_site(request)
                invalidate_site(site) if site else invalidate_all()
            return response
        if _has_credentials(request):
            response = self.get_response(request)
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, VARY)
            return response
        return self._anonymous_get(request)

    def _anonymous_get(self, request):
        enabled = _conf("LIANXI_API_CACHE_ENABLED", True) and request.method == "GET"
        key = None
        if enabled:
            query = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
            site = _request_site(request, query)
            cache = _cache()
            _forget_foreign_changes(cache)
            gens = _generations(cache, [GLOBAL_GEN, SITE_GEN + site if site else GROUP_GEN])
            key = _response_key(request, query, site, gens)
            entry = cache.get(key)
            if entry is not None:
                status, content, headers = entry
                etag = headers.get("ETag")
                if etag and _etag_matches(request, etag):
                    return _not_modified(headers)
                response = HttpResponse(content, status=status)
                for name, value in headers.items():
                    response[name] = value
                response["Content-Length"] = str(len(content))
                response[CACHE_HEADER] = "hit"
                return response

        response = self.get_response(request)
        status = response.status_code
        if response.cookies:
            # A cookie (Swagger UI's csrftoken) is one client's: never public, never stored.
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, (*VARY, "Cookie"))
            return response
        cacheable = status in (200, 404) and not response.streaming
        if not cacheable or _opted_out(response):
            if status < 500 and "Cache-Control" not in response:
                response["Cache-Control"] = "no-cache"
            patch_vary_headers(response, VARY)
            return response

        if status == 200:
            response["ETag"] = _etag(response.content)
            response["Cache-Control"] = public_cache_control()
        else:
            response["Cache-Control"] = "public, max-age={}".format(
                _conf("LIANXI_API_NOT_FOUND_MAX_AGE", 10)
            )
        patch_vary_headers(response, VARY)
        if key is not None and not response.cookies:
            headers = {k: v for k, v in response.items() if k.lower() not in _UNSTORED}
            timeout = _conf("LIANXI_API_CACHE_TIMEOUT", 300) if status == 200 else 60
            _cache().set(key, (status, response.content, headers), timeout)
            response[CACHE_HEADER] = "miss"
        if status == 200 and _etag_matches(request, response["ETag"]):
            return _not_modified(response)
        return response


def _opted_out(response) -> bool:
    """A view that set its own ``Cache-Control`` to private/no-store/no-cache keeps it."""
    value = response.get("Cache-Control", "").lower()
    return any(word in value for word in ("private", "no-store", "no-cache"))
