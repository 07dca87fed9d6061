"""What users submit through the API: the one write idiom of the core and of every plugin.

A suggestion, a message to a deputy, a comment on a draft, a 找错 report: each
is a record a logged-in account (or, for 找错, anyone) posts to one site, that
the sensitive-word screen may hold for moderation, that may carry attachments,
and that its author reads back with its state. The pieces:

* :class:`AttachmentsField`: upload ids (``POST /api/v1/uploads/``) in, the
  user's own ``Upload`` rows of the site out; another's upload, another site's
  or an unknown id is a 400 on the field;
* :func:`status_of`: the state the author sees (``pending`` / ``rejected``
  while moderation holds or refused it, else the record's own state);
* :class:`SubmissionMixin` (plugins take ``SubmissionViewSet`` from ``cms.plugins.api``): post
  (idempotent, throttled, screened by ``cms.services.moderation``, all in one
  transaction) and list/read back one's own submissions on the site, never
  anyone else's; unsafe methods other than POST are not routed.
"""

from __future__ import annotations

from django.db import transaction
from rest_framework import permissions, serializers
from rest_framework.exceptions import ValidationError

from cms.services import moderation

from .conventions import NO_STORE
from .idempotency import IdempotentMixin

#: Attachments per submission.
MAX_ATTACHMENTS = 5


class AttachmentsField(serializers.ListField):
    """Upload ids → the caller's own uploads on the request's site (a list of ``Upload``).

    The site comes from the serializer's context: ``site_id``, or the plugin
    request's ``site_profile``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(max_length=32))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_ATTACHMENTS)
        kwargs.setdefault(
            "help_text", f"先用 /api/v1/uploads/ 上传得到的附件编号,最多 {MAX_ATTACHMENTS} 个"
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        from cms.moderation.models import Upload

        tokens = list(dict.fromkeys(super().to_internal_value(data)))
        if not tokens:
            return []
        request = self.context["request"]
        site_id = self.context.get("site_id") or request.site_profile.site_id
        user = request.user
        owner = user.pk if user.is_authenticated else None
        files = list(Upload.objects.filter(token__in=tokens, site_id=site_id, owner_id=owner))
        if len(files) != len(tokens):
            raise ValidationError("附件不存在或不是本人上传的。", code="not_found")
        return files

    def to_representation(self, value):
        rows = value.all() if hasattr(value, "all") else value
        return [upload.token for upload in rows]


def status_of(record, state_field: str | None = "state") -> str:
    """The state the author sees: moderation's while it holds or refused the record."""
    if record.moderation_status != "approved" or not state_field:
        return record.moderation_status
    return getattr(record, state_field)


class OwnSubmissionsPermission(permissions.BasePermission):
    """Logged-in accounts (a mini-program's bearer token, or a session) post and read their own."""

    message = "请先登录。"

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)


class SubmissionMixin(IdempotentMixin):
    """Post a submission to the site, and list or read back one's own.

    Put before ``SiteScopedMixin`` (``cms.plugins.api.SubmissionViewSet`` does).
    The model subclasses ``Moderated`` (``moderated_fields``) and
    ``SiteOwnedModel`` and has an ``author`` foreign key (``author_field``)."""

    permission_classes = [OwnSubmissionsPermission]
    #: The model's foreign key to the account that posted the record.
    author_field = "author"
    #: A new submission changes no public answer (cms.api.caching keeps the site's
    #: cached answers); set True on a view whose writes the public sees at once.
    affects_public_api = False

    def get_queryset(self):
        rows = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return rows
        return rows.filter(**{f"{self.author_field}_id": self.request.user.pk})

    def perform_create(self, serializer):
        site = self.site_profile.site
        with transaction.atomic():
            author = self.request.user  # the token's user: no second query for it
            record = serializer.save(site=site, **{f"{self.author_field}_id": author.pk})
            moderation.submit(record, site=site, author=author)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = NO_STORE["Cache-Control"]
        return response
