"""GET /api/v1/returns/cin-census/?year=2026-27&authority=888: the census XML, streamed.

For the performance team and senior leaders (accounts.access.may_prepare_returns), for their own
authority only (another authority's code is 404). Each export is written to the access log.
"""

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.access import may_prepare_returns
from accounts.audit import record_search

from ..data_quality.selectors import findings
from .services import census
from .years import CollectionYear


class CensusQuerySerializer(serializers.Serializer):
    year = serializers.CharField()
    authority = serializers.CharField(max_length=3)

    def validate_year(self, value):
        try:
            return CollectionYear.parse(value)
        except Exception as error:  # ValidationError from parse: its message as the field's
            raise serializers.ValidationError("Enter a collection year like 2026-27") from error


class CinCensusView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, required=True, description="Collection year, e.g. 2026-27"),
            OpenApiParameter("authority", str, required=True, description="The authority's DfE code, e.g. 888"),
        ],
        responses={(200, "application/xml"): OpenApiTypes.STR},
    )
    def get(self, request):
        if not may_prepare_returns(request.user):
            raise PermissionDenied("Only the performance team and senior managers may export statutory returns.")
        query = CensusQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        authority = request.user.authority
        if authority is None or authority.la_code != query.validated_data["authority"]:
            raise NotFound("No authority with that code that you may export.")
        year = query.validated_data["year"]
        response = StreamingHttpResponse(census(authority, year, by=request.user), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="cin-census-{authority.la_code}-{year}.xml"'
        return response


ISSUE = inline_serializer(
    "CensusIssue",
    {
        "rule": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["error", "query"]),
        "message": serializers.CharField(),
        "child": serializers.IntegerField(allow_null=True, help_text="Null: about the return as a whole"),
        "field": serializers.CharField(),
    },
    many=True,
)


class YearSerializer(serializers.Serializer):
    year = serializers.CharField()

    def validate_year(self, value):
        return CensusQuerySerializer().validate_year(value)


class CensusErrorsView(APIView):
    """What the last data quality check found for the caller's authority, about children the
    caller may open (and the return as a whole). 404 when the year has not been checked."""

    @extend_schema(
        parameters=[OpenApiParameter("year", str, required=True, description="Collection year, e.g. 2026-27")],
        responses={200: ISSUE},
    )
    def get(self, request):
        if not access.may_see_data_quality(request.user) or request.user.authority is None:
            raise PermissionDenied("Only managers and the performance team see the census's data quality.")
        query = YearSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = findings(request.user, query.validated_data["year"])
        if found.run is None:
            raise NotFound("That year's return has not been checked yet.")
        record_search(
            user=request.user,
            what="api:returns-cin-census-errors",
            query=str(query.validated_data["year"]),
            child_ids=sorted({s.issue.child_id for s in found.shown if s.issue.child_id}),
        )
        return Response(
            [
                {
                    "rule": s.issue.rule,
                    "kind": s.issue.kind,
                    "message": s.issue.message,
                    "child": s.issue.child_id,
                    "field": s.issue.field,
                }
                for s in found.shown
            ]
        )
