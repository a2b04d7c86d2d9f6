"""GET /api/v1/performance/measures/: every measure's figure for a period, from the monthly summary table.

A period is whole months: the months of `from` and `to` and those between. Rates answer a
fraction 0–1 (null when nothing was counted); counts answer the count with denominator null.
Things open at a moment (e.g. plans open) answer the last month's figure, not a sum.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import months, selectors
from .forms import LONGEST_PERIOD


class PeriodSerializer(serializers.Serializer):
    from_ = serializers.DateField(input_formats=["%Y-%m-%d"])
    to = serializers.DateField(input_formats=["%Y-%m-%d"])
    team = serializers.IntegerField(required=False, min_value=1)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, attrs):
        if attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": "The end date must be the same as the start date or after it."})
        if len(months.months_between(attrs["from"], attrs["to"])) > LONGEST_PERIOD:
            raise serializers.ValidationError({"to": f"Choose a period of {LONGEST_PERIOD} months or fewer."})
        return attrs


FIGURE = inline_serializer(
    "PerformanceFigure",
    {
        "code": serializers.CharField(),
        "title": serializers.CharField(),
        "numerator": serializers.IntegerField(),
        "denominator": serializers.IntegerField(allow_null=True),
        "value": serializers.FloatField(allow_null=True, help_text="A rate as a fraction 0–1; a count: the count."),
        "from": serializers.DateField(),
        "to": serializers.DateField(),
    },
    many=True,
)


class MeasuresView(APIView):
    """Managers and administrators only (403); a team outside the caller's authority is 404."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, required=True, description="First day, YYYY-MM-DD"),
            OpenApiParameter("to", str, required=True, description="Last day, YYYY-MM-DD"),
            OpenApiParameter("team", int, required=False, description="Only this team's figures"),
        ],
        responses={200: FIGURE},
    )
    def get(self, request):
        if not selectors.may_see_performance(request.user):
            self.permission_denied(request, message="Only managers see performance figures.")
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        # Another authority's team: Http404, answered 404 like a child the caller may not see.
        scope = selectors.scope_for(request.user, team_id=period.validated_data.get("team"))
        first, last = period.validated_data["from"], period.validated_data["to"]
        series, _ = selectors.monthly_series(scope=scope, months=months.months_between(first, last))
        return Response([_figure(each, first, last) for each in series.values()])


def _figure(series, first, last):
    measure = series.measure
    numerator, denominator = series.total()
    return {
        "code": measure.code,
        "title": measure.title,
        "numerator": numerator,
        "denominator": denominator if measure.is_rate else None,
        "value": measure.value(numerator, denominator),
        "from": first.isoformat(),
        "to": last.isoformat(),
    }
