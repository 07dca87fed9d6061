"""The plugin's records: each belongs to one site of the group.

``Entry`` is what the site's staff publish; ``Submission`` is what a logged-in
user (a deputy, a citizen) sends the site from a mini-program: screened, held
for moderation when it hits a listed word, and read back by its author only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cms.plugins.db import Moderated, SiteOwnedModel


class Entry(SiteOwnedModel):
    """An entry a site publishes through Example."""

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


class Submission(Moderated, SiteOwnedModel):
    """What a user sends the site through Example (``POST /api/v1/example/submissions/``)."""

    #: Text users write: screened on every POST; a listed word holds it for moderation.
    moderated_fields = ("text",)
    #: No public answer shows submissions (only their authors read them), so a new one
    #: leaves the site's cached public answers alone. Set True once the plugin publishes them.
    affects_public_api = False

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("提交人"),
    )  # fmt: skip
    text = models.TextField(_("内容"), max_length=2000)
    attachments = models.ManyToManyField(
        "moderation.Upload", blank=True, related_name="+", verbose_name=_("附件")
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("来信")
        verbose_name_plural = _("来信")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.text[:30]
