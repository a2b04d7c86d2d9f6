"""API for assessments and child in need plans, under /api/v1/.

Reads and lists are limited to children the caller may see (a child they may not see
answers 404, and the attempt is logged). Writes go through the same services as the
pages: a rule broken answers 400 with field errors, a user who may see but not change
the record 403, and an edit based on an old `version` 409.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, PathwayViewSet
from ..models import Assessment, ChildInNeedMeeting, ChildInNeedPlan
from . import selectors, services
from .serializers import (
    AssessmentCompleteSerializer,
    AssessmentCreateSerializer,
    AssessmentSerializer,
    AssessmentSignOffSerializer,
    AssessmentUpdateSerializer,
    CinMeetingArrangeSerializer,
    CinMeetingSerializer,
    CinPlanCreateSerializer,
    CinPlanEndSerializer,
    CinPlanSerializer,
    CinPlanUpdateSerializer,
)

LIST_PARAMETERS = [OpenApiParameter("status", str, description="Only records in this status")]


class AssessmentViewSet(PathwayViewSet):
    """Single assessments under section 17 (Working Together 2013, 45 working days from referral)."""

    model = Assessment
    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()

    @extend_schema(parameters=LIST_PARAMETERS, responses=AssessmentSerializer(many=True))
    def list(self, request):
        queryset = selectors.assessment_list(fetched_by=request.user, status=request.query_params.get("status"))
        return self.logged_list("api:assessments-list", queryset, AssessmentSerializer)

    @extend_schema(responses=AssessmentSerializer)
    def retrieve(self, request, pk=None):
        return Response(AssessmentSerializer(self.open_record("api:assessments-detail")).data)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def create(self, request):
        data = self.valid_data(AssessmentCreateSerializer)
        child = self.open_child_for_write(data["child"], "api:assessments-create")
        assessment = self.run(
            services.start_assessment,
            child=child,
            by=request.user,
            referral_received_at=data.get("referral_received_at"),
            social_worker=data.get("social_worker"),
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentUpdateSerializer, responses=AssessmentSerializer)
    def partial_update(self, request, pk=None):
        assessment = self.open_record("api:assessments-update", WRITE)
        data = self.valid_data(AssessmentUpdateSerializer)
        version = data.pop("version")
        updated = self.run(
            services.update_assessment, assessment=assessment, by=request.user, expected_version=version, data=data
        )
        return Response(AssessmentSerializer(updated).data)

    @extend_schema(request=AssessmentCompleteSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The social worker completes it: it then waits for a manager's sign-off."""
        assessment = self.open_record("api:assessments-complete", WRITE)
        data = self.valid_data(AssessmentCompleteSerializer)
        done = self.run(
            services.complete_assessment,
            assessment=assessment,
            by=request.user,
            expected_version=data["version"],
            outcome=data["outcome"],
            outcome_rationale=data["outcome_rationale"],
            lateness_reason=data["lateness_reason"],
            factors=data.get("factors"),
        )
        return Response(AssessmentSerializer(done).data)

    @extend_schema(request=AssessmentSignOffSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """A social care manager who did not complete it approves it (the outcome is carried out) or returns it."""
        assessment = self.open_record("api:assessments-sign-off", WRITE)
        data = self.valid_data(AssessmentSignOffSerializer)
        signed = self.run(
            services.sign_off_assessment,
            assessment=assessment,
            by=request.user,
            approve=data["approve"],
            comments=data["comments"],
        )
        return Response(AssessmentSerializer(signed).data)


class CinPlanViewSet(PathwayViewSet):
    """Child in need plans and their meetings."""

    model = ChildInNeedPlan
    serializer_class = CinPlanSerializer
    queryset = ChildInNeedPlan.objects.none()

    @extend_schema(parameters=LIST_PARAMETERS, responses=CinPlanSerializer(many=True))
    def list(self, request):
        queryset = selectors.cin_plan_list(fetched_by=request.user, status=request.query_params.get("status"))
        return self.logged_list("api:cin-plans-list", queryset, CinPlanSerializer)

    @extend_schema(responses=CinPlanSerializer)
    def retrieve(self, request, pk=None):
        return Response(CinPlanSerializer(self.open_record("api:cin-plans-detail")).data)

    @extend_schema(request=CinPlanCreateSerializer, responses={201: CinPlanSerializer})
    def create(self, request):
        data = self.valid_data(CinPlanCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:cin-plans-create")
        plan = self.run(services.create_cin_plan, child=child, by=request.user, data=data)
        return Response(CinPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CinPlanUpdateSerializer, responses=CinPlanSerializer)
    def partial_update(self, request, pk=None):
        plan = self.open_record("api:cin-plans-update", WRITE)
        data = self.valid_data(CinPlanUpdateSerializer)
        version = data.pop("version")
        updated = self.run(services.update_cin_plan, plan=plan, by=request.user, expected_version=version, data=data)
        return Response(CinPlanSerializer(updated).data)

    @extend_schema(request=CinPlanEndSerializer, responses=CinPlanSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        plan = self.open_record("api:cin-plans-end", WRITE)
        data = self.valid_data(CinPlanEndSerializer)
        ended = self.run(
            services.end_cin_plan,
            plan=plan,
            by=request.user,
            expected_version=data["version"],
            ended_on=data["ended_on"],
            end_reason=data["end_reason"],
        )
        return Response(CinPlanSerializer(ended).data)

    @extend_schema(
        methods=["GET"], responses=CinMeetingSerializer(many=True), description="The plan's meetings, latest first."
    )
    @extend_schema(
        methods=["POST"],
        request=CinMeetingArrangeSerializer,
        responses={201: CinMeetingSerializer},
        description="Arrange a meeting. When the child is open to CYJS its allocated worker is invited automatically.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def meetings(self, request, pk=None):
        if request.method == "GET":
            plan = self.open_record("api:cin-plans-meetings")
            meetings = ChildInNeedMeeting.objects.filter(plan=plan).prefetch_related("participants", "actions")
            return Response(CinMeetingSerializer(meetings.order_by("-scheduled_for", "-id"), many=True).data)
        plan = self.open_record("api:cin-plans-meetings-arrange", WRITE)
        data = self.valid_data(CinMeetingArrangeSerializer)
        meeting = self.run(
            services.arrange_cin_meeting,
            plan=plan,
            by=request.user,
            scheduled_for=data["scheduled_for"],
            invitees=[dict(invitee) for invitee in data["invitees"]],
        )
        return Response(CinMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("assessments", AssessmentViewSet, basename="api-assessment")
    router.register("cin-plans", CinPlanViewSet, basename="api-cin-plan")
