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
