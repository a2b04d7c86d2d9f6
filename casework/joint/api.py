"""API for lead agency decisions (/api/v1/lead-agency-decisions/) and joint working disagreements
(/api/v1/joint-disagreements/) (seed 000 ¶2.3, ¶21.1; part B PE; 003 ¶2.3–2.7).

Thin: every write calls the same service as the pages. A child the caller may not see answers 404
(and is logged); a caller who sees the child but may not read the joint section (police, MASH, CSC
where the authority's protocol does not share it) gets 403, logged as denied, and an empty list;
disagreements answer the same to anyone but managers of CSC and CYJS (PE L9763), those whose role
answers a step of their authority's ladder, and, where the protocol puts disagreements on the child's
record, whoever reads the section (services.may_see_disagreements). `stage_label` and `steps` give
the ladder the disagreement follows. A caller who may
read but not write gets 403; a service refusal is 400 with field errors; a stale `version` is 409.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import JointWorkingDisagreement, LeadAgencyDecision
from . import selectors, services
from .serializers import (
    JointDisagreementCreateSerializer,
    JointDisagreementSerializer,
    JointResolutionSerializer,
    JointResponseSerializer,
    LeadAgencyDecisionCreateSerializer,
    LeadAgencyDecisionSerializer,
    PlanningMeetingSerializer,
)


class _JointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SectionViewSet):
    http_method_names = ["get", "post", "head", "options"]
    section = Section.JOINT


class LeadAgencyDecisionViewSet(_JointViewSet):
    """Which agency leads for jointly worked children the caller may see, and the planning meeting."""

    serializer_class = LeadAgencyDecisionSerializer
    refusal = "Lead agency decisions are not shared with your service"

    def get_queryset(self):
        return selectors.decisions_for(self.request.user).order_by("-id")

    def get_serializer_class(self):
        return {"create": LeadAgencyDecisionCreateSerializer, "planning_meeting": PlanningMeetingSerializer}.get(
            self.action, LeadAgencyDecisionSerializer
        )

    def record_queryset(self):
        return LeadAgencyDecision.objects.select_related("child")

    def _fresh(self, decision):
        return Response(LeadAgencyDecisionSerializer(LeadAgencyDecision.objects.get(pk=decision.pk)).data)

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:lead-agency-decisions-list", serializer_class=LeadAgencyDecisionSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(LeadAgencyDecisionSerializer(self.open_record("api:lead-agency-decisions-detail")).data)

    @extend_schema(request=LeadAgencyDecisionCreateSerializer, responses={201: LeadAgencyDecisionSerializer})
    def create(self, request, *args, **kwargs):
        """Record the lead agency for a child open to both CSC and CYJS (a team manager or above of either).
        Replaces the decision in force and starts the joint planning meeting timescale."""
        data = self.valid_data(LeadAgencyDecisionCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:lead-agency-decisions-create")
        decision = self.run(services.decide_lead_agency, child=child, by=request.user, **data)
        return Response(LeadAgencyDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanningMeetingSerializer, responses=LeadAgencyDecisionSerializer)
    @action(detail=True, methods=["post"], url_path="planning-meeting")
    def planning_meeting(self, request, pk=None):
        """The joint planning meeting was held (send `version`): who does what. Stops its timescale."""
        decision = self.open_record("api:lead-agency-decisions-planning-meeting", WRITE)
        data = self.valid_data(PlanningMeetingSerializer)
        self.run(
            services.record_planning_meeting,
            decision=decision,
            by=request.user,
            expected_version=data.pop("version"),
            **data,
        )
        return self._fresh(decision)


class JointDisagreementViewSet(_JointViewSet):
    """Disagreements between CSC and CYJS about children the caller may see: managers of the two agencies only."""

    serializer_class = JointDisagreementSerializer
    refusal = "Only managers of children's social care and youth justice see joint working disagreements"

    def may_read(self, user, section=None):
        return services.may_see_disagreements(user)

    def get_queryset(self):
        return selectors.disagreements_for(self.request.user).order_by("-id")

    def get_serializer_class(self):
        return {
            "create": JointDisagreementCreateSerializer,
            "respond": JointResponseSerializer,
            "resolve": JointResolutionSerializer,
        }.get(self.action, JointDisagreementSerializer)

    def record_queryset(self):
        return JointWorkingDisagreement.objects.select_related("child")

    def _fresh(self, disagreement):
        return Response(JointDisagreementSerializer(JointWorkingDisagreement.objects.get(pk=disagreement.pk)).data)

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:joint-disagreements-list", serializer_class=JointDisagreementSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(JointDisagreementSerializer(self.open_record("api:joint-disagreements-detail")).data)

    @extend_schema(request=JointDisagreementCreateSerializer, responses={201: JointDisagreementSerializer})
    def create(self, request, *args, **kwargs):
        """Raise a disagreement with the other agency (a manager of CSC or CYJS). Starts stage 1."""
        data = self.valid_data(JointDisagreementCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:joint-disagreements-create")
        disagreement = self.run(services.raise_disagreement, child=child, by=request.user, **data)
        return Response(JointDisagreementSerializer(disagreement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=JointResponseSerializer, responses=JointDisagreementSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """The response at the current stage, by that stage's manager. Stops the stage's timescale."""
        disagreement = self.open_record("api:joint-disagreements-respond", WRITE)
        data = self.valid_data(JointResponseSerializer)
        self.run(services.respond, disagreement=disagreement, by=request.user, response=data["response"])
        return self._fresh(disagreement)

    @extend_schema(request=None, responses=JointDisagreementSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """The raising side takes it to the next stage (no further than stage 4)."""
        disagreement = self.open_record("api:joint-disagreements-escalate", WRITE)
        self.run(services.escalate, disagreement=disagreement, by=request.user)
        return self._fresh(disagreement)

    @extend_schema(request=JointResolutionSerializer, responses=JointDisagreementSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """What was agreed. Stops the open timescale."""
        disagreement = self.open_record("api:joint-disagreements-resolve", WRITE)
        data = self.valid_data(JointResolutionSerializer)
        self.run(services.resolve, disagreement=disagreement, by=request.user, resolution=data["resolution"])
        return self._fresh(disagreement)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("lead-agency-decisions", LeadAgencyDecisionViewSet, basename="api-lead-agency-decision")
    router.register("joint-disagreements", JointDisagreementViewSet, basename="api-joint-disagreement")
