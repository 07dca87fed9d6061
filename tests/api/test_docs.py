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
    assert "/static/drf_spectacular_sidecar/" in html or "/api/v1/redoc/redoc.standalone.js" in html


def test_redoc_bundle_loads_no_image_from_a_cdn(client):
    html = client.get("/api/v1/redoc/").content.decode()
    scripts = re.findall(r"""<script src=["']([^"']+)["']""", html)
    assert scripts == ["/api/v1/redoc/redoc.standalone.js"]
    response = client.get(scripts[0])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    bundle = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Redoc" in bundle and len(bundle) > 100_000
    # The stock bundle's footer logo came from cdn.redoc.ly.
    assert b"cdn.redoc.ly" not in bundle
    assert not re.search(rb'src:"https?://', bundle)


def test_swagger_ui_has_no_validator_badge(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert "validator.swagger.io" not in html
    assert '"validatorUrl": null' in html


def test_schema_is_openapi_3(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/v1/pages/" in response.json()["paths"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/", "/api/v1/schema/"])
def test_a_response_that_sets_a_cookie_is_never_public(client, path):
    """Swagger UI sets the csrftoken cookie: a shared cache must not hand it to everyone."""
    for _ in range(2):  # and it is not served from the API cache either
        response = client.get(path)
        assert response.status_code == 200
        cache_control = response.get("Cache-Control", "")
        if response.cookies:
            assert "public" not in cache_control
            assert "private" in cache_control and "no-store" in cache_control
            assert "Cookie" in response.get("Vary", "")
        assert response.get("X-Lianxi-Cache") != "hit" or not response.cookies
