"""Searchable records contributed by plugins.

A plugin lists its searchable records in its ``search`` module (the
``PluginConfig.search_module``), by registering a provider per record kind::

    # plugins/consultation/search.py
    from search.registry import RecordProvider, register

    class DraftProvider(RecordProvider):
        model = Draft                       # a SiteOwnedModel
        kind = "consultation.draft"         # the "type" of its search results
        verbose_name = "法规草案征求意见"

        def get_queryset(self):             # only what the public may see
            return super().get_queryset().filter(status="open")

        def to_document(self, obj):
            return {"title": obj.title, "body": obj.text, "date": obj.opened_on,
                    "url": f"/consultations/{obj.pk}/"}

    register(DraftProvider())

``register`` indexes the model's rows on save and removes them on delete
(and removes a saved row that ``get_queryset`` no longer returns). Records of
a plugin switched off for a site stay in the index but are filtered out of
every search of that site until it is switched back on.

A record seen only by an audience (``cms.services.audience``) names the model's
foreign key to ``services.Audience`` in ``audience_field``::

    class ItemProvider(RecordProvider):
        model = Item
        kind = "resources.resource"
        audience_field = "audience"     # the document carries the audience's id

Its documents carry the audience id, and a search returns one only to a caller
the audience includes (``audience.matching(user)``, read once per request);
hits, counts, facets and suggestions of everyone else never contain it. A record
of such a provider whose audience is empty (``None``) is not indexed at all
(an audience-less record is visible to nobody, as ``audience.visible`` says).

Writes that fire no signals (``bulk_create``, ``QuerySet.update``), or changes
to other rows a document is built from, call ``sync(kind, pks)`` to re-index
those records in bulk.
"""

from __future__ import annotations

from typing import Any

from django.db import models

_providers: dict[str, RecordProvider] = {}


class RecordProvider:
    model: type[models.Model]
    kind: str = ""
    #: Plugin label; defaults to the plugin containing ``model``.
    plugin: str = ""
    verbose_name: str = ""
    #: The model's foreign key to ``wagtailcore.Site``.
    site_field: str = "site"
    #: The model's foreign key to ``services.Audience`` when its records are seen only by
    #: an audience; empty: the records are public.
    audience_field: str = ""

    def get_queryset(self) -> models.QuerySet:
        return self.model._default_manager.all()

    def to_document(self, obj) -> dict[str, Any]:
        """``title`` (required), ``body``, ``date`` (date), ``url``."""
        return {"title": str(obj), "body": "", "date": None, "url": ""}

    def site_id(self, obj) -> int:
        return getattr(obj, f"{self.site_field}_id")

    def audience_id(self, obj) -> int | None:
        """The id of the audience that may find ``obj`` (``None``: nobody, when the
        provider declares ``audience_field``)."""
        return getattr(obj, f"{self.audience_field}_id") if self.audience_field else None

    def key(self, pk) -> str:
        return f"{self.kind}:{pk}"


def register(provider: RecordProvider) -> RecordProvider:
    """Register ``provider`` for its ``kind``; connects the model's save and delete signals."""
    from django.apps import apps

    if not provider.kind:
        raise ValueError("A search record provider needs a kind, e.g. 'consultation.draft'.")
    if not provider.plugin:
        config = apps.get_containing_app_config(provider.model.__module__)
        provider.plugin = config.label if config is not None else ""
    _providers[provider.kind] = provider
    from . import signals

    signals.connect_provider(provider)
    return provider


def unregister(kind: str) -> None:
    provider = _providers.pop(kind, None)
    if provider is not None:
        from . import signals

        signals.disconnect_provider(provider)


def get_providers() -> list[RecordProvider]:
    return list(_providers.values())


def get_provider(kind: str) -> RecordProvider | None:
    return _providers.get(kind)


def sync(kind: str, pks) -> dict:
    """Re-index the records ``pks`` of provider ``kind`` in bulk: index those its
    ``get_queryset`` returns, drop the others. For writes that fire no signals
    (``bulk_create``, ``QuerySet.update``) and for changes to rows a document is
    built from. Returns ``{"upserted": n, "dropped": n}``."""
    from . import indexing

    provider = _providers.get(kind)
    if provider is None:
        raise LookupError(f"No search record provider of kind {kind!r}.")
    return indexing.sync_records(provider, pks)


def load_plugin_providers() -> None:
    """Import every installed plugin's ``search`` module (it registers its providers)."""
    from cms.plugins.registry import get_plugins

    for plugin in get_plugins():
        plugin.contribution(plugin.search_module)
