"""The origins each site lets browsers call the API from.

API tokens are Wagtail's own ``wagtailcore.APIToken`` (hashed, shown once,
revocable in 用户 → API tokens); see ``cms.apiaccess.authentication``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Site

from cms.sitegroup.models import SiteOwnedModel


class SiteCorsOrigin(SiteOwnedModel):
    """An origin (scheme://host[:port]) whose browser pages may call this site's API."""

    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, related_name="cors_origins", verbose_name=_("站点")
    )
    origin = models.CharField(
        _("来源"),
        max_length=200,
        help_text=_("网页的来源,如 https://www.hefei-rd.gov.cn(不带路径和结尾斜杠)。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("跨域来源")
        verbose_name_plural = _("跨域来源")
        ordering = ["site", "origin"]
        constraints = [
            models.UniqueConstraint(fields=["site", "origin"], name="apiaccess_unique_site_origin")
        ]

    def __str__(self) -> str:
        return self.origin

    def clean(self) -> None:
        from urllib.parse import urlsplit

        self.origin = (self.origin or "").strip().rstrip("/")
        parts = urlsplit(self.origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise ValidationError({"origin": _("请填写形如 https://example.gov.cn 的来源。")})


class IdempotencyRecord(models.Model):
    """The first answer to a POST sent with an ``Idempotency-Key`` (cms/api/idempotency.py)."""

    #: Who sent it: ``u<user id>`` or ``a<client address>``, then the key.
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(default=0)  # 0: still being answered
    body = models.JSONField(null=True, encoder=DjangoJSONEncoder)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="apiaccess_idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
