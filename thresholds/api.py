"""API for threshold frameworks: /api/v1/thresholds/frameworks/ and /api/v1/thresholds/assessments/.

Thin: the suggestion comes from services.suggest_level. An assessment for a child is stored
(pinned to the framework version) and its write is logged on the child; a child the caller
may not see answers 404. Without a child nothing is stored.
"""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from casework import limits
from casework.api_common import PathwayViewSet, service_errors

from . import selectors, services
from .models import Domain, Framework, Indicator, Level


class LevelSerializer(limits.ModelSerializer):
    class Meta:
        model = Level
        fields = [
            "number",
            "name",
            "meaning",
            "who_responds",
            "where_to_go",
            "form_name",
            "route",
            "consent_policy",
            "contact_route",
            "min_indicators",
            "min_domains",
            "source_lines",
        ]


class DomainSerializer(limits.ModelSerializer):
    class Meta:
        model = Domain
        fields = ["code", "name", "triangle_side"]


class IndicatorSerializer(limits.ModelSerializer):
    level = serializers.IntegerField(source="level.number")
    domain = serializers.CharField(source="domain.code")

    class Meta:
        model = Indicator
        fields = ["code", "label", "help_text", "level", "domain", "polarity", "flags", "source_file", "source_line"]


class FrameworkSerializer(limits.ModelSerializer):
    levels = LevelSerializer(many=True, read_only=True)
    domains = DomainSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Framework
        fields = [
            "code",
            "version",
            "name",
            "authority",
            "statutory_guidance",
            "active",
            "rules",
            "levels",
            "domains",
            "indicators",
        ]


class AssessmentRequestSerializer(limits.Serializer):
    framework = serializers.CharField(help_text="Framework code, e.g. LAN or CBC (the active version is used)")
    # A framework has a few hundred indicators.
    indicators = serializers.ListField(child=serializers.CharField(max_length=50), allow_empty=True, max_length=1000)
    child = serializers.IntegerField(required=False, allow_null=True, help_text="Store the assessment for this child")
    significant_harm_suspected = serializers.BooleanField(default=False)
    missing_episodes_90d = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    has_early_help_assessment = serializers.BooleanField(default=False)


class AssessmentResultSerializer(limits.Serializer):
    id = serializers.IntegerField(allow_null=True)
    framework = serializers.CharField()
    framework_version = serializers.IntegerField()
    suggested_level = serializers.IntegerField()
    highest_indicator_level = serializers.IntegerField(allow_null=True)
    urgency = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    prompts = serializers.ListField(child=serializers.CharField())
    actions = serializers.ListField(child=serializers.CharField())


class FrameworkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The threshold frameworks in force, with their levels, domains and indicators."""

    serializer_class = FrameworkSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.active_frameworks()


class AssessmentViewSet(PathwayViewSet):
    """Work out a suggested level from indicator codes (stored when a child is given)."""

    serializer_class = AssessmentRequestSerializer

    @extend_schema(
        request=AssessmentRequestSerializer,
        responses={200: AssessmentResultSerializer, 201: AssessmentResultSerializer},
    )
    def create(self, request, *args, **kwargs):
        data = self.valid_data(AssessmentRequestSerializer)
        framework = selectors.active_framework(data["framework"])
        if framework is None or framework.code != data["framework"]:
            return Response({"framework": ["Unknown framework"]}, status=status.HTTP_400_BAD_REQUEST)
        answers = {
            k: data.get(k) for k in ("significant_harm_suspected", "missing_episodes_90d", "has_early_help_assessment")
        }
        if data.get("child"):
            child = self.open_child_for_write(data["child"], "api:threshold-assessments-create")
            stored = self.run(
                services.record_assessment,
                framework=framework,
                by=request.user,
                child=child,
                indicator_codes=data["indicators"],
                **answers,
            )
            result = {
                "id": stored.pk,
                "level": stored.suggested_level,
                **{
                    k: getattr(stored, k)
                    for k in ("highest_indicator_level", "urgency", "reasons", "warnings", "prompts", "actions")
                },
            }
            code = status.HTTP_201_CREATED
        else:
            suggestion = services.suggest_level(
                services.snapshot(framework), data["indicators"], **{k: v for k, v in answers.items()}
            )
            if suggestion.unknown:
                return Response(
                    service_errors(
                        ValidationError({"indicators": f"Unknown indicators: {', '.join(suggestion.unknown)}"})
                    ),
                    status=status.HTTP_400_BAD_REQUEST,
                )
            result = {"id": None, **suggestion.__dict__}
            code = status.HTTP_200_OK
        body = {
            "framework": framework.code,
            "framework_version": framework.version,
            "suggested_level": result.pop("level"),
            **result,
        }
        return Response(AssessmentResultSerializer(body).data, status=code)


def register(router):
    """Add the thresholds API to the /api/v1/ router."""
    router.register("thresholds/frameworks", FrameworkViewSet, basename="api-threshold-framework")
    router.register("thresholds/assessments", AssessmentViewSet, basename="api-threshold-assessment")
