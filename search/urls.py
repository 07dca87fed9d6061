"""Mounted at ``/api/v1/search/`` by ``cms.api.urls``."""

from django.urls import path

from .api import SearchView, SuggestView

app_name = "search"

urlpatterns = [
    path("", SearchView.as_view(), name="search"),
    path("suggest/", SuggestView.as_view(), name="suggest"),
]
