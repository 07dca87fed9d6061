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

A record's history of state changes subclasses :class:`StateHistory` (who,
when, a note; append-only) and adds its foreign key and ``from_state`` /
``to_state`` with the record's own choices.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class StateHistory(models.Model):
    """One change of a record's state: who, when, from → to, and a note. Never changed,
    never deleted. Subclasses add the record's foreign key, ``from_state`` and ``to_state``."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+", verbose_name=_("操作人"))  # fmt: skip
    actor_name = models.CharField(_("操作人"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display()} → {self.get_to_state_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("办理记录只能追加,不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("办理记录不能删除。"))


__all__ = [
    "Moderated",
    "ModerationStatus",
    "PublicTextMixin",
    "SiteLevel",
    "SiteOwnedModel",
    "SiteOwnedQuerySet",
    "StateHistory",
]
