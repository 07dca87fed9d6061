"""Error responses as ``application/problem+json`` (RFC 9457)."""

from __future__ import annotations

import json

from django.http import HttpResponse

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(status: int, title: str, detail: str = "", type_: str = "about:blank",
                     **extra) -> HttpResponse:  # fmt: skip
    """A problem document; ``extra`` members (e.g. ``site``) are added as they are."""
    body = {"type": type_, "title": str(title), "status": status}
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),  # compact, as DRF renders
        status=status,
        content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8",
    )
