"""Breaking changes between two OpenAPI 3 documents (the released contract and the new one).

A change is *breaking* when a frontend built against the old document can
fail against the new one:

* a path or an operation (path + method) is removed;
* a parameter is removed, or becomes required (or a required one appears);
* a request body becomes required, or a request property becomes required;
* a documented response status or media type is removed;
* a response property is removed, stops being required, or becomes nullable;
* a type or format changes (in parameters, request bodies and responses);
* an enum value is removed;
* an operation that allowed anonymous calls now requires credentials.

Additions (paths, optional parameters, response properties, enum values) are
not breaking. ``$ref``\\ s are resolved in each document's own components, and
``allOf`` members are merged, so renaming a component is not a change while
changing what it describes is.

Usable without Django: ``python -m cms.api.management.breaking OLD.json NEW.json``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
Schema = dict[str, Any]


@dataclass(frozen=True, order=True)
class Change:
    """One breaking change: where it is (a JSON-pointer-like location) and what happened."""

    location: str
    kind: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.kind}: {self.location}" + (f" ({self.detail})" if self.detail else "")


class _Doc:
    def __init__(self, document: dict[str, Any]):
        self.document = document

    def resolve(self, node: Any) -> Any:
        seen = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                break
            seen.add(ref)
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
            node = target
        return node

    def flatten(self, schema: Any) -> Schema:
        """The schema with ``$ref`` resolved and ``allOf`` members merged into one object."""
        schema = self.resolve(schema) or {}
        if not isinstance(schema, dict) or "allOf" not in schema:
            return schema if isinstance(schema, dict) else {}
        merged: Schema = {k: v for k, v in schema.items() if k != "allOf"}
        properties = dict(merged.get("properties", {}))
        required = list(merged.get("required", []))
        for member in schema["allOf"]:
            member = self.flatten(member)
            for key, value in member.items():
                if key == "properties":
                    properties.update(value)
                elif key == "required":
                    required += [name for name in value if name not in required]
                else:
                    merged.setdefault(key, value)
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged


def _type_of(schema: Schema) -> str:
    kind = schema.get("type") or ("object" if "properties" in schema else "")
    return f"{kind}({schema['format']})" if schema.get("format") else kind


def _variant_key(doc: _Doc, variant: Any, index: int) -> str:
    if isinstance(variant, dict) and "$ref" in variant:
        return variant["$ref"].rsplit("/", 1)[-1]
    return f"#{index}"


class _Comparer:
    def __init__(self, old: dict[str, Any], new: dict[str, Any]):
        self.old, self.new = _Doc(old), _Doc(new)
        self.changes: list[Change] = []

    def add(self, location: str, kind: str, detail: str = "") -> None:
        self.changes.append(Change(location, kind, detail))

    # --- schemas ---------------------------------------------------------------

    def schema(self, old: Any, new: Any, where: str, direction: str, depth: int = 0) -> None:
        """Compare two schemas; ``direction`` is "request" (client writes) or "response"."""
        if depth > 32:  # recursive schemas (a page tree): deep enough to catch any change
            return
        old_s, new_s = self.old.flatten(old), self.new.flatten(new)
        if not old_s:
            return  # the old schema promised nothing (any value)
        old_t, new_t = _type_of(old_s), _type_of(new_s)
        if old_t and old_t != new_t:
            self.add(where, "type-changed", f"{old_t} → {new_t or 'any'}")
            return
        old_enum, new_enum = old_s.get("enum"), new_s.get("enum")
        if old_enum is not None and new_enum is not None:
            removed = [v for v in old_enum if v not in new_enum]
            if removed:
                self.add(where, "enum-value-removed", ", ".join(map(repr, removed)))
        elif old_enum is None and new_enum is not None and direction == "request":
            self.add(where, "enum-added", "a free value is now restricted")
        if direction == "response" and new_s.get("nullable") and not old_s.get("nullable"):
            self.add(where, "became-nullable")
        if direction == "request" and old_s.get("nullable") and not new_s.get("nullable"):
            self.add(where, "null-no-longer-accepted")
        for keyword in ("oneOf", "anyOf"):
            if keyword in old_s:
                self.variants(
                    old_s[keyword], new_s.get(keyword, []), where, keyword, direction, depth
                )
        if "items" in old_s:
            self.schema(old_s["items"], new_s.get("items", {}), where + "[]", direction, depth + 1)
        if isinstance(old_s.get("additionalProperties"), dict):
            extra = new_s.get("additionalProperties", {})
            self.schema(old_s["additionalProperties"], extra if isinstance(extra, dict) else {},
                        where + "{}", direction, depth + 1)  # fmt: skip
        self.properties(old_s, new_s, where, direction, depth)

    def properties(self, old_s: Schema, new_s: Schema, where: str, direction: str, depth: int):
        old_props, new_props = old_s.get("properties", {}), new_s.get("properties", {})
        old_req, new_req = set(old_s.get("required", [])), set(new_s.get("required", []))
        for name, old_prop in old_props.items():
            at = f"{where}.{name}"
            if name not in new_props:
                if direction == "response":
                    self.add(at, "property-removed")
                continue
            if direction == "response" and name in old_req and name not in new_req:
                self.add(at, "property-no-longer-required")
            self.schema(old_prop, new_props[name], at, direction, depth + 1)
        if direction == "request":
            for name in sorted(new_req - old_req):
                read_only = self.new.flatten(new_props.get(name, {})).get("readOnly")
                if not read_only:
                    self.add(f"{where}.{name}", "request-property-became-required")

    def variants(self, old_v, new_v, where, keyword, direction, depth):
        new_by_key = {_variant_key(self.new, v, i): v for i, v in enumerate(new_v)}
        for i, variant in enumerate(old_v):
            key = _variant_key(self.old, variant, i)
            if key not in new_by_key:
                self.add(f"{where}<{key}>", f"{keyword}-variant-removed")
            else:
                self.schema(variant, new_by_key[key], f"{where}<{key}>", direction, depth + 1)

    # --- operations ------------------------------------------------------------

    def document(self) -> list[Change]:
        old_paths = self.old.document.get("paths", {})
        new_paths = self.new.document.get("paths", {})
        for path, old_item in old_paths.items():
            if path not in new_paths:
                self.add(path, "path-removed")
                continue
            new_item = new_paths[path]
            for method in HTTP_METHODS:
                if method not in old_item:
                    continue
                where = f"{method.upper()} {path}"
                if method not in new_item:
                    self.add(where, "operation-removed")
                    continue
                shared_old = old_item.get("parameters", [])
                shared_new = new_item.get("parameters", [])
                self.operation(old_item[method], new_item[method], where, shared_old, shared_new)
        return sorted(set(self.changes))

    def parameters(self, doc: _Doc, operation: dict, shared: list) -> dict[tuple, dict]:
        params = {}
        for param in [*shared, *operation.get("parameters", [])]:
            param = doc.resolve(param)
            params[(param.get("in"), param.get("name"))] = param
        return params

    def anonymous(self, doc: _Doc, operation: dict) -> bool:
        security = operation.get("security", doc.document.get("security"))
        return not security or {} in security

    def operation(self, old_op, new_op, where, shared_old, shared_new) -> None:
        if self.anonymous(self.old, old_op) and not self.anonymous(self.new, new_op):
            self.add(where, "authentication-became-required")
        old_params = self.parameters(self.old, old_op, shared_old)
        new_params = self.parameters(self.new, new_op, shared_new)
        for key, old_param in old_params.items():
            at = f"{where} {key[0]}:{key[1]}"
            if key not in new_params:
                self.add(at, "parameter-removed")
                continue
            new_param = new_params[key]
            if new_param.get("required") and not old_param.get("required"):
                self.add(at, "parameter-became-required")
            self.schema(old_param.get("schema", {}), new_param.get("schema", {}), at, "request")
        for key, new_param in new_params.items():
            if key not in old_params and new_param.get("required"):
                self.add(f"{where} {key[0]}:{key[1]}", "required-parameter-added")
        self.request_body(old_op, new_op, where)
        self.responses(old_op.get("responses", {}), new_op.get("responses", {}), where)

    def request_body(self, old_op, new_op, where) -> None:
        old_body = self.old.resolve(old_op.get("requestBody")) or {}
        new_body = self.new.resolve(new_op.get("requestBody")) or {}
        if new_body.get("required") and not old_body.get("required"):
            self.add(f"{where} body", "request-body-became-required")
        old_content, new_content = old_body.get("content", {}), new_body.get("content", {})
        for media, old_media in old_content.items():
            at = f"{where} body {media}"
            if media not in new_content:
                self.add(at, "request-media-type-removed")
                continue
            self.schema(old_media.get("schema", {}), new_content[media].get("schema", {}), at,
                        "request")  # fmt: skip

    def responses(self, old_responses, new_responses, where) -> None:
        for status, old_response in old_responses.items():
            at = f"{where} → {status}"
            if status not in new_responses:
                self.add(at, "response-removed")
                continue
            old_content = (self.old.resolve(old_response) or {}).get("content", {})
            new_content = (self.new.resolve(new_responses[status]) or {}).get("content", {})
            for media, old_media in old_content.items():
                if media not in new_content:
                    self.add(f"{at} {media}", "response-media-type-removed")
                    continue
                self.schema(old_media.get("schema", {}), new_content[media].get("schema", {}),
                            f"{at} {media}", "response")  # fmt: skip


def find_breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every breaking change from ``old`` to ``new``, sorted by location."""
    return _Comparer(old, new).document()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m cms.api.management.breaking OLD.json NEW.json", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f_old, open(argv[1], encoding="utf-8") as f_new:
        changes = find_breaking_changes(json.load(f_old), json.load(f_new))
    for change in changes:
        print(change)
    return 1 if changes else 0


if __name__ == "__main__":
    sys.exit(main())
