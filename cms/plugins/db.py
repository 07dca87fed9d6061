"""Model bases for a plugin's records (public plugin API).

Everything a site owns carries a ``site`` foreign key and is read through
``for_site()`` / ``for_user()``: subclass :class:`SiteOwnedModel`.

Text the public reads (an API field, a search document, a micro-portal) passes
the same sensitive and wrong-word check as pages: list those fields in
``public_text_fields`` and every ``full_clean()`` (admin forms, the plugin
viewsets' writes) and ``save()`` refuses a hit with a Chinese message naming
the field and the words (``cms.services.sensitive``)::

    class Notice(SiteOwnedModel):
        public_text_fields = ("title", "body")

What users write (a suggestion, a message, a comment) is not refused but held
for moderation: subclass :class:`Moderated` too and list ``moderated_fields``
(``cms.plugins.api.SubmissionViewSet`` screens them on every POST).

A setting per congress level takes its ``level`` choices from :class:`SiteLevel`
(省级, 设区的市级, 县级: the levels that own a site).
"""

from cms.moderation.models import Moderated
from cms.moderation.models import Status as ModerationStatus
from cms.services.sensitive import PublicTextMixin
from cms.sitegroup.models import Level as SiteLevel
from cms.sitegroup.models import SiteOwnedModel as _SiteOwnedModel
from cms.sitegroup.models import SiteOwnedQuerySet


class SiteOwnedModel(PublicTextMixin, _SiteOwnedModel):
    """A record a site owns; its ``public_text_fields`` pass the site's word check."""

    class Meta:
        abstract = True


__all__ = [
    "Moderated",
    "ModerationStatus",
    "PublicTextMixin",
    "SiteLevel",
    "SiteOwnedModel",
    "SiteOwnedQuerySet",
]
