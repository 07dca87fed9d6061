"""Who may download a document (附件): the public only what a public page publishes.

Wagtail serves every document at ``/documents/<id>/<filename>`` to anyone who
knows the id and the name (collection view restrictions aside), so an
attachment of a draft, of a page marked not public or of a page under an
unpublished column was downloadable before anyone published it. The
``before_serve_document`` hook below answers 404 (as for a missing document)
unless:

* the document is used by a page the public may see (the one rule of
  ``cms.sitegroup.visibility``: live, marked public, no unpublished or
  not-public page and no view restriction on it or above it). "Used" is what
  Wagtail's reference index records from the page's stored (live) content:
  attachments, attachment blocks, document links in rich text, any document
  field; a document added only in an unpublished draft is not public yet;
* or it is in a collection the operator made public
  (``LIANXI_PUBLIC_DOCUMENT_COLLECTIONS``: collection names, with their
  sub-collections);
* or the user may choose or change it in the admin (its site's staff), who
  need to see drafts' attachments.

Documents are always served through this view (``WAGTAILDOCS_SERVE_METHOD =
"serve_view"``) and never as plain media files (``cms/urls.py`` refuses
``/media/documents/``; a production web server must not serve that folder
either).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Collection, Page, ReferenceIndex


def pages_using(document) -> list[Page]:
    """Pages whose stored content refers to ``document`` (Wagtail's reference index)."""
    refs = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=ContentType.objects.get_for_model(Page))
        .values_list("object_id", flat=True)
    )
    ids = {int(i) for i in refs if str(i).isdigit()}
    return list(Page.objects.filter(pk__in=ids, live=True).order_by("pk")) if ids else []


def in_public_collection(document) -> bool:
    names = getattr(settings, "LIANXI_PUBLIC_DOCUMENT_COLLECTIONS", []) or []
    if not names or document.collection_id is None:
        return False
    public = Collection.objects.filter(name__in=names)
    collection = document.collection
    return any(collection.pk == c.pk or collection.is_descendant_of(c) for c in public)


def is_public(document) -> bool:
    """May anyone download ``document``?"""
    if in_public_collection(document):
        return True
    from cms.sitegroup.visibility import Visibility

    pages = pages_using(document)
    if not pages:
        return False
    visible = Visibility()
    return any(visible.page_is_public(page) for page in pages)


def user_may_manage(user, document) -> bool:
    if not (user and user.is_authenticated):
        return False
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_document_model())
    return policy.user_has_any_permission_for_instance(user, ["change", "choose"], document)
