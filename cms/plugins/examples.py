"""A plugin's example payloads for ``frontend_contracts/examples/`` (``make contracts``).

Every GET operation of the contract needs a recorded success example
(``tests/contracts/test_examples.py``). The core records its own; a plugin
contributes its routes' examples from a module named by
``PluginConfig.examples_module`` (default ``examples``) with one function::

    from cms.plugins.examples import SITE, Example, url

    def api_examples(recorder) -> list[Example]:
        api = "/api/v1/notices/entries/"
        entries = recorder.get_json(url(api, site=SITE))["results"]
        plan = [Example("notices_entries_list", "notices_entries_list",
                        url(api, site=SITE, limit=3), "本站点的条目")]
        if entries:
            plan.append(Example("notices_entries_retrieve", "notices_entries_retrieve",
                                url(f"{api}{entries[0]['id']}/", site=SITE), "条目详情"))
        return plan

``recorder`` calls the API on the small demo (``load_demo --small`` and each
plugin's ``load_demo``): ``recorder.get_json(url)`` (a 200 answer's body) and
``recorder.township`` (a nine-digit township code of ``SITE``, or ``None``)
and ``recorder.auth`` (the ``Authorization`` header of a demo account, for
"my submissions" routes: ``Example(..., headers=recorder.auth)``; empty when
the demo has none).
An ``Example``'s name is its operationId, with ``.<variant>`` or
``.<status>`` for an error (``notices_entries_list.404``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

SITE = "340123"  # 肥西县: a rich county of the demo
CITY = "340100"  # 合肥市
PROVINCE = "340000"
UNKNOWN_SITE = "999999"
MISSING_ID = 999999999

__all__ = ["CITY", "MISSING_ID", "PROVINCE", "SITE", "UNKNOWN_SITE", "Example", "url"]


@dataclass
class Example:
    """One recorded call: ``frontend_contracts/examples/<name>.json``."""

    name: str
    operation_id: str
    url: str
    note: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def expected_status(self) -> int:
        suffix = self.name.rsplit(".", 1)[-1]
        return int(suffix) if suffix.isdigit() else 200


def url(route: str, **query) -> str:
    """``route`` with the query parameters that are not ``None``."""
    query = {k: v for k, v in query.items() if v is not None}
    return f"{route}?{urlencode(query)}" if query else route
