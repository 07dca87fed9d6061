"""``/api/v1/me/``: who the request's token (or session) belongs to, and the sites they manage."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.sitegroup.models import SiteProfile

from .conventions import ProblemSerializer


class MeView(APIView):
    """The authenticated user; ``401`` problem when the request carries no valid credentials."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="me",
        responses={
            200: inline_serializer(
                "Me",
                {
                    "username": serializers.CharField(),
                    "name": serializers.CharField(),
                    "is_staff": serializers.BooleanField(),
                    "sites": serializers.ListField(child=serializers.DictField()),
                },
            ),
            (401, "application/problem+json"): OpenApiResponse(
                ProblemSerializer, description="未提供或无效的令牌"
            ),
        },
    )
    def get(self, request):
        user = request.user
        sites = SiteProfile.objects.for_user(user).order_by("division_code")
        return Response(
            {
                "username": user.get_username(),
                "name": user.get_full_name() or user.get_username(),
                "is_staff": user.is_staff,
                "sites": [
                    {"code": p.division_code, "name": p.name, "level": p.level} for p in sites
                ],
            },
            headers={"Cache-Control": "private, no-store"},
        )
