"""API for conferences and child protection plans: /api/v1/conferences/, /api/v1/child-protection-plans/.

Thin: every write calls the same service as the pages. A child the caller may
not see answers 404 (and is logged); a user who may see but not write gets 403;
a service refusal is 400 with field errors; a stale `version` is 409.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.audit import record_search
from accounts.models import AccessEvent

from ..models import Child, ChildProtectionConference, ChildProtectionPlan
from ..pages import api_open_child
from ..services import ConcurrentEditError
from . import selectors, services
from .serializers import (
    ConferenceCreateSerializer,
    ConferenceRecordSerializer,
    ConferenceSerializer,
    CoreGroupCreateSerializer,
    CoreGroupMeetingSerializer,
    PlanEndSerializer,
    PlanSerializer,
    PlanUpdateSerializer,
)

WRITE = AccessEvent.Action.WRITE


def service_errors(error: ValidationError) -> dict:
    """A service's ValidationError as DRF-style field errors (as referrals.api does)."""
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


def run_service(call):
    """Call a service; map its refusals to API answers. Returns (result, error_response)."""
    try:
        return call(), None
    except ValidationError as error:
        return None, Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST)
    except ConcurrentEditError as error:
        return None, Response({"version": [str(error)]}, status=status.HTTP_409_CONFLICT)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error))


class ConferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Child protection conferences (initial and review) of children the caller may see."""

    serializer_class = ConferenceSerializer

    def get_queryset(self):
        return selectors.conferences_for(self.request.user).prefetch_related("participants").order_by("-id")

    def get_serializer_class(self):
        return {"create": ConferenceCreateSerializer, "record": ConferenceRecordSerializer}.get(self.action, ConferenceSerializer)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        record_search(user=request.user, what="api:conferences-list", query=request.query_params.urlencode(),
                      child_ids=sorted({c.child_id for c in page}))
        return self.get_paginated_response(ConferenceSerializer(page, many=True).data)

    def _open(self, what, action=AccessEvent.Action.READ):
        conference = get_object_or_404(ChildProtectionConference.objects.select_related("child"), pk=self.kwargs["pk"])
        api_open_child(self.request.user, conference.child, what=what, action=action)
        return conference

    def retrieve(self, request, *args, **kwargs):
        return Response(ConferenceSerializer(self._open("api:conferences-detail")).data)

    @extend_schema(request=ConferenceCreateSerializer, responses={201: ConferenceSerializer})
    def create(self, request, *args, **kwargs):
        """Arrange an initial conference (give `enquiry`) or a review (give `plan`)."""
        serializer = ConferenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        child = get_object_or_404(Child, pk=data["child"])
        api_open_child(request.user, child, what="api:conferences-create", action=WRITE)
        conference, refused = run_service(
            lambda: services.arrange_conference(
                child=child, by=request.user, kind=data["kind"], scheduled_for=data["scheduled_for"], chair=data["chair"],
                enquiry=data["enquiry"], plan=data["plan"], invitees=data["invitees"],
            )
        )
        return refused or Response(ConferenceSerializer(conference).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConferenceRecordSerializer, responses=ConferenceSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record that the conference was held and what it decided (starts or continues the plan)."""
        conference = self._open("api:conferences-record", WRITE)
        serializer = ConferenceRecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["expected_version"] = data.pop("version")
        done, refused = run_service(lambda: services.record_conference(conference=conference, by=request.user, **data))
        if refused:
            return refused
        return Response(ConferenceSerializer(ChildProtectionConference.objects.get(pk=conference.pk)).data)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Child protection plans of children the caller may see, their core groups and endings."""

    serializer_class = PlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.plans_for(self.request.user).prefetch_related("core_group").order_by("-id")

    def get_serializer_class(self):
        return {
            "partial_update": PlanUpdateSerializer,
            "end": PlanEndSerializer,
        }.get(self.action, PlanSerializer)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        record_search(user=request.user, what="api:cp-plans-list", query=request.query_params.urlencode(),
                      child_ids=sorted({p.child_id for p in page}))
        return self.get_paginated_response(PlanSerializer(page, many=True).data)

    def _open(self, what, action=AccessEvent.Action.READ):
        plan = get_object_or_404(ChildProtectionPlan.objects.select_related("child"), pk=self.kwargs["pk"])
        api_open_child(self.request.user, plan.child, what=what, action=action)
        return plan

    def _fresh(self, plan):
        return Response(PlanSerializer(ChildProtectionPlan.objects.get(pk=plan.pk)).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(PlanSerializer(self._open("api:cp-plans-detail")).data)

    @extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the detailed plan, whether the child agrees, or the lead social worker. Send `version`."""
        plan = self._open("api:cp-plans-update", WRITE)
        serializer = PlanUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            return Response({"version": ["Send the version of the plan you are changing"]}, status=status.HTTP_400_BAD_REQUEST)
        version = data.pop("version")
        _, refused = run_service(lambda: services.update_plan(plan=plan, by=request.user, expected_version=version, data=data))
        return refused or self._fresh(plan)

    @extend_schema(request=PlanEndSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the plan (001 L2047–2058). Everyone from an agency invited to the initial conference is told."""
        plan = self._open("api:cp-plans-end", WRITE)
        serializer = PlanEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["expected_version"] = data.pop("version")
        _, refused = run_service(lambda: services.end_plan(plan=plan, by=request.user, **data))
        return refused or self._fresh(plan)

    @extend_schema(methods=["GET"], responses=CoreGroupMeetingSerializer(many=True))
    @extend_schema(methods=["POST"], request=CoreGroupCreateSerializer, responses={201: CoreGroupMeetingSerializer})
    @action(detail=True, methods=["get", "post"], url_path="core-groups", pagination_class=None)
    def core_groups(self, request, pk=None):
        """The plan's core group meetings; POST records one (the first stops the 10-working-day clock)."""
        if request.method == "GET":
            plan = self._open("api:cp-plans-core-groups")
            meetings = plan.core_group_meetings.prefetch_related("participants", "actions")
            return Response(CoreGroupMeetingSerializer(meetings, many=True).data)
        plan = self._open("api:cp-plans-core-groups-create", WRITE)
        serializer = CoreGroupCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting, refused = run_service(
            lambda: services.record_core_group_meeting(plan=plan, by=request.user, **serializer.validated_data)
        )
        return refused or Response(CoreGroupMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("conferences", ConferenceViewSet, basename="api-conference")
    router.register("child-protection-plans", PlanViewSet, basename="api-cp-plan")
