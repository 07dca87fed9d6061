"""The suggestions plugin follows the plugin idioms: the write idiom, the admin, the switch."""

from __future__ import annotations

import itertools

import pytest

from cms.plugins.testing import PluginAdminTests, PluginSubmissionTests

from .conftest import make_deputy

_names = itertools.count(1)


class TestSuggestionSubmissions(PluginSubmissionTests):
    """The idiom's tests, logged in as deputies seated on both test sites."""

    plugin_label = "suggestions"
    model = "suggestions.Suggestion"
    submissions_url = "/api/v1/suggestions/"
    submission_payload = {"title": "关于增设路灯的建议", "text": "建议在村口增设路灯。"}
    text_field = "text"

    def login(self, mobile: str) -> dict[str, str]:
        return make_deputy(f"代表{next(_names)}", mobile, "340000", "340100").auth


class TestSuggestionAdmin(PluginAdminTests):
    plugin_label = "suggestions"
    model = "suggestions.Suggestion"
    object_fields = {"title": "关于增设路灯的建议", "text": "建议在村口增设路灯。"}


@pytest.mark.django_db
def test_the_route_is_documented_with_its_moves(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    assert "/api/v1/suggestions/" in paths
    for move in ("submit", "withdraw", "cosign", "rate"):
        operation = paths[f"/api/v1/suggestions/{{id}}/{move}/"]["post"]
        assert any(p["name"] == "site" and p["required"] for p in operation["parameters"])
