"""API for the CYJS harmful sexual behaviour hub: /api/v1/hsb-consultations/ (seed 000 HSB hub appendix;
part B PH0–PH6).

Thin: every write calls the same service as the pages. A child the caller may not see answers 404
(and is logged); a caller who sees the child but may not read the hub's section (a CSC worker where
the authority's protocol does not share it, police, MASH...) gets 403, logged as denied, and an empty
list; a caller who may read but not take the step gets 403; a service refusal is 400 with field
errors; a stale `version` is 409. A request that fails the eligibility criteria is still saved
(201, `status` "refused" with `refusal_reason`).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import HsbConsultation
from . import selectors, services
from .serializers import (
    HsbAimCompletedSerializer,
    HsbAimStartSerializer,
    HsbCloseSerializer,
    HsbConsultationSerializer,
    HsbHeldOnSerializer,
    HsbHubConsultationSerializer,
    HsbPlanningSerializer,
    HsbRequestSerializer,
    HsbVersionSerializer,
)


class HsbConsultationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, SectionViewSet):
    """Requests to the HSB hub and the hub's steps, for children the caller may see."""

    serializer_class = HsbConsultationSerializer
    section = Section.HSB
    refusal = "The harmful sexual behaviour hub is not shared with your service"
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self):
        return selectors.consultations_for(self.request.user).order_by("-id")

    def get_serializer_class(self):
        return {
            "create": HsbRequestSerializer,
            "consultation": HsbHubConsultationSerializer,
            "pattern_mapping": HsbHeldOnSerializer,
            "aim_assessment": HsbAimStartSerializer,
            "aim_completed": HsbAimCompletedSerializer,
            "quality_assurance": HsbVersionSerializer,
            "planning_meeting": HsbPlanningSerializer,
            "close": HsbCloseSerializer,
        }.get(self.action, HsbConsultationSerializer)

    def record_queryset(self):
        return selectors.detail_query()

    def _fresh(self, consultation):
        return Response(HsbConsultationSerializer(HsbConsultation.objects.get(pk=consultation.pk)).data)

    def _step(self, service, what, serializer_class):
        consultation = self.open_record(f"api:hsb-consultations-{what}", WRITE)
        data = self.valid_data(serializer_class)
        version = data.pop("version", None)
        self.run(service, consultation=consultation, by=self.request.user, expected_version=version, **data)
        return self._fresh(consultation)

    def list(self, request, *args, **kwargs):
        return self.logged_list("api:hsb-consultations-list", serializer_class=HsbConsultationSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(HsbConsultationSerializer(self.open_record("api:hsb-consultations-detail")).data)

    @extend_schema(request=HsbRequestSerializer, responses={201: HsbConsultationSerializer})
    def create(self, request, *args, **kwargs):
        """A CSC social worker or manager asks the hub for a consultation. One that fails the criteria
        (aged 8–17, lives in the authority, behaviour in the last 12 months, not open to CYJS) is saved
        as refused with the reasons."""
        data = self.valid_data(HsbRequestSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:hsb-consultations-create")
        consultation = self.run(services.request_consultation, child=child, by=request.user, **data)
        return Response(HsbConsultationSerializer(consultation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HsbHubConsultationSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"])
    def consultation(self, request, pk=None):
        """The hub consultation was held, with the Hackett continuum rating (send `version`)."""
        return self._step(services.record_hub_consultation, "consultation", HsbHubConsultationSerializer)

    @extend_schema(request=HsbHeldOnSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"], url_path="pattern-mapping")
    def pattern_mapping(self, request, pk=None):
        """The hub chaired the pattern mapping meeting."""
        return self._step(services.record_pattern_mapping, "pattern-mapping", HsbHeldOnSerializer)

    @extend_schema(request=HsbAimStartSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"], url_path="aim-assessment")
    def aim_assessment(self, request, pk=None):
        """The AIM assessment started with the first meeting with the child: 45 working days from it.
        Refused for a child under 10 and while a police investigation is ongoing."""
        return self._step(services.start_aim_assessment, "aim-assessment", HsbAimStartSerializer)

    @extend_schema(request=HsbAimCompletedSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"], url_path="aim-completed")
    def aim_completed(self, request, pk=None):
        """The AIM assessment is complete (a reason is needed if it is late)."""
        return self._step(services.complete_aim_assessment, "aim-completed", HsbAimCompletedSerializer)

    @extend_schema(request=HsbVersionSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"], url_path="quality-assurance")
    def quality_assurance(self, request, pk=None):
        """A CYJS manager or a CSC manager records their quality assurance of the AIM assessment."""
        return self._step(services.record_quality_assurance, "quality-assurance", HsbVersionSerializer)

    @extend_schema(request=HsbPlanningSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"], url_path="planning-meeting")
    def planning_meeting(self, request, pk=None):
        """The AIM outcome and planning meeting (needs quality assurance by both managers)."""
        return self._step(services.record_planning_meeting, "planning-meeting", HsbPlanningSerializer)

    @extend_schema(request=HsbCloseSerializer, responses=HsbConsultationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The hub's work ended."""
        return self._step(services.close_consultation, "close", HsbCloseSerializer)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("hsb-consultations", HsbConsultationViewSet, basename="api-hsb-consultation")
