"""The committed example payloads (frontend_contracts/examples/) match the committed document.

Regenerate them with ``python manage.py export_api_examples`` (or ``make contracts``).
"""

import json

import contracts_known_bugs as known_bugs
import pytest

from cms.api.management import examples
from cms.api.management.openapi_doc import DOCUMENT_PATH, EXAMPLES_DIR, load

DOCUMENT = load(DOCUMENT_PATH)
FILES = sorted(EXAMPLES_DIR.glob("*.json"))


def _answers_json(operation) -> bool:
    ok = operation["responses"].get("200", {}).get("content", {})
    return "application/json" in ok


def test_every_get_operation_has_a_successful_example():
    """Every JSON GET has a successful example (a file download, e.g. an attachment, has none)."""
    recorded = [json.loads(f.read_text(encoding="utf-8")) for f in FILES]
    covered = {r["operationId"] for r in recorded if 200 <= r["response"]["status"] < 300}
    documented = {
        op["operationId"]
        for method, _path, op in examples.operations(DOCUMENT)
        if method == "get" and _answers_json(op)
    }
    missing = sorted(documented - covered)
    assert not missing, f"no example for {missing}; run `python manage.py export_api_examples`"


def test_examples_name_documented_operations():
    documented = {op["operationId"] for _m, _p, op in examples.operations(DOCUMENT)}
    for path in FILES:
        assert json.loads(path.read_text(encoding="utf-8"))["operationId"] in documented, path.name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_matches_the_document(path, request):
    if path.stem in known_bugs.EXAMPLES:
        request.applymarker(pytest.mark.xfail(reason=known_bugs.EXAMPLES[path.stem], strict=True))
    recorded = json.loads(path.read_text(encoding="utf-8"))
    response = recorded["response"]
    suffix = path.stem.rsplit(".", 1)[-1]
    if suffix.isdigit():
        assert response["status"] == int(suffix)
    errors = examples.validation_errors(
        DOCUMENT, recorded["operationId"], response["status"], response["content_type"],
        response["body"],
    )  # fmt: skip
    assert not errors, "\n".join(errors)


def test_validation_reads_a_nullable_reference_as_this_or_null():
    document = {
        "paths": {"/x/": {"get": {"operationId": "x", "responses": {"200": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}}}}}},
        "components": {"schemas": {
            "Page": {"type": "object", "required": ["parent", "date"], "properties": {
                "parent": {"allOf": [{"$ref": "#/components/schemas/Link"}], "nullable": True},
                "date": {"type": "string", "format": "date"}}},
            "Link": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        }},
    }  # fmt: skip

    def errors(body, status=200, content_type="application/json"):
        return examples.validation_errors(document, "x", status, content_type, body)

    assert errors({"parent": None, "date": "2026-10-01"}) == []
    assert errors({"parent": {"id": 1}, "date": "2026-10-01"}) == []
    assert errors({"parent": {"id": "1"}, "date": "2026-10-01"})
    assert errors({"parent": None, "date": "2026-13-01"})  # formats are checked
    assert errors({"parent": None}, status=404) == [
        "status 404 is not documented (documented: 200)"
    ]
    assert errors({}, content_type="application/problem+json; charset=utf-8") == [
        "200 application/problem+json is not documented (documented: application/json)"
    ]
