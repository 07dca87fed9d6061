"""Serving rules for the core page types."""

from django.http import Http404
from wagtail import hooks

from .models import Confidentiality


@hooks.register("before_serve_page")
def refuse_non_public_pages(page, request, serve_args, serve_kwargs):
    # A live page can only be public (the publish guard), but a page whose
    # mark changed underneath (data import, shell) must still never be served.
    if getattr(page, "confidentiality", Confidentiality.PUBLIC) != Confidentiality.PUBLIC:
        raise Http404


@hooks.register("before_serve_document")
def refuse_unpublished_documents(document, request):
    # Only what a public page publishes, a public collection, or the site's own staff.
    from .documents import is_public, user_may_manage

    if not is_public(document) and not user_may_manage(request.user, document):
        raise Http404
