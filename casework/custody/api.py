"""API for police custody, the appropriate adult's form and PACE accommodation (seed 000 ¶10–12):
/api/v1/custody-episodes/ (with /screening/ and /pace-requests/) and /api/v1/pace-requests/.

Thin: every write calls the same service as the pages. A child the caller may not see answers 404
(and is logged); a caller who sees the child but not the section (casework.justice.sharing) gets
403, logged as denied; a caller who may read but not write gets 403; a service refusal is 400 with
field errors; a stale `version` is 409. Lists hold only visible children's records, and nothing
at all for a section the caller may not read.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api_common import WRITE, SectionViewSet
from ..justice.sharing import Section
from ..models import AppropriateAdultScreening, CustodyEpisode, PaceAccommodationRequest
from . import selectors, services
from .serializers import (
    CustodyEpisodeCreateSerializer,
    CustodyEpisodeSerializer,
    CustodyEpisodeUpdateSerializer,
    PaceEscalationSerializer,
    PaceOutcomeSerializer,
    PaceRequestCreateSerializer,
    PaceRequestSerializer,
    ScreeningReceiveSerializer,
    ScreeningScreenSerializer,
    ScreeningSerializer,
)

SECTION_NAMES = dict(Section.choices)


class _CustodyViewSet(SectionViewSet):
    """Custody's records hold several sections (custody, the appropriate adult's form, PACE)."""

    def refusal_for(self, section):
        return f"{SECTION_NAMES[section]} are not shared with your service"


class CustodyEpisodeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _CustodyViewSet):
    """Police custody episodes of children the caller may see (000 ¶10–11)."""

    serializer_class = CustodyEpisodeSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        query = selectors.episodes_for(self.request.user).order_by("-arrested_at", "-id")
        return query

    def get_serializer_class(self):
        return {
            "create": CustodyEpisodeCreateSerializer,
            "partial_update": CustodyEpisodeUpdateSerializer,
        }.get(self.action, CustodyEpisodeSerializer)

    def record_queryset(self):
        return CustodyEpisode.objects.select_related("child", "agency__authority")

    def _fresh(self, episode):
        return Response(CustodyEpisodeSerializer(CustodyEpisode.objects.get(pk=episode.pk)).data)

    @extend_schema(parameters=[OpenApiParameter("child", int, description="Only this child's episodes")])
    def list(self, request, *args, **kwargs):
        return self.logged_list("api:custody-episodes-list", serializer_class=CustodyEpisodeSerializer)

    def retrieve(self, request, *args, **kwargs):
        return Response(
            CustodyEpisodeSerializer(self.open_section(Section.CUSTODY, "api:custody-episodes-detail")).data
        )

    @extend_schema(request=CustodyEpisodeCreateSerializer, responses={201: CustodyEpisodeSerializer})
    def create(self, request, *args, **kwargs):
        """Record police custody. The answer lists `warnings` (no appropriate adult; never a refusal)."""
        data = self.valid_data(CustodyEpisodeCreateSerializer)
        child = self.open_child_for_write(data.pop("child"), "api:custody-episodes-create")
        episode = self.run(services.record_custody_episode, child=child, by=request.user, **data)
        return Response(CustodyEpisodeSerializer(episode).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CustodyEpisodeUpdateSerializer, responses=CustodyEpisodeSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Change the episode: when the child left custody and the outcome, above all. Send `version`."""
        episode = self.open_section(Section.CUSTODY, "api:custody-episodes-update", WRITE)
        data = self.valid_data(CustodyEpisodeUpdateSerializer, partial=True)
        if "version" not in data:
            return Response(
                {"version": ["Send the version of the episode you are changing"]}, status=status.HTTP_400_BAD_REQUEST
            )
        version = data.pop("version")
        self.run(services.update_custody_episode, episode=episode, by=request.user, expected_version=version, data=data)
        return self._fresh(episode)

    @extend_schema(methods=["GET"], responses=ScreeningSerializer)
    @extend_schema(methods=["POST"], request=ScreeningReceiveSerializer, responses={201: ScreeningSerializer})
    @extend_schema(methods=["PATCH"], request=ScreeningScreenSerializer, responses=ScreeningSerializer)
    @action(detail=True, methods=["get", "post", "patch"])
    def screening(self, request, pk=None):
        """The appropriate adult's form (000 ¶11.3): GET it, POST that it arrived, PATCH the screening
        (route "mash" sends one contact to MASH)."""
        if request.method == "GET":
            episode = self.open_section(Section.SCREENING, "api:custody-screening")
            screening = AppropriateAdultScreening.objects.filter(episode=episode).first()
            if screening is None:
                return Response(
                    {"detail": "The appropriate adult's form has not arrived yet"}, status=status.HTTP_404_NOT_FOUND
                )
            return Response(ScreeningSerializer(screening).data)
        if request.method == "POST":
            episode = self.open_section(Section.SCREENING, "api:custody-screening-receive", WRITE)
            data = self.valid_data(ScreeningReceiveSerializer)
            screening = self.run(services.receive_aa_form, episode=episode, by=request.user, **data)
            return Response(ScreeningSerializer(screening).data, status=status.HTTP_201_CREATED)
        episode = self.open_section(Section.SCREENING, "api:custody-screening-screen", WRITE)
        screening = AppropriateAdultScreening.objects.filter(episode=episode).first()
        if screening is None:
            return Response({"detail": "Record that the form arrived first"}, status=status.HTTP_404_NOT_FOUND)
        data = self.valid_data(ScreeningScreenSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.screen_aa_form, screening=screening, by=request.user, **data)
        return Response(ScreeningSerializer(AppropriateAdultScreening.objects.get(pk=screening.pk)).data)

    @extend_schema(methods=["GET"], responses=PaceRequestSerializer(many=True))
    @extend_schema(methods=["POST"], request=PaceRequestCreateSerializer, responses={201: PaceRequestSerializer})
    @action(detail=True, methods=["get", "post"], url_path="pace-requests", pagination_class=None)
    def pace_requests(self, request, pk=None):
        """Requests for accommodation for the child (000 ¶12, PB1–PB3); POST records one."""
        if request.method == "GET":
            episode = self.open_section(Section.PACE, "api:custody-pace-requests")
            return Response(PaceRequestSerializer(episode.pace_requests.all(), many=True).data)
        episode = self.open_section(Section.PACE, "api:custody-pace-requests-create", WRITE)
        data = self.valid_data(PaceRequestCreateSerializer)
        pace = self.run(services.request_pace_accommodation, episode=episode, by=request.user, **data)
        return Response(PaceRequestSerializer(pace).data, status=status.HTTP_201_CREATED)


class PaceRequestViewSet(mixins.RetrieveModelMixin, _CustodyViewSet):
    """One request for accommodation: its outcome (000 ¶12.2) and what was raised with the police (PB6)."""

    serializer_class = PaceRequestSerializer

    def get_queryset(self):
        return selectors.pace_requests_for(self.request.user)

    def get_serializer_class(self):
        return {"outcome": PaceOutcomeSerializer, "escalations": PaceEscalationSerializer}.get(
            self.action, PaceRequestSerializer
        )

    def record_queryset(self):
        return PaceAccommodationRequest.objects.select_related("child", "episode__agency")

    def _fresh(self, pace):
        return Response(PaceRequestSerializer(PaceAccommodationRequest.objects.get(pk=pace.pk)).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(PaceRequestSerializer(self.open_section(Section.PACE, "api:pace-requests-detail")).data)

    @extend_schema(request=PaceOutcomeSerializer, responses=PaceRequestSerializer)
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        """Where the child went. "remained" needs a `reason`; the CYJS team manager is told."""
        pace = self.open_section(Section.PACE, "api:pace-requests-outcome", WRITE)
        data = self.valid_data(PaceOutcomeSerializer)
        data["expected_version"] = data.pop("version")
        self.run(services.record_pace_outcome, request=pace, by=request.user, **data)
        return self._fresh(pace)

    @extend_schema(request=PaceEscalationSerializer, responses=PaceRequestSerializer)
    @action(detail=True, methods=["post"])
    def escalations(self, request, pk=None):
        """Add a note of what was raised with the custody sergeant (PB6)."""
        pace = self.open_section(Section.PACE, "api:pace-requests-escalation", WRITE)
        data = self.valid_data(PaceEscalationSerializer)
        self.run(services.record_pace_escalation, request=pace, by=request.user, **data)
        return self._fresh(pace)


def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
    router.register("custody-episodes", CustodyEpisodeViewSet, basename="api-custody-episode")
    router.register("pace-requests", PaceRequestViewSet, basename="api-pace-request")
