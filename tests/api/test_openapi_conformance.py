"""The content endpoints answer what the generated OpenAPI document says they answer."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30Validator, validate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_api_cache")]


def nullable_refs(node):
    """``{"allOf": [ref], "nullable": true}`` (drf-spectacular, OAS 3.0) as "ref or null"
    for the validator, which honours ``nullable`` only next to ``type``."""
    if isinstance(node, list):
        return [nullable_refs(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: nullable_refs(value) for key, value in node.items()}
    if node.get("nullable") and "type" not in node:
        rest = {k: v for k, v in node.items() if k != "nullable"}
        return {"anyOf": [rest, {"enum": [None]}]}
    return node


@pytest.fixture(scope="module")
def spec():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return nullable_refs(json.loads(json.dumps(generated)))


def check(client, spec, template: str, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.content
    media = response["Content-Type"].split(";")[0]
    documented = spec["paths"][template]["get"]["responses"][str(status)]["content"][media]
    schema = {**documented["schema"], "components": spec["components"]}
    validate(json.loads(response.content), schema, cls=OAS30Validator)


def test_responses_conform_to_the_openapi_document(client, spec, content):
    check(client, spec, "/api/v1/sites/", "/api/v1/sites/")
    check(client, spec, "/api/v1/sites/{code}/", "/api/v1/sites/340123/")
    check(client, spec, "/api/v1/sites/{code}/", "/api/v1/sites/340123100/")
    check(client, spec, "/api/v1/sites/{code}/", "/api/v1/sites/999999/", 404)
    check(client, spec, "/api/v1/columns/", "/api/v1/columns/?site=340123")
    check(client, spec, "/api/v1/pages/", "/api/v1/pages/?site=340123&limit=3")
    check(client, spec, "/api/v1/pages/", "/api/v1/pages/?site=340123&type=column,home")
    check(client, spec, "/api/v1/pages/", "/api/v1/pages/?site=340123&fields=title")
    check(client, spec, "/api/v1/pages/", "/api/v1/pages/?site=340123&limit=0", 400)
    pages = [content.rich, content.meeting, content.news, content.township,
             content.feixi.site.root_page]  # fmt: skip
    for page in pages:
        check(client, spec, "/api/v1/pages/{page_id}/", f"/api/v1/pages/{page.pk}/?site=340123")
    check(client, spec, "/api/v1/pages/{page_id}/", "/api/v1/pages/1/?site=340123", 404)
    check(client, spec, "/api/v1/pages/find/", "/api/v1/pages/find/?site=340123&path=/news/rich/")
