from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.audit import record_search
from notifications.selectors import child_deadlines, with_rag
from notifications.serializers import DeadlineSerializer

from . import selectors
from .chronology import selectors as chronology_selectors
from .chronology.serializers import ChronologyEntrySerializer
from .history import selectors as history_selectors
from .history.context import keeps_history
from .history.serializers import ChangeHistoryEntrySerializer
from .models import Child
from .pages import api_open_child
from .serializers import ChildDetailSerializer, ChildSummarySerializer


class ChildViewSet(viewsets.ReadOnlyModelViewSet):
    """Children the caller may see. Any other child answers 404, and the attempt is logged."""

    def get_serializer_class(self):
        return ChildDetailSerializer if self.action == "retrieve" else ChildSummarySerializer

    def get_queryset(self):
        return selectors.child_search(fetched_by=self.request.user, query=self.request.query_params.get("search", ""))

    @extend_schema(parameters=[OpenApiParameter("search", str, description="Name words or an NHS number")])
    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        record_search(
            user=request.user,
            what="api:children-list",
            query=request.query_params.get("search", ""),
            child_ids=[row["id"] for row in response.data["results"]],
        )
        return response

    def _open_child(self, what: str) -> Child:
        child = get_object_or_404(Child, pk=self.kwargs["pk"])
        api_open_child(self.request.user, child, what=what)
        return child

    def get_object(self):
        child = self._open_child("api:children-detail")
        return Child.objects.prefetch_related(
            "involvements__agency", "involvements__allocated_worker", "involvements__team"
        ).get(pk=child.pk)

    @extend_schema(responses=DeadlineSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def deadlines(self, request, pk=None):
        """The child's statutory deadlines: due date, status, traffic light and how the date was worked out."""
        child = self._open_child("api:children-deadlines")
        return Response(DeadlineSerializer(with_rag(child_deadlines(child=child, viewer=request.user)), many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "agency",
                str,
                many=True,
                explode=False,
                description="Only these agency kinds, comma-separated: "
                + ", ".join(k for k, _ in chronology_selectors.agency_kind_choices()),
            ),
            OpenApiParameter(
                "type",
                str,
                many=True,
                explode=False,
                description="Only these event types, comma-separated: "
                + ", ".join(t for t, _ in chronology_selectors.event_type_choices()),
            ),
        ],
        responses=ChronologyEntrySerializer(many=True),
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def chronology(self, request, pk=None):
        """Everything recorded about the child, newest first, from every agency's records (seed 000 ¶8.1;
        the YJS brings a chronology of its involvement to a strategy meeting, somerset-vs-lancashire §1.6)."""
        child = self._open_child("api:children-chronology")
        filters = {}
        for param, key, choices in (
            ("agency", "agency_kinds", chronology_selectors.agency_kind_choices()),
            ("type", "event_types", chronology_selectors.event_type_choices()),
        ):
            values = [v.strip() for raw in request.query_params.getlist(param) for v in raw.split(",") if v.strip()]
            unknown = sorted(set(values) - {code for code, _ in choices})
            if unknown:
                raise serializers.ValidationError({param: [f"Unknown value: {', '.join(unknown)}"]})
            filters[key] = values or None
        return Response(
            ChronologyEntrySerializer(
                chronology_selectors.chronology(child=child, viewer=request.user, **filters), many=True
            ).data
        )

    @extend_schema(responses=ChangeHistoryEntrySerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every change to the child's details and records, newest first: who changed which fields from
        what to what. Youth justice records appear only where the joint working protocol shares them.
        Empty where the service runs without PostgreSQL (no history is kept there)."""
        child = self._open_child("api:children-history")
        events = history_selectors.change_events(child=child, viewer=request.user) if keeps_history() else []
        page = self.paginate_queryset(events)
        return self.get_paginated_response(
            ChangeHistoryEntrySerializer(history_selectors.history_entries(page), many=True).data
        )
