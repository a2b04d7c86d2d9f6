"""API for case notes: list, read, create (never change). The chronology itself is
`GET /api/v1/children/{id}/chronology/` on the children viewset (casework/api.py)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import access
from accounts.audit import record_access

from ..api_common import WRITE, PathwayViewSet
from ..models import CaseNote, Child
from . import services
from .serializers import CaseNoteCreateSerializer, CaseNoteSerializer


class CaseNoteViewSet(mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, PathwayViewSet):
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
        return notes

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:case-notes-list", serializer_class=CaseNoteSerializer)

    def record_queryset(self):
        return CaseNote.objects.select_related("agency", "recorded_by", "child").prefetch_related("actions")

    def retrieve(self, request, *args, **kwargs):
        return Response(CaseNoteSerializer(self.open_record("api:case-notes-detail")).data)

    @extend_schema(request=CaseNoteCreateSerializer, responses={201: CaseNoteSerializer})
    def create(self, request, *args, **kwargs):
        data = self.valid_data(CaseNoteCreateSerializer)
        child = get_object_or_404(Child, pk=data.pop("child"))
        # Logged here only when refused: a saved note is logged by the service as the write.
        decision = access.decide(request.user, child)
        if not decision.allowed:
            record_access(user=request.user, child=child, what="api:case-notes-create", action=WRITE, decision=decision)
            raise Http404
        try:
            note = self.run(services.record_case_note, child=child, by=request.user, **data)
        except PermissionDenied:
            record_access(
                user=request.user,
                child=child,
                what="api:case-notes-create",
                action=WRITE,
                decision=access.AccessDecision(False, decision.purpose),
            )
            raise
        note = CaseNote.objects.select_related("agency", "recorded_by").prefetch_related("actions").get(pk=note.pk)
        return Response(CaseNoteSerializer(note).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("case-notes", CaseNoteViewSet, basename="api-case-note")
