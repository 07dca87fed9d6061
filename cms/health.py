"""``GET /healthz``: is this process serving, and which backing service did it find down.

200 ``{"status": "ok"}`` when everything answers; 200 ``{"status":
"degraded", "down": ["cache", ...]}`` when a service this process depends on
is down but the site still serves (the cache without Redis, search without
Elasticsearch: see ``cms.services.health``); 503 ``{"status": "down"}`` when
the database does not answer. Never cached; says which services, not why.
"""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from cms.services import health


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "down"
        return JsonResponse({"status": "down", "down": ["database"]}, status=503)
    state = health.status()
    body = {"status": state["status"]}
    if state["down"]:
        body["down"] = sorted(state["down"])
    return JsonResponse(body)
