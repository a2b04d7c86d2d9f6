"""API for case notes: list, read, create (never change). The chronology itself is
`GET /api/v1/children/{id}/chronology/` on the children viewset (casework/api.py)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import access
from accounts.audit import record_access, record_search
from accounts.models import AccessEvent
from referrals.api import service_errors

from ..models import CaseNote, Child
from ..pages import api_open_child
from . import services
from .serializers import CaseNoteCreateSerializer, CaseNoteSerializer


class CaseNoteViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Case notes on children the caller may see (seed 000 ¶8.1). A note is not changed once saved."""

    serializer_class = CaseNoteSerializer
    queryset = CaseNote.objects.none()

    def get_queryset(self):
        notes = (
            CaseNote.objects.filter(child__in=access.visible_children(self.request.user))
            .select_related("agency", "recorded_by")
            .prefetch_related("actions")
            .order_by("-occurred_at", "-id")
        )
        child = self.request.query_params.get("child")
        if child:
            notes = notes.filter(child_id=child) if child.isdigit() else notes.none()
        return notes

    @extend_schema(parameters=[OpenApiParameter("child", int, description="Only this child's notes")])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        record_search(
            user=request.user, what="api:case-notes-list", query=request.query_params.urlencode(),
            child_ids=sorted({note.child_id for note in page}),
        )
        return self.get_paginated_response(CaseNoteSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        note = get_object_or_404(
            CaseNote.objects.select_related("agency", "recorded_by", "child").prefetch_related("actions"), pk=kwargs["pk"]
        )
        api_open_child(request.user, note.child, what="api:case-notes-detail")
        return Response(CaseNoteSerializer(note).data)

    @extend_schema(request=CaseNoteCreateSerializer, responses={201: CaseNoteSerializer})
    def create(self, request, *args, **kwargs):
        serializer = CaseNoteCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = Child.objects.filter(pk=data.pop("child")).first()
        if child is None:
            raise Http404
        decision = access.decide(request.user, child)
        if not decision.allowed:
            record_access(user=request.user, child=child, what="api:case-notes-create", action=AccessEvent.Action.WRITE, decision=decision)
            raise Http404
        try:
            note = services.record_case_note(child=child, by=request.user, **data)
        except ValidationError as error:
            return Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied as error:
            record_access(
                user=request.user, child=child, what="api:case-notes-create", action=AccessEvent.Action.WRITE,
                decision=access.AccessDecision(False, decision.purpose),
            )
            raise PermissionDenied(str(error))
        note = CaseNote.objects.select_related("agency", "recorded_by").prefetch_related("actions").get(pk=note.pk)
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("case-notes", CaseNoteViewSet, basename="api-case-note")
