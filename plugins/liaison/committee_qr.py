"""Deputies' QR codes: each opens the mini-program's write page for that deputy (segno)."""

from __future__ import annotations

import io

from django.conf import settings

from .committee_logic import setting

DEFAULT_PATH = "/mp/write?deputy={ref}&site={code}"


def write_url(ref: str, code: str) -> str:
    """The address a deputy's code opens: ``WRITE_URL`` with ``{ref}`` and ``{code}``."""
    pattern = setting("WRITE_URL") or settings.LIANXI_API_PUBLIC_URL.rstrip("/") + DEFAULT_PATH
    return pattern.format(ref=ref, code=code)


def _code(ref: str, code: str):
    import segno

    return segno.make(write_url(ref, code), error="m", micro=False)


def png(ref: str, code: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _code(ref, code).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def svg(ref: str, code: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    _code(ref, code).save(out, kind="svg", scale=scale, border=2, xmldecl=True, svgns=True,
                          title="代表二维码")  # fmt: skip
    return out.getvalue()


def svg_inline(ref: str, code: str, scale: int = 4) -> str:
    """For the printable cards: an ``<svg>`` element without declaration."""
    return _code(ref, code).svg_inline(scale=scale, border=2)
