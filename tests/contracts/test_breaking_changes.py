"""The breaking-change detector, on small synthetic before/after documents."""

import copy

import pytest

from cms.api.management.breaking import find_breaking_changes, main

BEFORE = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/api/v1/pages/": {
            "get": {
                "operationId": "pages_list",
                "parameters": [
                    {"name": "site", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "page", "in": "query", "schema": {"type": "integer"}},
                    {
                        "name": "type",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["article", "meeting"]},
                    },
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PageList"}
                            }
                        }
                    },
                    "404": {"content": {"application/problem+json": {"schema": {}}}},
                },
            },
            "post": {
                "operationId": "pages_create",
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "title": {"type": "string"},
                                    "body": {"type": "string"},
                                },
                                "required": ["title"],
                            }
                        }
                    }
                },
                "responses": {"201": {"description": "created"}},
            },
        },
        "/api/v1/pages/{id}/": {
            "get": {
                "operationId": "pages_retrieve",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}
                        }
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "PageList": {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "results": {"type": "array", "items": {"$ref": "#/components/schemas/Page"}},
                },
                "required": ["count", "results"],
            },
            "Page": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "first_published_at": {"type": "string", "format": "date-time"},
                    "kind": {"$ref": "#/components/schemas/KindEnum"},
                    "image": {
                        "allOf": [{"$ref": "#/components/schemas/Image"}],
                        "nullable": True,
                    },
                },
                "required": ["id", "title", "kind"],
            },
            "KindEnum": {"type": "string", "enum": ["article", "meeting", "report"]},
            "Image": {
                "type": "object",
                "properties": {"url": {"type": "string"}, "width": {"type": "integer"}},
                "required": ["url", "width"],
            },
        }
    },
}


def changed(mutate) -> list[tuple[str, str]]:
    after = copy.deepcopy(BEFORE)
    mutate(after)
    return [(c.kind, c.location) for c in find_breaking_changes(BEFORE, after)]


def schemas(doc):
    return doc["components"]["schemas"]


def pages_list(doc):
    return doc["paths"]["/api/v1/pages/"]["get"]


def test_identical_documents_have_no_breaking_change():
    assert find_breaking_changes(BEFORE, copy.deepcopy(BEFORE)) == []


def test_additions_are_not_breaking():
    def add(doc):
        doc["paths"]["/api/v1/columns/"] = {"get": {"responses": {"200": {}}}}
        pages_list(doc)["parameters"].append({"name": "fields", "in": "query", "schema": {}})
        schemas(doc)["Page"]["properties"]["summary"] = {"type": "string"}
        schemas(doc)["Page"]["required"].append("summary")
        schemas(doc)["KindEnum"]["enum"].append("regulation")
        pages_list(doc)["parameters"][2]["schema"]["enum"].append("report")
        pages_list(doc)["responses"]["400"] = {"description": "bad request"}
        pages_list(doc)["security"] = [{"tokenAuth": []}, {}]  # a token is optional

    assert changed(add) == []


def test_renaming_a_component_is_not_a_change_but_changing_it_is():
    def rename(doc):
        schemas(doc)["PageDetail"] = schemas(doc).pop("Page")
        ref = {"$ref": "#/components/schemas/PageDetail"}
        schemas(doc)["PageList"]["properties"]["results"]["items"] = ref
        doc["paths"]["/api/v1/pages/{id}/"]["get"]["responses"]["200"]["content"][
            "application/json"
        ]["schema"] = ref

    assert changed(rename) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda d: d["paths"].pop("/api/v1/pages/{id}/"),
            ("path-removed", "/api/v1/pages/{id}/"),
        ),
        (
            lambda d: d["paths"]["/api/v1/pages/"].pop("post"),
            ("operation-removed", "POST /api/v1/pages/"),
        ),
        (
            lambda d: pages_list(d)["parameters"].pop(1),
            ("parameter-removed", "GET /api/v1/pages/ query:page"),
        ),
        (
            lambda d: pages_list(d)["parameters"][1].update(required=True),
            ("parameter-became-required", "GET /api/v1/pages/ query:page"),
        ),
        (
            lambda d: pages_list(d)["parameters"].append(
                {"name": "level", "in": "query", "required": True, "schema": {"type": "string"}}
            ),
            ("required-parameter-added", "GET /api/v1/pages/ query:level"),
        ),
        (
            lambda d: pages_list(d)["parameters"][1]["schema"].update(type="string"),
            ("type-changed", "GET /api/v1/pages/ query:page"),
        ),
        (
            lambda d: pages_list(d)["parameters"][2]["schema"]["enum"].remove("meeting"),
            ("enum-value-removed", "GET /api/v1/pages/ query:type"),
        ),
        (
            lambda d: schemas(d)["Page"]["properties"].pop("title"),
            ("property-removed", "GET /api/v1/pages/{id}/ → 200 application/json.title"),
        ),
        (
            # Found through the list's items as well as the detail.
            lambda d: schemas(d)["Page"]["properties"].pop("title"),
            ("property-removed", "GET /api/v1/pages/ → 200 application/json.results[].title"),
        ),
        (
            lambda d: schemas(d)["Page"]["properties"]["id"].update(type="string"),
            ("type-changed", "GET /api/v1/pages/{id}/ → 200 application/json.id"),
        ),
        (
            lambda d: schemas(d)["Page"]["properties"]["first_published_at"].update(format="date"),
            (
                "type-changed",
                "GET /api/v1/pages/{id}/ → 200 application/json.first_published_at",
            ),
        ),
        (
            lambda d: schemas(d)["KindEnum"]["enum"].remove("report"),
            ("enum-value-removed", "GET /api/v1/pages/{id}/ → 200 application/json.kind"),
        ),
        (
            lambda d: schemas(d)["Page"]["required"].remove("title"),
            (
                "property-no-longer-required",
                "GET /api/v1/pages/{id}/ → 200 application/json.title",
            ),
        ),
        (
            lambda d: schemas(d)["Page"]["properties"]["title"].update(nullable=True),
            ("became-nullable", "GET /api/v1/pages/{id}/ → 200 application/json.title"),
        ),
        (
            # Inside an allOf-wrapped nullable reference (how drf-spectacular writes one).
            lambda d: schemas(d)["Image"]["properties"].pop("width"),
            ("property-removed", "GET /api/v1/pages/{id}/ → 200 application/json.image.width"),
        ),
        (
            lambda d: pages_list(d).update(security=[{"tokenAuth": []}]),
            ("authentication-became-required", "GET /api/v1/pages/"),
        ),
        (
            lambda d: d.update(security=[{"tokenAuth": []}]),
            ("authentication-became-required", "GET /api/v1/pages/{id}/"),
        ),
        (
            lambda d: pages_list(d)["responses"].pop("404"),
            ("response-removed", "GET /api/v1/pages/ → 404"),
        ),
        (
            lambda d: d["paths"]["/api/v1/pages/"]["post"]["requestBody"]["content"][
                "application/json"
            ]["schema"]["required"].append("body"),
            ("request-property-became-required", "POST /api/v1/pages/ body application/json.body"),
        ),
    ],
)
def test_breaking_changes_are_found(mutate, expected):
    assert expected in changed(mutate)


def test_removing_a_response_property_is_not_reported_for_requests():
    def drop(doc):
        body = doc["paths"]["/api/v1/pages/"]["post"]["requestBody"]["content"]
        body["application/json"]["schema"]["properties"].pop("body")

    assert changed(drop) == []


def test_recursive_schemas_terminate():
    def recursive(doc):
        page = schemas(doc)["Page"]
        page["properties"]["children"] = {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Page"},
        }

    before = copy.deepcopy(BEFORE)
    recursive(before)
    after = copy.deepcopy(before)
    schemas(after)["Image"]["properties"].pop("url")
    locations = {c.location for c in find_breaking_changes(before, after)}
    assert "GET /api/v1/pages/{id}/ → 200 application/json.children[].image.url" in locations


def test_command_line_exit_status(tmp_path, capsys):
    import json

    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(BEFORE))
    new.write_text(json.dumps(BEFORE))
    assert main([str(old), str(new)]) == 0
    after = copy.deepcopy(BEFORE)
    after["paths"].pop("/api/v1/pages/{id}/")
    new.write_text(json.dumps(after))
    assert main([str(old), str(new)]) == 1
    assert "path-removed: /api/v1/pages/{id}/" in capsys.readouterr().out
