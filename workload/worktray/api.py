"""GET /api/v1/worktray/: the signed-in user's worktray, the same rows as My work."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .items import KINDS
from .selectors import worktray
from .serializers import WorkItemSerializer


class WorktrayPagination(PageNumberPagination):
    page_size = 25


class WorktrayList(generics.ListAPIView):
    serializer_class = WorkItemSerializer
    pagination_class = WorktrayPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(KINDS), description="Only rows of this kind"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        kind = self.request.query_params.get("kind") or None
        if kind is not None and kind not in KINDS:
            raise ValidationError({"kind": [f"Choose one of: {', '.join(KINDS)}"]})
        return worktray(user=self.request.user, kind=kind).items
