"""Published suggestions in the site search (``/api/v1/search/``), kind ``suggestions.suggestion``.

A document holds only what the office confirmed for the public: the redacted
title, text and reply (``Publication``), never the originals. A suggestion is
in the index while it is published; confirming new texts, publishing and
unpublishing re-index it (``publication._changed``), and any save of the
suggestion re-checks it. The result's ``url`` is the public API's detail,
``/api/v1/suggestions/published/<id>/?site=<code>``.
"""

from __future__ import annotations

from django.utils import timezone

from search.registry import RecordProvider, register

from .models import Suggestion
from .publication import KIND


class PublishedSuggestionProvider(RecordProvider):
    model = Suggestion
    kind = KIND
    verbose_name = "议案建议及答复"

    def get_queryset(self):
        return Suggestion.objects.filter(
            publication__published_at__isnull=False, moderation_status="approved"
        ).select_related("publication", "site__profile")

    def to_document(self, obj) -> dict:
        public = obj.publication
        profile = getattr(obj.site, "profile", None)
        code = profile.division_code if profile is not None else ""
        parts = [obj.session, obj.number, obj.deputy_name, public.text, "答复:", public.reply_text]
        return {
            "title": public.title,
            "body": "\n".join(p for p in parts if p),
            "date": timezone.localtime(public.published_at).date() if public.published_at else None,
            "url": f"/api/v1/suggestions/published/{obj.pk}/?site={code}",
        }


provider = register(PublishedSuggestionProvider())
