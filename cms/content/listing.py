"""Keeps ``ListedPage`` (the page lists' index) in step with the pages.

* every save of a Lianxi page (publish, unpublish, a draft's revision fields, a
  script's ``save()``) rewrites the page's row, from the database;
* a move rewrites the rows of the moved subtree (paths and site change);
* a delete removes the rows with the pages (a cascade);
* writes that fire no signals (bulk imports, ``QuerySet.update`` of ``live``,
  benchmarks' bulk inserts) call :func:`sync` with the page ids or a tree path, and
  ``manage.py sync_page_listing`` rebuilds the whole table.

Rows are derived only from the database, never from the instance a signal carries,
so a row is right even when the instance is stale. Lists never trust a row alone:
``cms.api.pages`` checks each page it shows against the pages themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import post_save
from wagtail.models import Page
from wagtail.signals import post_page_move

CHUNK = 2000


def _models():
    from cms.sitegroup.visibility import page_models

    return page_models()


def site_path(path: str) -> str:
    """The tree path of the top page below the root above ``path`` (a site's home page)."""
    return path[: 2 * Page.steplen]


def _rows(model, pages):
    """``ListedPage`` rows of the pages of ``model`` among ``pages``, in batches."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Confidentiality, ListedPage

    content_type = ContentType.objects.get_for_model(model)
    dated = any(f.name == "date" for f in model._meta.get_fields())
    columns = ["pk", "path", "depth", "live", "confidentiality"] + (["date"] if dated else [])
    batch = []
    values = pages.filter(content_type=content_type).values_list(*columns)
    for row in values.iterator(chunk_size=CHUNK):
        pk, path, depth, live, confidentiality = row[:5]
        batch.append(
            ListedPage(
                page_id=pk, site_path=site_path(path), content_type=content_type, path=path,
                depth=depth, shown=live and confidentiality == Confidentiality.PUBLIC,
                sort_date=(row[5] if dated else None) or ListedPage.NO_DATE,
            )
        )  # fmt: skip
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def sync(page_ids: Iterable[int] | None = None, path: str | None = None, prune: bool = True) -> int:
    """Rewrite the rows of these pages (ids, or every page at or below ``path``; with
    neither, every page) from the database; with ``prune``, rows of pages that are gone
    are removed. Returns the number of rows written."""
    from django.contrib.contenttypes.models import ContentType

    from .models import ListedPage

    if page_ids is not None:
        ids = list(page_ids)
        chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
        selections = [(Page.objects.filter(pk__in=chunk), chunk) for chunk in chunks]
    else:
        pages = Page.objects.filter(path__startswith=path) if path else Page.objects.all()
        selections = [(pages, None)]
    models = {ContentType.objects.get_for_model(m).pk: m for m in _models()}
    written = 0
    for pages, chunk in selections:
        present = set(pages.order_by().values_list("content_type_id", flat=True).distinct())
        for content_type_id in present & set(models):
            model = models[content_type_id]
            for rows in _rows(model, model._base_manager.filter(pk__in=pages.values("pk"))):
                ListedPage.objects.bulk_create(
                    rows, update_conflicts=True, unique_fields=["page"],
                    update_fields=["site_path", "content_type", "path", "depth", "shown",
                                   "sort_date"],
                )  # fmt: skip
                written += len(rows)
        if prune and chunk is not None:  # pages gone: no row
            ListedPage.objects.filter(page_id__in=chunk).exclude(page_id__in=pages.values("pk"))\
                .delete()  # fmt: skip
    return written


def on_page_saved(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk:
        sync([instance.pk], prune=False)


def on_page_moved(sender, instance, **kwargs):
    sync(path=instance.path)


def connect() -> None:
    uid = "lianxi-listing"
    # A page saved as its own type, or as a base ``Page`` (revision fields, scripts).
    for model in [Page, *_models()]:
        post_save.connect(on_page_saved, sender=model, dispatch_uid=f"{uid}-{model._meta.label}")
    post_page_move.connect(on_page_moved, dispatch_uid=uid)
