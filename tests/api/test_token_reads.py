"""Every read endpoint as a deputy or staff member with a token sees what the public sees.

A token identifies the caller; it never opens drafts, not-public or restricted
pages, and its responses are private (never cached, never shared).
"""

from __future__ import annotations

import pytest
from wagtail.models import APIToken

PROBLEM = "application/problem+json"


@pytest.fixture
def token_header(site_group, make_user):
    user = make_user("feixi-final-reviewer", site_group["340123"].final_reviewers_group)
    _token, key = APIToken.create_token(user=user, name="代表履职小程序")
    return {"Authorization": f"Token {key}"}


def endpoints(content):
    rich = content.rich
    return [
        "/api/v1/sites/",
        "/api/v1/sites/340123/",
        "/api/v1/columns/?site=340123",
        "/api/v1/pages/?site=340123&limit=50",
        f"/api/v1/pages/{rich.pk}/?site=340123",
        f"/api/v1/pages/find/?site=340123&path=/news/{rich.slug}/",
        "/api/v1/search/?site=340123&q=文章",
        "/api/v1/search/suggest/?site=340123&q=文章",
    ]


def test_token_reads_equal_anonymous_reads_and_are_private(client, content, token_header):
    for url in endpoints(content):
        anonymous = client.get(url)
        with_token = client.get(url, headers=token_header)
        assert anonymous.status_code == with_token.status_code == 200, url
        assert with_token.json() == anonymous.json(), url
        assert with_token["Cache-Control"] == "private, no-store", url
        assert "private" not in anonymous["Cache-Control"], url


def test_token_never_opens_hidden_pages(client, content, token_header):
    for page in (content.draft, content.not_public, content.private, content.other_site):
        response = client.get(f"/api/v1/pages/{page.pk}/?site=340123", headers=token_header)
        assert response.status_code == 404
        assert response["Content-Type"].startswith(PROBLEM)
    listing = client.get("/api/v1/pages/?site=340123&limit=100", headers=token_header).json()
    hidden = {content.draft.pk, content.not_public.pk, content.private.pk, content.other_site.pk}
    assert hidden.isdisjoint({item["id"] for item in listing["results"]})


def test_bad_token_on_a_public_endpoint_is_a_401_problem(client, content):
    response = client.get("/api/v1/pages/?site=340123", headers={"Authorization": "Token nope"})
    assert response.status_code == 401
    assert response["Content-Type"].startswith(PROBLEM)
