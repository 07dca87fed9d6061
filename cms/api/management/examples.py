"""Example payloads of every GET operation, recorded from the demo site group.

``python manage.py export_api_examples`` loads the small demo into a
throwaway SQLite database (in a child process, so the developer's database
is never touched), calls each operation of the committed document through
Django's test client and writes ``frontend_contracts/examples/<name>.json``,
one file per call::

    {"operationId": "pages_list", "note": "...",
     "request": {"method": "GET", "url": "/api/v1/pages/?site=340123&limit=3"},
     "response": {"status": 200, "content_type": "application/json", "body": {...}}}

``<name>`` is the operationId, with a suffix for a variant (``pages_retrieve.article``)
or an error (``pages_list.400``). ``tests/contracts/test_examples.py`` checks that
every GET operation has an example and that each one matches the document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from cms.plugins.examples import CITY, MISSING_ID, PROVINCE, SITE, UNKNOWN_SITE, Example
from cms.plugins.examples import url as _url
from cms.plugins.registry import get_plugins

PAGE_TYPES = ("home", "column", "township", "article", "regulation", "report", "meeting")
HOST = "127.0.0.1:8000"  # where `make demo` serves, so the URLs in the payloads work there


# --- validation --------------------------------------------------------------


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation of the document."""
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield method, path, operation


def response_schema(document, operation_id: str, status: int, content_type: str):
    """The documented schema of one response, or a reason why there is none."""
    for _method, _path, operation in operations(document):
        if operation.get("operationId") == operation_id:
            break
    else:
        return None, f"no operation {operation_id!r} in the document"
    responses = operation["responses"]
    response = responses.get(str(status)) or responses.get(f"{status // 100}XX")
    response = response or responses.get("default")
    if response is None:
        return None, f"status {status} is not documented (documented: {', '.join(responses)})"
    media_type = content_type.split(";")[0].strip()
    content = response.get("content", {})
    if media_type not in content:
        return None, f"{status} {media_type} is not documented (documented: {', '.join(content)})"
    return content[media_type].get("schema", {}), None


def validation_errors(document, operation_id, status, content_type, body) -> list[str]:
    """Why ``body`` does not match the document (an empty list when it does)."""
    # A test extra (pyproject.toml), imported here so the module loads without it.
    from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

    schema, problem = response_schema(document, operation_id, status, content_type)
    if problem:
        return [problem]
    # $refs are "#/components/...": resolve them against a root that holds the components.
    components = _nullable_as_any_of(document.get("components", {}))
    root = {"components": components, **_nullable_as_any_of(schema)}
    validator = OAS30ReadValidator(root, format_checker=oas30_format_checker)
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}"
        for error in sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    ][:20]


def _nullable_as_any_of(node: Any) -> Any:
    """``nullable: true`` as "or null", wherever it stands.

    drf-spectacular writes a nullable reference as ``{"allOf": [{"$ref"}], "nullable": true}``;
    read literally (OpenAPI 3.0.3: ``nullable`` only qualifies a ``type`` beside it) null
    would fail the referenced object schema. Clients, schemathesis and drf-spectacular
    read it as "this, or null", and so does this check.
    """
    if isinstance(node, list):
        return [_nullable_as_any_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _nullable_as_any_of(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True:
        return {"anyOf": [converted, {"enum": [None]}]}
    return converted


# --- recording ---------------------------------------------------------------


class Recorder:
    """Calls the API in this process (against the demo data) and plans the examples."""

    def __init__(self, client, document: dict[str, Any]):
        self.client = client
        self.document = document
        self.township: str | None = None  # a township code of SITE, once planned
        #: ``Authorization`` of a demo account, for examples of "my …" routes (empty without one).
        self.auth: dict[str, str] = {}

    def get(self, url: str, headers: dict[str, str] | None = None):
        return self.client.get(url, HTTP_HOST=HOST, headers=headers or {})

    def get_json(self, url: str) -> Any:
        response = self.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} answered {response.status_code}")
        return json.loads(response.content)

    def pages_by_type(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """The first page of each type, as (site code, list item): the example site first,
        then the province and the city for the types the example site lacks."""
        found: dict[str, tuple[str, dict[str, Any]]] = {}
        for site in (SITE, PROVINCE, CITY):
            url = _url("/api/v1/pages/", site=site, limit=100, type=",".join(PAGE_TYPES))
            offset = 0
            while True:
                data = self.get_json(f"{url}&offset={offset}")
                for item in data["results"]:
                    found.setdefault(item["type"], (site, item))
                offset += len(data["results"])
                if not data["results"] or offset >= data["count"]:
                    break
            if len(found) == len(PAGE_TYPES):
                break
        return found

    def search_word(self, pages: dict[str, tuple[str, dict[str, Any]]]) -> str:
        _site, article = pages.get("article") or next(iter(pages.values()))
        return "代表" if "代表" in article["title"] else article["title"][:2]

    def plan(self, token: str | None = None) -> list[Example]:
        pages = self.pages_by_type()
        sites = self.get_json(f"/api/v1/sites/{SITE}/")
        township = next((c["code"] for c in sites.get("children", []) if len(c["code"]) == 9), None)
        self.township = township
        word = self.search_word(pages)
        plan = [
            Example("sites_tree", "sites_tree", "/api/v1/sites/", "整个网站群的站点树"),
            Example("sites_retrieve", "sites_retrieve", f"/api/v1/sites/{SITE}/",
                    "一个站点的配置(县级,含乡镇栏目)"),
            Example("sites_retrieve.404", "sites_retrieve", f"/api/v1/sites/{UNKNOWN_SITE}/",
                    "不存在的站点代码"),
            Example("columns_list", "columns_list", _url("/api/v1/columns/", site=SITE),
                    "站点的栏目树"),
            Example("columns_list.400", "columns_list", "/api/v1/columns/", "缺少 site 参数"),
            Example("pages_list", "pages_list", _url("/api/v1/pages/", site=SITE, limit=3),
                    "站点的页面列表(每页 3 条)"),
            Example("pages_list.fields", "pages_list",
                    _url("/api/v1/pages/", site=SITE, type="article", fields="title,date",
                         limit=3), "只取部分字段的文章列表"),
            Example("pages_list.400", "pages_list", _url("/api/v1/pages/", limit=3),
                    "缺少 site 参数"),
            Example("pages_list.404", "pages_list", _url("/api/v1/pages/", site=UNKNOWN_SITE),
                    "不存在的站点代码"),
            Example("pages_retrieve.404", "pages_retrieve",
                    _url(f"/api/v1/pages/{MISSING_ID}/", site=SITE), "不存在的页面"),
            Example("search", "search", _url("/api/v1/search/", site=SITE, q=word, page_size=3),
                    f"在站点内搜索“{word}”"),
            Example("search.descendants", "search",
                    _url("/api/v1/search/", site=CITY, q=word, scope="descendants", page_size=3,
                         facets="true"), f"在合肥市及所辖县区搜索“{word}”,带分面"),
            Example("search.400", "search", _url("/api/v1/search/", site=SITE),
                    "缺少 q 参数"),
            Example("search_suggest", "search_suggest",
                    _url("/api/v1/search/suggest/", site=SITE, q=word[:1]), "搜索联想词"),
            Example("me.401", "me", "/api/v1/me/", "未带令牌"),
            Example("feedback_mine.401", "feedback_mine", _url("/api/v1/feedback/", site=SITE),
                    "查看自己提交的纠错需要登录"),
            Example("uploads_retrieve.404", "uploads_retrieve", "/api/v1/uploads/0123456789abcdef/",
                    "不存在、或不是本人上传且尚未公开的附件"),
        ]  # fmt: skip
        if township:
            plan.insert(2, Example("sites_retrieve.township", "sites_retrieve",
                                   f"/api/v1/sites/{township}/", "乡镇人大栏目(9位代码)"))  # fmt: skip
            plan.append(Example("pages_list.township", "pages_list",
                                _url("/api/v1/pages/", site=township, limit=3),
                                "乡镇人大栏目下的页面"))  # fmt: skip
        for kind, (site, item) in sorted(pages.items()):
            plan.append(Example(f"pages_retrieve.{kind}", "pages_retrieve",
                                _url(f"/api/v1/pages/{item['id']}/", site=site),
                                f"页面详情:{kind}"))  # fmt: skip
        if "article" in pages:
            site, article = pages["article"]
            plan.append(Example("pages_find", "pages_find",
                                _url("/api/v1/pages/find/", site=site, path=article["path"]),
                                "按路径查找页面"))  # fmt: skip
        plan.append(Example("pages_find.404", "pages_find",
                            _url("/api/v1/pages/find/", site=SITE, path="/no-such-page/"),
                            "路径不存在"))  # fmt: skip
        self.auth = {"Authorization": f"Token {token}"} if token else {}
        plan += self.plugin_examples()
        if token:
            auth = self.auth
            plan += [
                Example("me", "me", "/api/v1/me/", "带令牌:当前用户", headers=auth),
                Example("me_notifications", "me_notifications", "/api/v1/me/notifications/?limit=3",
                        "带令牌:我的通知(每页 3 条)", headers=auth),
                Example("me_devices", "me_devices", "/api/v1/me/devices/",
                        "带令牌:我已登录的设备", headers=auth),
                Example("feedback_mine", "feedback_mine", _url("/api/v1/feedback/", site=SITE),
                        "带令牌:我在本站提交的纠错及处理状态", headers=auth),
            ]  # fmt: skip
        documented = {op.get("operationId") for _m, _p, op in operations(self.document)}
        return [example for example in plan if example.operation_id in documented]

    def plugin_examples(self) -> list[Example]:
        """What each installed plugin contributes (``cms.plugins.examples``)."""
        plan: list[Example] = []
        for plugin in get_plugins():
            module = plugin.contribution(plugin.examples_module)
            contribute = getattr(module, "api_examples", None)
            if contribute is not None:
                plan += contribute(self)
        return plan

    def record(self, example: Example) -> dict[str, Any]:
        response = self.get(example.url, example.headers)
        content_type = response.get("Content-Type", "")
        try:
            body = json.loads(response.content) if response.content else None
        except ValueError:  # a server error page: recorded as text, reported by the checks
            body = response.content.decode("utf-8", "replace")[:2000]
        request: dict[str, Any] = {"method": "GET", "url": example.url}
        if example.headers:
            request["headers"] = {k: "Token <令牌>" for k in example.headers}
        recorded_headers = {
            name: response[name] for name in ("Cache-Control", "Vary") if response.has_header(name)
        }
        return {
            "operationId": example.operation_id,
            "note": example.note,
            "request": request,
            "response": {
                "status": response.status_code,
                "content_type": content_type,
                "headers": recorded_headers,
                "body": body,
            },
        }


def undocumented_get_operations(document, examples: list[Example]) -> list[str]:
    covered = {e.operation_id for e in examples if e.expected_status < 300}
    return sorted(
        op.get("operationId", f"{m.upper()} {p}")
        for m, p, op in operations(document)
        if m == "get" and op.get("operationId") not in covered
    )


def write(recorded: dict[str, dict[str, Any]], directory, clean: bool = True) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if clean:
        for old in directory.glob("*.json"):
            old.unlink()
    for name, payload in recorded.items():
        text = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        (directory / f"{name}.json").write_text(text, encoding="utf-8")
