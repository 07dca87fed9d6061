"""Benchmark-only settings: the product's settings plus stock ``wagtail.api.v2`` (the product
installs ``wagtail.api.v3`` already, without mounting its URLs).

Selected with ``DJANGO_SETTINGS_MODULE=benchmarks.bench_settings`` by
``benchmarks/api.py``; never used by the product or its tests. Adds:

* ``ROOT_URLCONF = "benchmarks.bench_urls"``: the product's URLs plus stock
  ``wagtail.api.v2`` at ``/api/v2/``, ``wagtail.api.v3`` at ``/api/v3/`` and two
  reference views under ``/bench/``;
* ``BENCH_NO_CACHE=1``: the same server with the API's server-side cache
  switched off (``LIANXI_API_CACHE_ENABLED = False``), for "uncached" figures.
"""

import os

from cms.settings import *  # noqa: F403
from cms.settings import INSTALLED_APPS, MIDDLEWARE, env_bool

ROOT_URLCONF = "benchmarks.bench_urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2"]

BENCH_NO_CACHE = env_bool("BENCH_NO_CACHE", False)
if BENCH_NO_CACHE:
    # The API's own switch (cms.api.caching): the middleware stays (ETag,
    # Cache-Control), but every request runs the view: a miss each time.
    LIANXI_API_CACHE_ENABLED = False
    # Django's per-site cache, should anyone add it.
    MIDDLEWARE = [
        m for m in MIDDLEWARE
        if m not in ("django.middleware.cache.UpdateCacheMiddleware",
                     "django.middleware.cache.FetchFromCacheMiddleware")
    ]  # fmt: skip

BENCH_PRECOMPUTED_FILE = os.environ.get(
    "BENCH_PRECOMPUTED_FILE", "/tmp/lianxi_bench_precomputed.json"
)

# Stock v2 caps ``limit`` at 20 by default; the benchmark also asks for 50.
WAGTAILAPI_LIMIT_MAX = 100
