"""API for assessments and child in need plans, under /api/v1/.

Reads and lists are limited to children the caller may see (a child they may not see
answers 404, and the attempt is logged). Writes go through the same services as the
pages: a rule broken answers 400 with field errors, a user who may see but not change
the record 403, and an edit based on an old `version` 409.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.audit import record_search
from accounts.models import AccessEvent
from referrals.api import service_errors

from ..models import Assessment, Child, ChildInNeedMeeting, ChildInNeedPlan
from ..pages import api_open_child
from ..services import ConcurrentEditError
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

WRITE = AccessEvent.Action.WRITE
LIST_PARAMETERS = [
    OpenApiParameter("child", int, description="Only this child's records"),
    OpenApiParameter("status", str, description="Only records in this status"),
]


class ServiceFailed(Exception):
    def __init__(self, response):
        self.response = response


def run(service, **kwargs):
    """Call a service; turn its refusals into API answers."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        raise ServiceFailed(Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST))
    except ConcurrentEditError as error:
        raise ServiceFailed(Response({"version": [str(error)]}, status=status.HTTP_409_CONFLICT))
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None)


class PathwayViewSet(viewsets.GenericViewSet):
    model = None
    log_name = ""

    def handle_exception(self, exc):
        if isinstance(exc, ServiceFailed):
            return exc.response
        return super().handle_exception(exc)

    def _list(self, request, queryset, serializer_class):
        page = self.paginate_queryset(queryset)
        record_search(
            user=request.user,
            what=f"api:{self.log_name}-list",
            query=request.query_params.urlencode(),
            child_ids=sorted({row.child_id for row in page}),
        )
        return self.get_paginated_response(serializer_class(page, many=True).data)

    def _open(self, what, action=AccessEvent.Action.READ, queryset=None):
        record = get_object_or_404(queryset if queryset is not None else self.model.objects.all(), pk=self.kwargs["pk"])
        api_open_child(self.request.user, record.child, what=what, action=action)
        return record

    def _child(self, child_id, what):
        child = get_object_or_404(Child, pk=child_id)
        api_open_child(self.request.user, child, what=what, action=WRITE)
        return child

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class AssessmentViewSet(PathwayViewSet):
    """Single assessments under section 17 (Working Together 2013, 45 working days from referral)."""

    model = Assessment
    log_name = "assessments"
    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()

    @extend_schema(parameters=LIST_PARAMETERS, responses=AssessmentSerializer(many=True))
    def list(self, request):
        queryset = selectors.assessment_list(
            fetched_by=request.user, child_id=request.query_params.get("child"), status=request.query_params.get("status")
        )
        return self._list(request, queryset, AssessmentSerializer)

    @extend_schema(responses=AssessmentSerializer)
    def retrieve(self, request, pk=None):
        return Response(AssessmentSerializer(self._open("api:assessments-detail")).data)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentSerializer})
    def create(self, request):
        data = self._valid(AssessmentCreateSerializer)
        child = self._child(data["child"], "api:assessments-create")
        assessment = run(
            services.start_assessment,
            child=child,
            by=request.user,
            referral_received_at=data.get("referral_received_at"),
            social_worker=data.get("social_worker"),
        )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssessmentUpdateSerializer, responses=AssessmentSerializer)
    def partial_update(self, request, pk=None):
        assessment = self._open("api:assessments-update", WRITE)
        data = self._valid(AssessmentUpdateSerializer)
        version = data.pop("version")
        updated = run(services.update_assessment, assessment=assessment, by=request.user, expected_version=version, data=data)
        return Response(AssessmentSerializer(updated).data)

    @extend_schema(request=AssessmentCompleteSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """The social worker completes it: it then waits for a manager's sign-off."""
        assessment = self._open("api:assessments-complete", WRITE)
        data = self._valid(AssessmentCompleteSerializer)
        done = run(
            services.complete_assessment,
            assessment=assessment,
            by=request.user,
            expected_version=data["version"],
            outcome=data["outcome"],
            outcome_rationale=data["outcome_rationale"],
            lateness_reason=data["lateness_reason"],
        )
        return Response(AssessmentSerializer(done).data)

    @extend_schema(request=AssessmentSignOffSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """A social care manager who did not complete it approves it (the outcome is carried out) or returns it."""
        assessment = self._open("api:assessments-sign-off", WRITE)
        data = self._valid(AssessmentSignOffSerializer)
        signed = run(
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
    log_name = "cin-plans"
    serializer_class = CinPlanSerializer
    queryset = ChildInNeedPlan.objects.none()

    @extend_schema(parameters=LIST_PARAMETERS, responses=CinPlanSerializer(many=True))
    def list(self, request):
        queryset = selectors.cin_plan_list(
            fetched_by=request.user, child_id=request.query_params.get("child"), status=request.query_params.get("status")
        )
        return self._list(request, queryset, CinPlanSerializer)

    @extend_schema(responses=CinPlanSerializer)
    def retrieve(self, request, pk=None):
        return Response(CinPlanSerializer(self._open("api:cin-plans-detail")).data)

    @extend_schema(request=CinPlanCreateSerializer, responses={201: CinPlanSerializer})
    def create(self, request):
        data = self._valid(CinPlanCreateSerializer)
        child = self._child(data.pop("child"), "api:cin-plans-create")
        plan = run(services.create_cin_plan, child=child, by=request.user, data=data)
        return Response(CinPlanSerializer(plan).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CinPlanUpdateSerializer, responses=CinPlanSerializer)
    def partial_update(self, request, pk=None):
        plan = self._open("api:cin-plans-update", WRITE)
        data = self._valid(CinPlanUpdateSerializer)
        version = data.pop("version")
        updated = run(services.update_cin_plan, plan=plan, by=request.user, expected_version=version, data=data)
        return Response(CinPlanSerializer(updated).data)

    @extend_schema(request=CinPlanEndSerializer, responses=CinPlanSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        plan = self._open("api:cin-plans-end", WRITE)
        data = self._valid(CinPlanEndSerializer)
        ended = run(
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
            plan = self._open("api:cin-plans-meetings")
            meetings = ChildInNeedMeeting.objects.filter(plan=plan).prefetch_related("participants", "actions")
            return Response(CinMeetingSerializer(meetings.order_by("-scheduled_for", "-id"), many=True).data)
        plan = self._open("api:cin-plans-meetings-arrange", WRITE)
        data = self._valid(CinMeetingArrangeSerializer)
        meeting = run(
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
