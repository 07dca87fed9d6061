"""The automatic publication checks: sensitive and wrong words, required date.

Both are registered with ``cms.content.publication.register_check`` in
``ReviewConfig.ready()``, so they run in the workflow's automatic step and in
the publish guard alike.

Words are matched with one compiled regular expression per site (the global
words plus the site's own), built from a trie so that thousands of words cost
one linear scan of the text. The compiled matcher is cached in the process and
keyed by a cheap fingerprint of the word list (count, newest change, highest
id), so an edit in any process, or a rolled-back test, is never served stale.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from cms.content.publication import Problem

# Fields of wagtailcore.Page that hold no editorial text.
_PAGE_TEXT_FIELDS = ("title", "seo_title", "search_description")
_SKIP_FIELDS = {
    "slug",
    "url_path",
    "path",
    "draft_title",
    "latest_revision_created_at",
    "locale",
    "translation_key",
    "original_url",
}
_BLOCK_TAGS = re.compile(
    r"</?(?:p|div|h[1-6]|li|ol|ul|br|hr|tr|td|th|table|blockquote|pre)\b[^>]*>", re.I
)
_ANY_TAG = re.compile(r"<[^>]+>")


def html_to_text(value: str) -> str:
    """Rich text to plain text: block tags become line breaks, inline tags vanish.

    Inline formatting inside a word (``<b>敏</b>感``) must not hide it, while
    two paragraphs must not run together into a false match.
    """
    if "<" not in value:
        return html.unescape(value)
    value = _BLOCK_TAGS.sub("\n", value)
    value = _ANY_TAG.sub("", value)
    return html.unescape(value)


def _strings_in(data, out: list[str]) -> None:
    """Every string value in a JSON-like structure (stream data, tables)."""
    if isinstance(data, str):
        out.append(html_to_text(data))
    elif isinstance(data, dict):
        for key, value in data.items():
            if key in ("id", "type"):
                continue
            _strings_in(value, out)
    elif isinstance(data, list | tuple):
        for item in data:
            _strings_in(item, out)


def _stream_texts(field, value) -> list[str]:
    out: list[str] = []
    try:
        prepared = field.get_prep_value(value)
    except Exception:  # a half-built value from a broken form: check what we can
        prepared = getattr(value, "raw_data", None)
        prepared = list(prepared) if prepared is not None else []
    if isinstance(prepared, str):
        try:
            prepared = json.loads(prepared)
        except ValueError:
            prepared = [prepared]
    _strings_in(prepared, out)
    return out


def _model_texts(obj, skip_page_fields: bool) -> list[tuple[str, str]]:
    from wagtail.fields import StreamField

    texts: list[tuple[str, str]] = []
    for field in obj._meta.concrete_fields:
        if field.name in _SKIP_FIELDS or field.choices:
            continue
        if (
            skip_page_fields
            and field.model._meta.label == "wagtailcore.Page"
            and field.name not in _PAGE_TEXT_FIELDS
        ):
            continue
        value = getattr(obj, field.attname, None)
        if value in (None, ""):
            continue
        if isinstance(field, StreamField):
            texts.extend((field.name, t) for t in _stream_texts(field, value))
        elif isinstance(field, models.CharField | models.TextField) and not isinstance(
            field, models.URLField | models.SlugField | models.EmailField
        ):
            texts.append((field.name, html_to_text(str(value))))
    return texts


def page_texts(page) -> list[tuple[str, str]]:
    """(field name, plain text) for every editorial text of a page, incl. inline children."""
    texts = _model_texts(page, skip_page_fields=True)
    try:
        from modelcluster.models import get_all_child_relations

        relations = get_all_child_relations(page)
    except Exception:
        relations = []
    for relation in relations:
        if relation.related_model._meta.app_label.startswith("wagtail"):
            continue  # reviewers' comments are not content
        name = relation.get_accessor_name()
        try:
            children = getattr(page, name).all()
        except Exception:
            continue
        for child in children:
            texts.extend((name, text) for _field, text in _model_texts(child, False))
    return texts


# --- The matcher -----------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    word: str
    kind: str
    replacement: str


def _trie_pattern(words: list[str]) -> str:
    """A regex matching any of ``words``, built from a trie (longest match first)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) == 1 and not end:
            return branches[0]
        body = "(?:" + "|".join(branches) + ")"
        return body + "?" if end else body

    return build(trie)


class Matcher:
    def __init__(self, entries: list[Entry]):
        self.entries = {e.word: e for e in entries}
        words = [w for w in self.entries if w]
        self.regex = re.compile(_trie_pattern(words)) if words else None

    def find(self, text: str) -> list[Entry]:
        if self.regex is None or not text:
            return []
        return [self.entries[m.group(0)] for m in self.regex.finditer(text)]


_cache: dict[int | None, tuple[tuple, Matcher, float]] = {}
_lock = threading.Lock()


def clear_cache(*args, **kwargs) -> None:
    with _lock:
        _cache.clear()


def _words_for(site_id):
    from .models import SensitiveWord

    condition = Q(site__isnull=True)
    if site_id is not None:
        condition |= Q(site_id=site_id)
    return SensitiveWord.objects.filter(condition)


#: Seconds a process trusts its matchers before it asks the database whether the word
#: list changed (a change in this process clears them at once: ``clear_cache``).
RECHECK_SECONDS = 2.0


def matcher_for_site(site_id: int | None) -> Matcher:
    """The cached matcher for a site's words (global words included).

    Every screened write asks for it: within ``RECHECK_SECONDS`` of the last check
    it costs no query; then one (the list's count, newest change and highest id)
    tells whether another process changed the list."""
    cached = _cache.get(site_id)
    now = time.monotonic()
    if cached is not None and now - cached[2] < RECHECK_SECONDS:
        return cached[1]
    qs = _words_for(site_id)
    fingerprint = tuple(qs.aggregate(n=Count("id"), t=Max("updated_at"), m=Max("id")).values())
    if cached is not None and cached[0] == fingerprint:
        with _lock:
            _cache[site_id] = (fingerprint, cached[1], now)
        return cached[1]
    rows = qs.order_by("site_id").values_list("word", "kind", "replacement", "site_id")
    entries: dict[str, Entry] = {}
    for word, kind, replacement, row_site in rows:
        # A site's own entry overrides a global entry for the same word.
        if word not in entries or row_site is not None:
            entries[word] = Entry(word, kind, replacement)
    matcher = Matcher(list(entries.values()))
    with _lock:
        _cache[site_id] = (fingerprint, matcher, now)
    return matcher


def _site_id_of(page) -> int | None:
    from cms.sitegroup.tree import site_values_for_path as profile_values_for_path

    values = profile_values_for_path(getattr(page, "path", None))
    return values["site_id"] if values else None


def find_words(page) -> list[tuple[Entry, str]]:
    """Listed words found in a page, each once, with the field it was first seen in."""
    matcher = matcher_for_site(_site_id_of(page))
    if matcher.regex is None:
        return []
    found: dict[str, tuple[Entry, str]] = {}
    for field, text in page_texts(page):
        for entry in matcher.find(text):
            found.setdefault(entry.word, (entry, field))
    return list(found.values())


def sensitive_word_check(page) -> list[Problem]:
    from .models import WordKind

    problems = []
    for entry, field in find_words(page):
        if entry.kind == WordKind.WRONG:
            if entry.replacement:
                message = _("含错别字“%(word)s”,应为“%(replacement)s”") % {
                    "word": entry.word,
                    "replacement": entry.replacement,
                }
            else:
                message = _("含错别字“%(word)s”") % {"word": entry.word}
            problems.append(Problem(code="wrong_word", message=message, field=field))
        else:
            message = _("含敏感词“%(word)s”") % {"word": entry.word}
            problems.append(Problem(code="sensitive_word", message=message, field=field))
    return problems


def required_date_check(page) -> list[Problem]:
    """Dated content (every ``ContentPage``) needs its date before it goes live."""
    from cms.content.models import ContentPage

    if isinstance(page, ContentPage) and not page.date:
        return [Problem(code="missing_date", message=_("缺少日期"), field="date")]
    return []
