import hashlib
import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts import access
from accounts.audit import record_access, record_search
from accounts.models import MASH_ROLES, AccessEvent
from config.api_schema import FIELD_ERRORS

from . import selectors, services
from .models import Contact, IdempotencyKey
from .pagination import CappedPageNumberPagination
from .serializers import (
    ContactCreateSerializer,
    ContactDetailSerializer,
    ContactReferrerSerializer,
    ContactSerializer,
    DecisionSerializer,
    attach_decision_deadlines,
    contact_answer,
)

KEY_MAX_LENGTH = IdempotencyKey._meta.get_field("key").max_length

_KEY_SQL = (
    f'SELECT "body_hash", "contact_id" FROM "{IdempotencyKey._meta.db_table}" WHERE "user_id" = %s AND "key" = %s'
)


def idempotency_key(request) -> str:
    """The request's Idempotency-Key ("" without one); 400 for a key the database could not hold."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if "\x00" in key:
        raise serializers.ValidationError({"Idempotency-Key": ["Null characters are not allowed."]})
    if len(key) > KEY_MAX_LENGTH:
        raise serializers.ValidationError({"Idempotency-Key": [f"Use a key of at most {KEY_MAX_LENGTH} characters."]})
    return key


def service_errors(error: ValidationError) -> dict:
    """A service's ValidationError as DRF-style field errors."""
    return error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}


class ContactViewSet(
    mixins.CreateModelMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Contacts into the front door. Partner systems create them; MASH lists them."""

    queryset = Contact.objects.none()
    pagination_class = CappedPageNumberPagination  # counts stop 1,000 past the page (referrals/pagination.py)

    def get_serializer_class(self):
        if self.action == "create":
            return ContactCreateSerializer
        if self.action == "decide":
            return DecisionSerializer
        return ContactSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                {"type": "string", "maxLength": KEY_MAX_LENGTH},
                OpenApiParameter.HEADER,
                description="Same key and body return the first contact",
            )
        ],
        responses={
            201: ContactSerializer,
            200: ContactSerializer,
            422: OpenApiResponse(FIELD_ERRORS, description="The key was used before with a different body"),
        },
    )
    def create(self, request, *args, **kwargs):
        if not access.sees_case_content(request.user):
            raise PermissionDenied("Your role cannot make referrals")
        key = idempotency_key(request)
        body_hash = hashlib.sha256(json.dumps(request.data, sort_keys=True, default=str).encode()).hexdigest()
        if key:
            replay = self._replay(request.user, key, body_hash)
            if replay is not None:
                return replay
        serializer = ContactCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = services.ContactDetails(**serializer.validated_data)
        try:
            # One transaction, no savepoints: the contact, its clocks, the idempotency key,
            # then the access-log row, appended last, just before commit.
            contact = services.receive_contact(
                received_by=request.user,
                details=details,
                idempotency=services.Idempotency(key, body_hash) if key else None,
            )
        except ValidationError as error:
            return Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST)
        except IntegrityError:
            # The same key arrived twice at once: the other request won; answer with its contact.
            replay = self._replay(request.user, key, body_hash) if key else None
            if replay is None:
                raise
            return replay
        return Response(contact_answer(contact), status=status.HTTP_201_CREATED)

    def _replay(self, user, key, body_hash):
        with connection.cursor() as cursor:  # written out: most keys are new, and the ORM cost more than the query
            cursor.execute(_KEY_SQL, [user.pk, key])
            earlier = cursor.fetchone()
        if earlier is None:
            return None
        earlier_hash, contact_id = earlier
        if earlier_hash != body_hash:
            return Response(
                {"Idempotency-Key": ["This key was used with a different body. Use a new key for a new contact."]},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(ContactSerializer(Contact.objects.get(pk=contact_id)).data, status=status.HTTP_200_OK)

    def list(self, request, *args, **kwargs):
        """The open contacts in MASH, in triage order (MASH roles only)."""
        if request.user.role not in MASH_ROLES:
            raise PermissionDenied("Only MASH can list contacts")
        queryset = selectors.triage_queue(
            user=request.user,
            rag=request.query_params.get("rag"),
            due=request.query_params.get("due"),
            allocation=request.query_params.get("allocation"),
        ).select_related("decision")
        page = attach_decision_deadlines(self.paginate_queryset(queryset))
        data = ContactSerializer(page, many=True).data
        record_search(
            user=request.user,
            what="api:contacts-list",
            query=request.query_params.urlencode(),
            child_ids=[c.child_id for c in page],
        )
        return self.get_paginated_response(data)

    def _open(self, what, action=AccessEvent.Action.READ):
        contact = get_object_or_404(Contact.objects.select_related("child", "agency", "decision"), pk=self.kwargs["pk"])
        view = selectors.contact_view(self.request.user, contact)
        decision = view.decision or access.AccessDecision(False, access.Purpose.NONE)
        record_access(user=self.request.user, child=contact.child, what=what, action=action, decision=decision)
        if view.level is None:
            raise Http404
        return contact, view

    @extend_schema(responses=ContactDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        contact, view = self._open("api:contacts-detail")
        serializer = ContactDetailSerializer if view.level == selectors.FULL else ContactReferrerSerializer
        return Response(serializer(contact).data)

    @extend_schema(request=DecisionSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record the MASH decision (a manager's decision is final; a worker's awaits authorisation)."""
        contact, view = self._open("api:contacts-decide", AccessEvent.Action.WRITE)
        if view.level != selectors.FULL:
            raise Http404
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.record_decision(contact=contact, by=request.user, **serializer.validated_data)
        except ValidationError as error:
            return Response(service_errors(error), status=status.HTTP_400_BAD_REQUEST)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        contact.refresh_from_db()
        return Response(ContactSerializer(contact).data)
