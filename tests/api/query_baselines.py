"""Exact query-count baselines (``query_counts.json``), shared by the tests that keep them.

The file's top-level numbers are requests on the tests' own fixtures (core pages,
the deputies plugin's routes); ``routes`` holds every public GET route on the
plugins' demo data (``test_query_counts.py``). A count that differs on another
engine is kept beside it, under ``@postgresql`` (top level) or
``routes@postgresql``. ``LIANXI_UPDATE_QUERY_BASELINES=1`` writes what the tests
measure instead of comparing it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext

BASELINE_FILE = Path(__file__).parent / "query_counts.json"
UPDATE = os.environ.get("LIANXI_UPDATE_QUERY_BASELINES", "") not in ("", "0")
HOW_TO_UPDATE = (
    "If the change is deliberate, regenerate the baselines and commit them with it:\n"
    "    LIANXI_UPDATE_QUERY_BASELINES=1 .venv/bin/python -m pytest tests -k query_counts\n"
    "and again with DATABASE_URL=postgresql://… (docs/plugins.md, 'Query-count baselines')."
)


def _load() -> dict:
    return json.loads(BASELINE_FILE.read_text())


def _plain(data: dict, section: str) -> dict[str, int]:
    if section:
        return dict(data.get(section, {}))
    return {k: v for k, v in data.items() if not isinstance(v, dict)}


def _engine_key(section: str) -> str:
    return f"{section}@{connection.vendor}"


def expected(section: str = "") -> dict[str, int]:
    """The baselines of ``section`` ("" for the top level) on this connection's engine."""
    data = _load()
    if connection.vendor == "sqlite":
        return _plain(data, section)
    return {**_plain(data, section), **data.get(_engine_key(section), {})}


def record(measured: dict[str, int], section: str = "", prune: bool = False) -> None:
    """Write ``measured`` into the file: SQLite's counts as the plain numbers, another
    engine's only where they differ. ``prune`` drops keys no longer measured."""
    data = _load()
    plain = _plain(data, section)
    if connection.vendor == "sqlite":
        plain.update(measured)
        if prune:
            plain = {k: v for k, v in plain.items() if k in measured}
    else:
        other = dict(data.get(_engine_key(section), {}))
        for key, n in measured.items():
            if plain.get(key) == n:
                other.pop(key, None)
            else:
                other[key] = n
        if prune:
            other = {k: v for k, v in other.items() if k in measured}
        data.pop(_engine_key(section), None)
        if other:
            data[_engine_key(section)] = dict(sorted(other.items()))
    if section:
        data[section] = dict(sorted(plain.items()))
    else:
        data = {k: v for k, v in data.items() if isinstance(v, dict)} | plain
    top = {k: v for k, v in data.items() if not isinstance(v, dict)}
    sections = {k: data[k] for k in sorted(data) if isinstance(data[k], dict)}
    BASELINE_FILE.write_text(json.dumps(top | sections, ensure_ascii=False, indent=2) + "\n")


def assert_exact(measured: dict[str, int], section: str = "", sql=None, prune=False) -> None:
    """``measured == baselines`` for its keys (or, when updating, record them)."""
    if UPDATE:
        record(measured, section, prune=prune)
        return
    sql = sql or {}
    baselines = expected(section)
    missing = sorted(key for key in measured if key not in baselines)
    assert not missing, (
        f"no query-count baseline for {', '.join(missing)} "
        f"(measured: {', '.join(f'{k} {measured[k]}' for k in missing)}).\n{HOW_TO_UPDATE}"
    )
    wrong = [key for key in measured if measured[key] != baselines[key]]
    assert not wrong, (
        "query counts differ from the committed baselines (more: a regression such as a "
        "query per item, to fix; fewer: an improvement, to record):\n"
        + "\n".join(
            f"  {key}: {measured[key]} statements, baseline {baselines[key]}\n    "
            + "\n    ".join(sql.get(key, []))
            for key in wrong
        )
        + f"\n{HOW_TO_UPDATE}"
    )


def count(client, url: str, headers=None, nonempty: bool = True) -> tuple[int, list[str]]:
    """Statements of one 200 answer to ``url``, after a first request warmed the caches
    (renditions, content types); and the start of each statement, for the message. A
    list must not be empty (``nonempty``): an empty page measures none of its items'
    queries."""
    client.get(url, headers=headers or {})
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers or {})
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    if nonempty and response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            assert body["results"], f"{url}: an empty list measures nothing; give it data"
    return len(ctx.captured_queries), [q["sql"][:160] for q in ctx.captured_queries]
