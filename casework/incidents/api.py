"""API for serious incidents (seed 000 ¶7 and its appendix; 003 ¶11): /api/v1/serious-incidents/.

Thin: every write calls the same service as the pages. A child the caller may not see answers 404
(and is logged); a caller who sees the child but not the section (casework.justice.sharing) gets
403, logged as denied; a caller who may not take a step gets 403; a refusal is 400 with field
errors (a step out of order, or who completes the briefing, 000 ¶7.2–7.3); a stale `version` is 409.
Lists hold only visible children's incidents, and nothing for a reader of no serious incidents.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import READ, WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import SeriousIncident
from . import selectors, services
from .serializers import (
    LearningSerializer,
    NotifiedSerializer,
    SeriousIncidentCreateSerializer,
    SeriousIncidentSerializer,
)


class SeriousIncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SectionViewSet):
    """Serious incident briefings of children the caller may see (000 ¶7; P8–P11)."""

    serializer_class = SeriousIncidentSerializer
    queryset = SeriousIncident.objects.none()
    section = Section.INCIDENTS
    refusal = "Serious incidents are not shared with your service"

    def get_queryset(self):
        query = selectors.incidents_for(self.request.user).order_by("-occurred_at", "-id")
        return query

    def get_serializer_class(self):
        return {
            "create": SeriousIncidentCreateSerializer,
            "yjb_notified": NotifiedSerializer,
            "csc_told": NotifiedSerializer,
            "mappa_notified": NotifiedSerializer,
            "charged": NotifiedSerializer,
            "panel_notified": NotifiedSerializer,
            "learning": LearningSerializer,
        }.get(self.action, SeriousIncidentSerializer)

    def record_queryset(self):
        return SeriousIncident.objects.select_related("child", "agency__authority")

    def _open(self, what, action=READ):
        return self.open_record(what, action)

    def _fresh(self, incident):
        return Response(SeriousIncidentSerializer(SeriousIncident.objects.get(pk=incident.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("child", int, description="Only this child's incidents")])
    def list(self, request, *args, **kwargs):
        return self.logged_list("api:serious-incidents-list", serializer_class=SeriousIncidentSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(SeriousIncidentSerializer(self._open("api:serious-incidents-detail")).data)

    @extend_schema(request=SeriousIncidentCreateSerializer, responses={201: SeriousIncidentSerializer})
    def create(self, request, *args, **kwargs):
        """Start the briefing. Refused (400, `known_to`) when the other service completes it or MASH leads."""
        data = self.valid_data(SeriousIncidentCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:serious-incidents-create")
        incident = self.run(services.start_incident, child=child, by=request.user, **data)
        return Response(SeriousIncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    def _step(self, service, what, **kwargs):
        incident = self._open(what, WRITE)
        self.run(service, incident=incident, by=self.request.user, **kwargs)
        return self._fresh(incident)

    @extend_schema(request=None, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """The completing service's team manager checks the criteria (L937)."""
        return self._step(services.verify_criteria, "api:serious-incidents-verify")

    @extend_schema(request=None, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"], url_path="quality-assure")
    def quality_assure(self, request, pk=None):
        """A team manager or senior manager other than the completer quality-assures it (L971)."""
        return self._step(services.quality_assure, "api:serious-incidents-quality-assure")

    @extend_schema(request=None, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """A senior manager or head of service submits it (L975); stops the same-day clock."""
        return self._step(services.submit_incident, "api:serious-incidents-submit")

    @extend_schema(request=NotifiedSerializer, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"], url_path="yjb-notified")
    def yjb_notified(self, request, pk=None):
        """When the Youth Justice Board was notified (P10 step 4). Stops its clock."""
        incident = self._open("api:serious-incidents-yjb-notified", WRITE)
        data = self.valid_data(NotifiedSerializer)
        self.run(services.record_yjb_notified, incident=incident, by=request.user, at=data["at"])
        return self._fresh(incident)

    @extend_schema(request=NotifiedSerializer, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"], url_path="csc-told")
    def csc_told(self, request, pk=None):
        """When local children's social care was told (003 L239). Stops its clock."""
        incident = self._open("api:serious-incidents-csc-told", WRITE)
        data = self.valid_data(NotifiedSerializer)
        self.run(services.record_csc_told, incident=incident, by=request.user, at=data["at"])
        return self._fresh(incident)

    @extend_schema(request=NotifiedSerializer, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"], url_path="mappa-notified")
    def mappa_notified(self, request, pk=None):
        """When the MAPPA coordinator was sent the briefing (P11, L985). Stops its clock."""
        incident = self._open("api:serious-incidents-mappa-notified", WRITE)
        data = self.valid_data(NotifiedSerializer)
        self.run(services.record_mappa_notified, incident=incident, by=request.user, at=data["at"])
        return self._fresh(incident)

    @extend_schema(request=NotifiedSerializer, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"])
    def charged(self, request, pk=None):
        """When the child was charged (003 L235, L1151): starts, or restarts, the YJB and MAPPA clocks."""
        incident = self._open("api:serious-incidents-charged", WRITE)
        data = self.valid_data(NotifiedSerializer)
        self.run(services.record_charge, incident=incident, by=request.user, at=data["at"])
        return self._fresh(incident)

    @extend_schema(request=NotifiedSerializer, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"], url_path="panel-notified")
    def panel_notified(self, request, pk=None):
        """When the national safeguarding panel was notified (L1019). Stops its clock."""
        incident = self._open("api:serious-incidents-panel-notified", WRITE)
        data = self.valid_data(NotifiedSerializer)
        self.run(services.record_panel_notified, incident=incident, by=request.user, at=data["at"])
        return self._fresh(incident)

    @extend_schema(request=LearningSerializer, responses=SeriousIncidentSerializer)
    @action(detail=True, methods=["post"])
    def learning(self, request, pk=None):
        """The actions taken and the case audit or learning plan (L993–997). Send `version`."""
        incident = self._open("api:serious-incidents-learning", WRITE)
        data = self.valid_data(LearningSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.record_learning, incident=incident, by=request.user, **data)
        return self._fresh(incident)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("serious-incidents", SeriousIncidentViewSet, basename="api-serious-incident")
