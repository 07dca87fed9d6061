"""Turning something into a deputy's suggestion draft (建议草稿), backed by a plugin.

A deputy who reads a citizen's message may make it the start of a suggestion
(建议) to their congress. The suggestions belong to a plugin; the core does not
import it. The plugin registers a backend when it starts, and other plugins
ask::

    from cms.services import suggestion_drafts

    try:
        ref = suggestion_drafts.create_draft(site=site, user=deputy_user, title=..., text=...)
    except suggestion_drafts.Unavailable as error:   # no backend, or off on that site
        ...                                           # str(error) says why, in Chinese

The draft is the deputy's own (state draft, author ``user``): they edit and
submit it in the suggestions plugin. ``ref`` is its id there.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Unavailable", "create_draft", "is_available", "register_backend"]


class Unavailable(Exception):
    """No draft can be made here (no backend, the plugin off for the site, not a deputy)."""


class Backend(Protocol):
    def create_draft(self, *, site, user, title: str, text: str, source: str) -> str:
        """The new draft's id; raises :class:`Unavailable` with the reason."""


_backend: Backend | None = None


def register_backend(backend: Backend | None) -> None:
    """Called by the plugin that keeps suggestions, in its ``ready()``."""
    global _backend
    _backend = backend


def is_available() -> bool:
    return _backend is not None


def create_draft(*, site, user, title: str, text: str, source: str = "") -> str:
    """A suggestion draft of the deputy ``user`` on ``site`` with this title and text;
    ``source`` notes where it came from (e.g. "群众留言 12")."""
    if _backend is None:
        raise Unavailable("本站未启用议案建议功能,不能转为建议。")
    return _backend.create_draft(site=site, user=user, title=title, text=text, source=source)
