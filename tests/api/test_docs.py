"""The OpenAPI document and its offline viewers (no CDN)."""

import re

import pytest


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_viewers_are_served_without_any_cdn(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/schema/" in html
    external = [
        url
        for url in re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        if url.startswith(("http://", "https://", "//"))
    ]
    assert external == []
    assert "/static/drf_spectacular_sidecar/" in html


def test_schema_is_openapi_3(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/v1/pages/" in response.json()["paths"]
