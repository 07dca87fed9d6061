"""The plugin's records: each belongs to one site of the group."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import SiteOwnedModel


class Entry(SiteOwnedModel):
    """An entry a site publishes through ${english_name}."""

    #: Text the public reads: it passes the site's sensitive-word check on every save.
    public_text_fields = ("title", "body")

    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("条目")
        verbose_name_plural = _("条目")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title
