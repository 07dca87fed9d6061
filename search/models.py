"""The embedded engine's index: one row per public, live searchable item.

Pages and plugin records land here in the same shape. ``audience_id`` is set on
the records of a provider with an audience (``RecordProvider.audience_field``):
searches return such a row only to a caller the audience includes. The full-text part is
created by the migration for the database in use (``0002_fulltext``):

* SQLite: an FTS5 table ``search_index_fts`` (external content over this
  table's ``title_tokens`` and ``body_tokens``) kept in step by triggers;
* PostgreSQL: generated ``tsvector`` columns ``tsv`` (title weight A, body D)
  and ``title_tsv`` over the same tokens, ``tsv`` with a GIN index.

The ``*_tokens`` columns hold the text pre-segmented by :mod:`search.text`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    key = models.CharField(max_length=128, unique=True)  # "page:12", "example.entry:5"
    family = models.CharField(max_length=16, db_index=True)  # "page" or "record"
    type = models.CharField(max_length=64, db_index=True)  # "article", "example.entry"
    plugin = models.CharField(max_length=64, blank=True, default="", db_index=True)
    object_id = models.BigIntegerField()
    site_id = models.IntegerField(db_index=True)
    site_code = models.CharField(max_length=9)
    level = models.CharField(max_length=16)
    column_id = models.BigIntegerField(null=True, blank=True)
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    title = models.TextField()
    body = models.TextField(blank=True, default="")
    date = models.DateField(null=True, blank=True, db_index=True)
    url = models.CharField(max_length=500, blank=True, default="")
    title_tokens = models.TextField(blank=True, default="")
    body_tokens = models.TextField(blank=True, default="")
    scope_tokens = models.CharField(max_length=64, blank=True, default="")  # st<code> tr<code>…
    #: A record only an audience may find (``services.Audience`` id); ``NULL``: public.
    audience_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索索引条目")
        verbose_name_plural = _("搜索索引条目")

    def __str__(self) -> str:
        return f"{self.key} {self.title}"


class PendingIndexUpdate(models.Model):
    """An index update the search server could not take (search.outbox): replayed later.

    Rows name what to re-index, not the document: replaying reads the current
    rows, so an old entry can never overwrite a newer state.
    """

    class Op(models.TextChoices):
        PAGE = "page", "page"  # sync pages object_ids (and descendants)
        DROP_PAGE = "drop_page", "drop page"
        RECORD = "record", "record"  # sync records object_ids of provider
        DROP_RECORD = "drop_record", "drop record"

    op = models.CharField(max_length=16, choices=Op.choices)
    provider = models.CharField(max_length=64, blank=True, default="")  # a record kind
    object_ids = models.JSONField(default=list)
    descendants = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("待同步的索引更新")
        verbose_name_plural = _("待同步的索引更新")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.op} {self.provider} {self.object_ids[:5]}"
