"""API for conferences and child protection plans: /api/v1/conferences/, /api/v1/child-protection-plans/.

Thin: every write calls the same service as the pages. A child the caller may
not see answers 404 (and is logged); a user who may see but not write gets 403;
a service refusal is 400 with field errors; a stale `version` is 409.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, PathwayViewSet
from ..models import ChildProtectionConference, ChildProtectionPlan
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


class ConferenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, PathwayViewSet):
    """Child protection conferences (initial and review) of children the caller may see."""

    serializer_class = ConferenceSerializer

    def get_queryset(self):
        return selectors.conferences_for(self.request.user).prefetch_related("participants").order_by("-id")

    def get_serializer_class(self):
        return {"create": ConferenceCreateSerializer, "record": ConferenceRecordSerializer}.get(
            self.action, ConferenceSerializer
        )

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:conferences-list", serializer_class=ConferenceSerializer)

    def record_queryset(self):
        return ChildProtectionConference.objects.select_related("child")

    def retrieve(self, request, *args, **kwargs):
        return Response(ConferenceSerializer(self.open_record("api:conferences-detail")).data)

    @extend_schema(request=ConferenceCreateSerializer, responses={201: ConferenceSerializer})
    def create(self, request, *args, **kwargs):
        """Arrange an initial conference (give `enquiry`) or a review (give `plan`)."""
        data = self.valid_data(ConferenceCreateSerializer)
        child = self.open_child_for_write(data["child"], "api:conferences-create")
        conference = self.run(
            services.arrange_conference,
            child=child,
            by=request.user,
            kind=data["kind"],
            scheduled_for=data["scheduled_for"],
            chair=data["chair"],
            enquiry=data["enquiry"],
            plan=data["plan"],
            invitees=data["invitees"],
        )
        return Response(ConferenceSerializer(conference).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ConferenceRecordSerializer, responses=ConferenceSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record that the conference was held and what it decided (starts or continues the plan)."""
        conference = self.open_record("api:conferences-record", WRITE)
        data = self.valid_data(ConferenceRecordSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.record_conference, conference=conference, by=request.user, **data)
        return Response(ConferenceSerializer(ChildProtectionConference.objects.get(pk=conference.pk)).data)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, PathwayViewSet):
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
        return self.logged_list("api:cp-plans-list", serializer_class=PlanSerializer)

    def record_queryset(self):
        return ChildProtectionPlan.objects.select_related("child")

    def _fresh(self, plan):
        return Response(PlanSerializer(ChildProtectionPlan.objects.get(pk=plan.pk)).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(PlanSerializer(self.open_record("api:cp-plans-detail")).data)

    @extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the detailed plan, whether the child agrees, or the lead social worker. Send `version`."""
        plan = self.open_record("api:cp-plans-update", WRITE)
        data = self.valid_data(PlanUpdateSerializer, partial=True)
        if "version" not in data:
            return Response(
                {"version": ["Send the version of the plan you are changing"]}, status=status.HTTP_400_BAD_REQUEST
            )
        version = data.pop("version")
        self.run(services.update_plan, plan=plan, by=request.user, expected_version=version, data=data)
        return self._fresh(plan)

    @extend_schema(request=PlanEndSerializer, responses=PlanSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the plan (001 L2047–2058). Everyone from an agency invited to the initial conference is told."""
        plan = self.open_record("api:cp-plans-end", WRITE)
        data = self.valid_data(PlanEndSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.end_plan, plan=plan, by=request.user, **data)
        return self._fresh(plan)

    @extend_schema(methods=["GET"], responses=CoreGroupMeetingSerializer(many=True))
    @extend_schema(methods=["POST"], request=CoreGroupCreateSerializer, responses={201: CoreGroupMeetingSerializer})
    @action(detail=True, methods=["get", "post"], url_path="core-groups", pagination_class=None)
    def core_groups(self, request, pk=None):
        """The plan's core group meetings; POST records one (the first stops the 10-working-day clock)."""
        if request.method == "GET":
            plan = self.open_record("api:cp-plans-core-groups")
            meetings = plan.core_group_meetings.prefetch_related("participants", "actions")
            return Response(CoreGroupMeetingSerializer(meetings, many=True).data)
        plan = self.open_record("api:cp-plans-core-groups-create", WRITE)
        data = self.valid_data(CoreGroupCreateSerializer)
        meeting = self.run(services.record_core_group_meeting, plan=plan, by=request.user, **data)
        return Response(CoreGroupMeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
    router.register("conferences", ConferenceViewSet, basename="api-conference")
    router.register("child-protection-plans", PlanViewSet, basename="api-cp-plan")
