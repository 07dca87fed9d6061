"""The sensitive and wrong-word check, for any text: the one place that answers
"which words of this site's lists does this text hit".

The word lists and the matcher belong to the review app (``cms.review``); this
module is the stable service every caller uses: pages' publication checks
(through the review app), plugin records' public text (``PublicTextMixin``
below), imports, and later the moderation of user-submitted text.

* :func:`find_words` / :func:`is_clean`: one text.
* :func:`scanner`: one site's lists loaded once, for checking many texts (an
  import of 100,000 rows asks the database once, not once per cell).
* :class:`PublicTextMixin`: a model declares ``public_text_fields``; every
  ``full_clean()`` (admin forms, API serializers of the plugin viewsets) and
  every ``save()`` refuses a record whose public text hits the site's lists,
  with a Chinese message naming the field and the words
  (:func:`describe_hits`).

A checker can be registered with :func:`register_checker` (a test); without
one, the review app's site matcher is used when the app is installed, and
nothing is found otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class WordHit:
    """A listed word found in a text: ``kind`` is ``"sensitive"`` or ``"wrong"``."""

    word: str
    kind: str
    replacement: str = ""


Checker = Callable[[str, int | None], list[WordHit]]
_checker: Checker | None = None


def register_checker(checker: Checker | None) -> Checker | None:
    """Install the function ``(text, site_id) -> [WordHit]``; returns the previous one."""
    global _checker
    previous, _checker = _checker, checker
    return previous


def _review_scanner(site_id: int | None) -> Callable[[str], list[WordHit]]:
    """The review app's matcher for a site's lists (global words included), loaded once."""
    from django.apps import apps

    if not apps.is_installed("cms.review"):
        return lambda text: []
    try:
        from cms.review.checks import html_to_text, matcher_for_site
    except ImportError:  # the review app does not offer the matcher (yet)
        return lambda text: []
    matcher = matcher_for_site(site_id)
    if matcher.regex is None:
        return lambda text: []

    def scan(text: str) -> list[WordHit]:
        return [
            WordHit(e.word, str(e.kind), e.replacement or "")
            for e in matcher.find(html_to_text(text))
        ]

    return scan


def _unique(hits: Iterable[WordHit]) -> list[WordHit]:
    seen: dict[str, WordHit] = {}
    for hit in hits:
        seen.setdefault(hit.word, hit)
    return list(seen.values())


def scanner(site=None) -> Callable[[str], list[WordHit]]:
    """``text -> [WordHit]`` over ``site``'s lists, read once: for checking many texts."""
    from cms.plugins.registry import site_id_of

    site_id = site_id_of(site)
    if _checker is not None:
        checker = _checker
        scan = lambda text: checker(text, site_id)  # noqa: E731
    else:
        scan = _review_scanner(site_id)
    return lambda text: _unique(scan(text)) if text else []


def find_words(text: str, site=None) -> list[WordHit]:
    """Listed words in ``text`` (global words plus ``site``'s own), each once, in order."""
    if not text:
        return []
    return scanner(site)(text)


def is_clean(text: str, site=None) -> bool:
    return not find_words(text, site)


def describe_hits(hits: list[WordHit], label: str | None = None) -> str:
    """The Chinese message for hits, naming the field when ``label`` is given:
    "“简介”含敏感词“甲”“乙”;含错别字“丙”(应为“丁”),请修改后再保存。"."""
    sensitive = [h for h in hits if h.kind != "wrong"]
    wrong = [h for h in hits if h.kind == "wrong"]
    parts = []
    if sensitive:
        parts.append("含敏感词" + "".join(f"“{h.word}”" for h in sensitive))
    if wrong:
        parts.append(
            "含错别字"
            + "".join(
                f"“{h.word}”(应为“{h.replacement}”)" if h.replacement else f"“{h.word}”"
                for h in wrong
            )
        )
    prefix = f"“{label}”" if label else ""
    return prefix + ";".join(parts) + ",请修改后再保存。"


# --- public text of records ---------------------------------------------------------


def _strings_in(data, out: list[str]) -> None:
    """Every string value of a JSON-like structure (StreamField data), minus ids and types."""
    if isinstance(data, str):
        out.append(data)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in ("id", "type", "url"):
                _strings_in(value, out)
    elif isinstance(data, list | tuple):
        for item in data:
            _strings_in(item, out)


def field_text(instance, name: str) -> str:
    """The text of one field of ``instance`` (a StreamField's strings joined by lines)."""
    from wagtail.fields import StreamField

    field = instance._meta.get_field(name)
    value = getattr(instance, field.attname, None)
    if value in (None, ""):
        return ""
    if isinstance(field, StreamField):
        try:
            prepared = field.get_prep_value(value)
        except Exception:  # a half-built value from a broken form: check what we can
            prepared = list(getattr(value, "raw_data", None) or [])
        if isinstance(prepared, str):
            try:
                prepared = json.loads(prepared)
            except ValueError:
                prepared = [prepared]
        out: list[str] = []
        _strings_in(prepared, out)
        return "\n".join(out)
    return str(value)


def public_text_errors(instance, exclude: Iterable[str] = ()) -> dict[str, list[str]]:
    """``{field: [message]}`` for each declared public text field that hits the site's lists."""
    fields = [f for f in getattr(instance, "public_text_fields", ()) if f not in set(exclude)]
    texts = {name: field_text(instance, name) for name in fields}
    if not any(texts.values()):
        return {}
    scan = scanner(instance.public_text_site())
    errors: dict[str, list[str]] = {}
    for name, text in texts.items():
        hits = scan(text)
        if hits:
            label = str(instance._meta.get_field(name).verbose_name)
            errors[name] = [describe_hits(hits, label)]
    return errors


class PublicTextMixin:
    """For models whose text the public reads: declare it, and it passes the word check.

    ``public_text_fields`` names the fields (CharField, TextField, StreamField)
    the public API, search or a micro-portal shows. ``full_clean()`` reports a
    hit on the field (so admin forms show it there), and ``save()`` refuses it
    with a ``ValidationError`` whatever path it came from (scripts, API
    serializers, imports that save row by row). Bulk writes (``bulk_create``,
    ``update()``) send no ``save()``: check their rows with :func:`scanner`.
    ``public_text_site()`` gives the site whose lists apply (``site_id`` by default).
    """

    public_text_fields: tuple[str, ...] = ()

    def public_text_site(self):
        return getattr(self, "site_id", None)

    def _public_text_snapshot(self) -> tuple:
        return tuple(field_text(self, name) for name in self.public_text_fields)

    def clean_fields(self, exclude=None):
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        exclude = set(exclude or ())
        skip = exclude | set(errors)
        for name, messages in public_text_errors(self, exclude=skip).items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        if not exclude & set(self.public_text_fields):
            self._public_text_checked = self._public_text_snapshot()

    def save(self, *args, **kwargs):
        if self.public_text_fields and (
            getattr(self, "_public_text_checked", None) != self._public_text_snapshot()
        ):
            update_fields = kwargs.get("update_fields")
            exclude = (
                [f for f in self.public_text_fields if f not in update_fields]
                if update_fields is not None
                else []
            )
            errors = public_text_errors(self, exclude=exclude)
            if errors:
                raise ValidationError(errors)
        self._public_text_checked = None
        return super().save(*args, **kwargs)
