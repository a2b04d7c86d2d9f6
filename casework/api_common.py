"""What every pathway API viewset does (assessment, enquiry, conference, chronology).

A child the caller may not see answers 404, and the attempt is logged (`api_open_child`);
a service's ValidationError answers 400 with field errors, its PermissionDenied 403 and
its ConcurrentEditError (a stale `version`) 409. Lists show only visible children's
records and are logged with `record_search`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import access
from accounts.audit import record_access, record_search
from accounts.models import AccessEvent, User
from config.api import RECORD_ID_MAX
from referrals.api import service_errors

from .justice.sharing import may_read_section
from .models import Child
from .pages import api_open_child
from .services import ConcurrentEditError

READ, WRITE = AccessEvent.Action.READ, AccessEvent.Action.WRITE

__all__ = [
    "READ",
    "WRITE",
    "ColleagueField",
    "DeadlineBriefSerializer",
    "PathwayViewSet",
    "SectionViewSet",
    "ServiceFailed",
    "child_asked_for",
    "of_child",
    "service_errors",
]


@extend_schema_field(OpenApiTypes.INT)
class ColleagueField(serializers.PrimaryKeyRelatedField):
    """A user id in a request body (attendee, chair, lead social worker): an active user of
    the caller's own authority, so a partner system cannot name people elsewhere."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_queryset(self):
        users = User.objects.filter(is_active=True).select_related("agency")
        request = self.context.get("request")
        caller = getattr(request, "user", None)
        if caller is not None and caller.agency_id:
            users = users.filter(agency__authority_id=caller.agency.authority_id)
        return users


class DeadlineBriefSerializer(serializers.Serializer):
    """A record's deadline as its selectors' `clocks_of` gives it (notifications.selectors.deadlines_of)."""

    rule_code = serializers.CharField()
    title = serializers.CharField()
    # "waiting_period": an earliest date (e.g. 000 ¶20.5), never overdue; its `due` reads
    # "Stays open until <date>" and its `status_label` "Waiting period" / "Ended".
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    overdue = serializers.BooleanField()
    due_date = serializers.DateField(allow_null=True)
    due = serializers.CharField()
    met_at = serializers.DateTimeField(allow_null=True)


class ServiceFailed(Exception):
    """A service refused the write; `response` is the API's answer to send instead."""

    def __init__(self, response):
        super().__init__(response)
        self.response = response


CHILD_PARAMETER = OpenApiParameter("child", int, description="Only this child's records")


def child_asked_for(request) -> int | None:
    """The child id named by `?child=<id>`, or None when there is none; 400 when it is not an id."""
    value = request.query_params.get("child")
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > RECORD_ID_MAX:
        raise serializers.ValidationError({"child": ["Give a child's id: a whole number."]})
    return int(value)


def of_child(queryset, request):
    """Only the records of the child named by `?child=<id>`, when the caller names one.

    `queryset` is already limited to the children the caller may see; this only narrows it.
    """
    child_id = child_asked_for(request)
    return queryset if child_id is None else queryset.filter(child_id=child_id)


class PathwayViewSet(viewsets.GenericViewSet):
    """Base for the pathway's viewsets: open records through their child, call services, log lists."""

    # The record `open_record` loads by the URL's pk (override `record_queryset` to join more).
    model = None
    # Every list takes `?child=` (logged_list applies it): documented by config.api_schema.
    list_parameters = [CHILD_PARAMETER]

    def record_queryset(self):
        return self.model.objects.all()

    def handle_exception(self, exc):
        if isinstance(exc, ServiceFailed):
            return exc.response
        return super().handle_exception(exc)

    def conflict_response(self, error):
        """The answer to an edit based on an old `version`."""
        return Response({"version": [str(error)]}, status=status.HTTP_409_CONFLICT)

    def run(self, service, /, **kwargs):
        """Call a service; a refusal becomes the API's answer (raised as ServiceFailed, or 403)."""
        try:
            return service(**kwargs)
        except ValidationError as error:
            raise ServiceFailed(Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST)) from error
        except ConcurrentEditError as error:
            raise ServiceFailed(self.conflict_response(error)) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error) or None) from error

    def open_record(self, what, action=READ, queryset=None):
        """The record named in the URL, if the caller may see its child (else 404); the attempt is logged."""
        record = get_object_or_404(queryset if queryset is not None else self.record_queryset(), pk=self.kwargs["pk"])
        api_open_child(self.request.user, record.child, what=what, action=action)
        return record

    def open_child_for_write(self, child_id, what):
        """The child a new record is for, if the caller may see them (else 404); logged as a write."""
        child = get_object_or_404(Child, pk=child_id)
        api_open_child(self.request.user, child, what=what, action=WRITE)
        return child

    def valid_data(self, serializer_class, **kwargs):
        """The request body checked by `serializer_class` (400 with field errors when it is not valid)."""
        serializer = serializer_class(data=self.request.data, context={"request": self.request}, **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def logged_list(self, what, queryset=None, serializer_class=None):
        """A page of records (of visible children only: `queryset` must see to that), logged as a search.

        `?child=<id>` narrows it to one child (400 when it is not an id)."""
        request = self.request
        queryset = self.filter_queryset(self.get_queryset()) if queryset is None else queryset
        page = self.paginate_queryset(of_child(queryset, request))
        record_search(
            user=request.user,
            what=what,
            query=request.query_params.urlencode(),
            child_ids=sorted({row.child_id for row in page}),
        )
        serializer = serializer_class(page, many=True) if serializer_class else self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)


class SectionViewSet(PathwayViewSet):
    """Base for the youth justice viewsets: a record opens through its child (404 when hidden, logged)
    and then its section of the joint working agreement (casework.justice.sharing): a caller who sees
    the child but may not read the section gets 403, logged as denied, with `refusal` as the reason.

    Set `section` (or pass one to `open_section`) and `refusal`; override `may_read` for another rule.
    """

    section = None
    refusal = "This is not shared with your service"

    def may_read(self, user, section=None):
        return may_read_section(user, section if section is not None else self.section)

    def refusal_for(self, section):
        return self.refusal

    def check_section(self, child, what, action=READ, section=None):
        """Log the caller's opening of `child` for `section`: 403 if the section is not theirs, 404 if the child is hidden."""
        user = self.request.user
        decision = access.decide(user, child)
        if decision.allowed and not self.may_read(user, section):
            record_access(
                user=user,
                child=child,
                what=what,
                action=action,
                decision=access.AccessDecision(False, decision.purpose),
            )
            raise PermissionDenied(self.refusal_for(section if section is not None else self.section))
        record_access(user=user, child=child, what=what, action=action, decision=decision)
        if not decision.allowed:
            raise Http404
        return decision

    def open_record(self, what, action=READ, queryset=None):
        """The record named in the URL, checked by `check_section` for the viewset's section."""
        record = get_object_or_404(queryset if queryset is not None else self.record_queryset(), pk=self.kwargs["pk"])
        self.check_section(record.child, what, action)
        return record

    def open_section(self, section, what, action=READ):
        """The record named in the URL, checked for `section` (a viewset whose records have several)."""
        record = get_object_or_404(self.record_queryset(), pk=self.kwargs["pk"])
        self.check_section(record.child, what, action, section=section)
        return record
