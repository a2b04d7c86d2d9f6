"""API for court appearances and remands: /api/v1/court-appearances/, /api/v1/remands/.

Thin: every write calls the same service as the pages. A child the caller may not see answers
404 (and is logged); a caller who sees the child but not the section (court, remand) gets 403,
logged as denied, and lists leave the section out entirely; a caller who may read but not write
gets 403; a service refusal is 400 with field errors; a stale `version` is 409.
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import Child, CourtAppearance, Remand
from . import selectors, services
from .serializers import (
    ClaNotificationsSerializer,
    CourtAppearanceCreateSerializer,
    CourtAppearanceSerializer,
    CourtOutcomeSerializer,
    PlacementPlanningMeetingSerializer,
    RemandCreateSerializer,
    RemandEndSerializer,
    RemandSerializer,
    RemandUpdateSerializer,
)


class _CourtViewSet(SectionViewSet):
    """Court and remand records; a new one is refused, too, where the caller may not read its section."""

    refusal = "Your service's joint working agreement does not share this section"

    def open_child_for_write(self, child_id, what):
        child = get_object_or_404(Child, pk=child_id)
        self.check_section(child, what, WRITE)
        return child


class CourtAppearanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _CourtViewSet):
    """Criminal court hearings of children the caller may see (000 ¶9.3, ¶17)."""

    serializer_class = CourtAppearanceSerializer
    section = Section.COURT

    def get_queryset(self):
        return selectors.court_appearances_for(self.request.user).order_by("-hearing_at", "-id")

    def record_queryset(self):
        return CourtAppearance.objects.select_related("child")

    def get_serializer_class(self):
        return {"create": CourtAppearanceCreateSerializer, "outcome": CourtOutcomeSerializer}.get(
            self.action, CourtAppearanceSerializer
        )

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:court-appearances-list", serializer_class=CourtAppearanceSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(CourtAppearanceSerializer(self.open_record("api:court-appearances-detail")).data)

    @extend_schema(request=CourtAppearanceCreateSerializer, responses={201: CourtAppearanceSerializer})
    def create(self, request, *args, **kwargs):
        """Record a hearing. A looked-after child's social worker, and CSC when remand is a risk, are told in the app."""
        data = self.valid_data(CourtAppearanceCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:court-appearances-create")
        appearance = self.run(services.record_court_appearance, child=child, by=request.user, **data)
        return Response(CourtAppearanceSerializer(appearance).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CourtOutcomeSerializer, responses=CourtAppearanceSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Record what the court decided; a remand outcome starts the remand."""
        appearance = self.open_record("api:court-appearances-outcome", WRITE)
        data = self.valid_data(CourtOutcomeSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.record_court_outcome, appearance=appearance, by=request.user, **data)
        return Response(CourtAppearanceSerializer(CourtAppearance.objects.get(pk=appearance.pk)).data)


class RemandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, _CourtViewSet):
    """Remands and bail to reside of children the caller may see (000 ¶18–19)."""

    serializer_class = RemandSerializer
    section = Section.REMAND
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.remands_for(self.request.user).order_by("-started_on", "-id")

    def record_queryset(self):
        return Remand.objects.select_related("child")

    def get_serializer_class(self):
        return {
            "create": RemandCreateSerializer,
            "partial_update": RemandUpdateSerializer,
            "end": RemandEndSerializer,
            "placement_planning_meeting": PlacementPlanningMeetingSerializer,
            "cla_notifications": ClaNotificationsSerializer,
        }.get(self.action, RemandSerializer)

    def _fresh(self, remand, code=status.HTTP_200_OK):
        return Response(RemandSerializer(Remand.objects.get(pk=remand.pk)).data, status=code)

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:remands-list", serializer_class=RemandSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(RemandSerializer(self.open_record("api:remands-detail")).data)

    @extend_schema(request=RemandCreateSerializer, responses={201: RemandSerializer})
    def create(self, request, *args, **kwargs):
        """Start a remand. Youth detention needs `establishment`; bail to reside reads the authority's protocol."""
        data = self.valid_data(RemandCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:remands-create")
        remand = self.run(services.start_remand, child=child, by=request.user, **data)
        return self._fresh(remand, status.HTTP_201_CREATED)

    @extend_schema(request=RemandUpdateSerializer, responses=RemandSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Record where the child lives and who does what, the joint discussion, or leaving care considered. Send `version`."""
        remand = self.open_record("api:remands-update", WRITE)
        data = self.valid_data(RemandUpdateSerializer, partial=True)
        if "version" not in data:
            return Response(
                {"version": ["Send the version of the remand you are changing"]}, status=status.HTTP_400_BAD_REQUEST
            )
        version = data.pop("version")
        if not data:
            return Response({"non_field_errors": ["Send at least one change"]}, status=status.HTTP_400_BAD_REQUEST)
        if data.get("leaving_care_considered") is False:
            return Response(
                {"leaving_care_considered": ["Leaving care entitlements once considered stay considered"]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        with transaction.atomic():
            if "placement" in data or "task_split" in data:
                self.run(
                    services.record_placement,
                    remand=remand,
                    by=request.user,
                    expected_version=version,
                    placement=data.get("placement", remand.placement),
                    task_split=data.get("task_split", remand.task_split),
                )
            elif remand.version != version:
                return self.conflict_response(services.ConcurrentEditError(services.STALE))
            if "joint_discussion_at" in data:
                self.run(
                    services.record_joint_discussion, remand=remand, by=request.user, at=data["joint_discussion_at"]
                )
            if data.get("leaving_care_considered"):
                self.run(services.record_leaving_care_considered, remand=remand, by=request.user)
        return self._fresh(remand)

    @extend_schema(request=RemandEndSerializer, responses=RemandSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the remand: its clocks are cancelled and the involvements it opened close."""
        remand = self.open_record("api:remands-end", WRITE)
        data = self.valid_data(RemandEndSerializer)
        self.run(
            services.end_remand,
            remand=remand,
            by=request.user,
            expected_version=data["version"],
            ended_on=data["ended_on"],
        )
        return self._fresh(remand)

    @extend_schema(request=PlacementPlanningMeetingSerializer, responses=RemandSerializer)
    @action(detail=True, methods=["post"], url_path="placement-planning-meeting")
    def placement_planning_meeting(self, request, pk=None):
        """The placement planning meeting was held (stops its 5-working-day clock). CSC or CYJS."""
        remand = self.open_record("api:remands-placement-planning-meeting", WRITE)
        data = self.valid_data(PlacementPlanningMeetingSerializer)
        self.run(services.record_placement_planning_meeting, remand=remand, by=request.user, **data)
        return self._fresh(remand)

    @extend_schema(request=ClaNotificationsSerializer, responses=RemandSerializer)
    @action(detail=True, methods=["post"], url_path="cla-notifications")
    def cla_notifications(self, request, pk=None):
        """The health CLA team, pupil access team and IRO service were told (stops its 5-working-day clock). CSC or CYJS."""
        remand = self.open_record("api:remands-cla-notifications", WRITE)
        data = self.valid_data(ClaNotificationsSerializer)
        self.run(services.record_cla_notifications_sent, remand=remand, by=request.user, **data)
        return self._fresh(remand)

    @extend_schema(request=None, responses=RemandSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """Accommodation is the only reason for secure remand: the senior managers of CYJS and CSC are told (000 ¶19.2)."""
        remand = self.open_record("api:remands-escalate", WRITE)
        self.run(services.flag_accommodation_only_reason, remand=remand, by=request.user)
        return self._fresh(remand)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("court-appearances", CourtAppearanceViewSet, basename="api-court-appearance")
    router.register("remands", RemandViewSet, basename="api-remand")
