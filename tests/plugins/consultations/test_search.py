"""Search finds open consultations and their articles, and forgets them once closed."""

from __future__ import annotations

import pytest
from django.test import Client

from plugins.consultations import workflow

from .conftest import make_draft

pytestmark = pytest.mark.django_db


def search(q: str, site: str = "340000") -> list[dict]:
    response = Client().get("/api/v1/search/", {"site": site, "q": q})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_open_draft_and_its_articles_are_found(province):
    consultation = make_draft(province)
    assert search("水质检测制度") == []  # not published yet
    workflow.publish(consultation)
    hits = search("水质检测制度")
    assert [h["title"] for h in hits] == [f"第八条({consultation.title})"]
    assert hits[0]["url"] == f"/api/v1/consultations/{consultation.pk}/?site=340000"
    assert any(h["title"] == consultation.title for h in search("农村供水条例"))
    consultation.status = "closed"
    consultation.save()
    assert search("水质检测制度") == []
    assert search("农村供水条例") == []
