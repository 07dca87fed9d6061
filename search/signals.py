"""Signal receivers: publish, unpublish, move, delete, confidentiality and view
restrictions update the index; plugin records follow their model's saves."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import indexing

_UID = "search_index."


def _enabled() -> bool:
    from django.conf import settings

    return getattr(settings, "LIANXI_SEARCH_AUTO_INDEX", True)


def on_page_published(sender, instance, **kwargs):
    if _enabled():
        indexing.sync_page(instance.pk)


def on_page_unpublished(sender, instance, **kwargs):
    if _enabled():
        indexing.sync_page(instance.pk)


def on_page_moved(sender, instance, **kwargs):
    if _enabled():
        indexing.sync_page(instance.pk, descendants=True)


def on_page_saved(sender, instance, raw=False, **kwargs):
    # A plain save may change what is public (confidentiality, live) but may also
    # carry draft values in memory: sync_page reads the stored, live row.
    if raw or not _enabled() or not isinstance(instance, Page):
        return
    from .documents import is_indexable_model

    if is_indexable_model(type(instance)):
        indexing.sync_page(instance.pk)


def on_page_deleted(sender, instance, **kwargs):
    if _enabled() and isinstance(instance, Page):
        indexing.drop_page(instance.pk)


def on_restriction_changed(sender, instance, raw=False, **kwargs):
    if raw or not _enabled():
        return
    if instance.page_id and Page.objects.filter(pk=instance.page_id).exists():
        indexing.sync_page(instance.page_id, descendants=True)


def connect() -> None:
    page_published.connect(on_page_published, dispatch_uid=_UID + "published")
    page_unpublished.connect(on_page_unpublished, dispatch_uid=_UID + "unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid=_UID + "moved")
    post_save.connect(on_page_saved, dispatch_uid=_UID + "page_saved")
    post_delete.connect(on_page_deleted, dispatch_uid=_UID + "page_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=_UID + "restriction" + str(id(signal)),
        )


# --- plugin records -------------------------------------------------------------


def connect_provider(provider) -> None:
    def saved(sender, instance, raw=False, **kwargs):
        if not raw and _enabled():
            indexing.sync_record(provider, instance)

    def deleted(sender, instance, **kwargs):
        if _enabled():
            indexing.drop_record(provider, instance.pk)

    provider._receivers = (saved, deleted)
    post_save.connect(saved, sender=provider.model, weak=False, dispatch_uid=_UID + provider.kind)
    post_delete.connect(
        deleted, sender=provider.model, weak=False, dispatch_uid=_UID + provider.kind + ":del"
    )


def disconnect_provider(provider) -> None:
    post_save.disconnect(sender=provider.model, dispatch_uid=_UID + provider.kind)
    post_delete.disconnect(sender=provider.model, dispatch_uid=_UID + provider.kind + ":del")
