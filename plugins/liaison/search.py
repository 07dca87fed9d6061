"""Published messages in the site search (``/api/v1/search/``), kind ``liaison.message``.

A document holds only what the office confirmed for the public (``MessagePublication``)
and who answered: never the citizen, never the original texts.
"""

from __future__ import annotations

from django.utils import timezone

from search.registry import RecordProvider, register

from .models import Message
from .publication import KIND, published


class PublishedMessageProvider(RecordProvider):
    model = Message
    kind = KIND
    verbose_name = "群众留言及答复"

    def get_queryset(self):
        return published()

    def to_document(self, obj) -> dict:
        public = obj.publication
        profile = getattr(obj.site, "profile", None)
        code = profile.division_code if profile is not None else ""
        return {
            "title": public.title,
            "body": "\n".join([public.text, f"{obj.answered_by_name}答复:", public.answer]),
            "date": timezone.localtime(public.published_at).date() if public.published_at else None,
            "url": f"/api/v1/liaison/published/{obj.pk}/?site={code}",
        }


provider = register(PublishedMessageProvider())
