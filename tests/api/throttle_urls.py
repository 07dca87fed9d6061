"""Test-only routes: a search-scoped view and an anonymous write view, beside the real API."""

from django.urls import include, path
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.api.throttling import SearchRateThrottle


class SearchView(APIView):
    permission_classes = [permissions.AllowAny]
    throttle_classes = [SearchRateThrottle]

    def get(self, request):
        return Response({"q": request.GET.get("q", ""), "results": []})


class AnonymousWriteView(APIView):
    """Like a public consultation's comment form: anyone may post."""

    permission_classes = [permissions.AllowAny]

    def get(self, request):
        return Response({"ok": True})

    def post(self, request):
        return Response({"ok": True}, status=201)


urlpatterns = [
    path("api/v1/test-search/", SearchView.as_view()),
    path("api/v1/test-comments/", AnonymousWriteView.as_view()),
    path("", include("cms.urls")),
]
