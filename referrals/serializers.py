import copy

from django.contrib.contenttypes.models import ContentType
from rest_framework import serializers

from casework import limits
from notifications.clocks import calendar_for
from notifications.models import Deadline
from notifications.selectors import rag as deadline_rag
from returns import codes

from .models import ConcernCategory, Contact, Decision


class ReferrerSerializer(limits.Serializer):
    name = serializers.CharField(max_length=150)
    agency = serializers.CharField(max_length=150)
    role = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ChildReferenceSerializer(limits.Serializer):
    """Either {"id": <existing child>} or the new child's details."""

    id = serializers.IntegerField(required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    middle_names = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False)
    also_known_as = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    expected_date_of_birth = serializers.DateField(required=False, allow_null=True)
    gender = serializers.ChoiceField(choices=codes.gender_choices(), required=False)
    nhs_number = serializers.CharField(max_length=14, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)

    def validate(self, data):
        if data.get("id"):
            return {"id": data["id"]}
        missing = [f for f in ("first_name", "last_name") if not data.get(f)]
        if missing:
            raise serializers.ValidationError({f: "This field is required." for f in missing})
        if not data.get("date_of_birth") and not data.get("expected_date_of_birth"):
            raise serializers.ValidationError(
                {"date_of_birth": "Give the date of birth, or the expected date for an unborn child."}
            )
        return data


class HouseholdMemberSerializer(limits.Serializer):
    name = serializers.CharField(max_length=200)
    relationship = serializers.CharField(max_length=100, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    is_child = serializers.BooleanField(required=False, default=False)


class ContactCreateSerializer(limits.Serializer):
    received_at = serializers.DateTimeField()
    referrer = ReferrerSerializer()
    child = ChildReferenceSerializer()
    household = HouseholdMemberSerializer(many=True, required=False)
    concerns = serializers.CharField(allow_blank=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=ConcernCategory.choices), required=False, default=list
    )
    referrer_level = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=4)
    consent = serializers.ChoiceField(choices=Contact.Consent.choices)
    consent_reason = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(
        choices=[Contact.Source.PARTNER_API, Contact.Source.POLICE_CUSTODY],
        required=False,
        default=Contact.Source.PARTNER_API,
    )
    referral_source = serializers.ChoiceField(
        choices=codes.referral_source_choices(),
        required=False,
        allow_blank=True,
        default="",
        help_text="Who made the referral (DfE referral source code). Left out: filled in from the sending "
        "system's agency, or from `source`",
    )


_UNSET = object()


def attach_decision_deadlines(contacts):
    """Fetch a page's decision clocks in one query (otherwise each row asks for its own)."""
    latest = {}
    for deadline in (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(Contact),
            subject_id__in=[contact.pk for contact in contacts],
            rule_code="referral_decision",
        )
        .select_related("rule", "agency__authority")
        .order_by("id")
    ):
        latest[deadline.subject_id] = deadline
    for contact in contacts:
        contact._decision_deadline = latest.get(contact.pk)
    return contacts


class ContactSerializer(limits.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    decision_due = serializers.SerializerMethodField()
    rag = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = ["id", "status", "received_at", "child", "decision_due", "rag", "outcome", "decided_at"]

    def get_fields(self):
        # ModelSerializer works its fields out from the model for every instance; do it once
        # per class and hand each instance its own copy (fields are bound to their serializer).
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return copy.deepcopy(template)

    def _deadline(self, contact):
        cache = getattr(contact, "_decision_deadline", _UNSET)
        if cache is _UNSET:
            cache = (
                Deadline.objects.filter(
                    subject_type=ContentType.objects.get_for_model(Contact),
                    subject_id=contact.pk,
                    rule_code="referral_decision",
                )
                .select_related("rule", "agency__authority")
                .order_by("-id")
                .first()
            )
            contact._decision_deadline = cache
        return cache

    def get_decision_due(self, contact) -> str | None:
        deadline = self._deadline(contact)
        return deadline.due_date.isoformat() if deadline and deadline.due_date else None

    def get_rag(self, contact) -> str:
        """The triage rating once set; before that, the decision clock's traffic light."""
        if contact.rag:
            return contact.rag
        deadline = self._deadline(contact)
        if not (deadline and deadline.is_open):
            return "none"
        calendar = getattr(deadline, "_calendar", None)  # a clock just started carries the calendar it used
        if calendar is not None:
            return deadline_rag(deadline, calendar=calendar)
        # One working calendar per authority for the whole list, not one query per row.
        calendars = self.context.setdefault("calendars", {})
        authority = deadline.agency.authority if deadline.agency_id else None
        key = authority.pk if authority else None
        if key not in calendars:
            calendars[key] = calendar_for(authority)
        return deadline_rag(deadline, calendar=calendars[key])

    def get_outcome(self, contact) -> str | None:
        decision = getattr(contact, "decision", None)
        return decision.outcome if decision and decision.authorised_at else None


def contact_answer(contact) -> dict:
    """The answer to POST /contacts/: the new contact as ContactSerializer shows it.

    receive_contact leaves the decision clock (with its calendar) and "no decision"
    on the contact, so this asks neither the database nor the shared cache.
    """
    return ContactSerializer(contact).data


class ContactReferrerSerializer(ContactSerializer):
    """What a referrer who cannot see the child is told: where their contact is, and its outcome."""

    class Meta(ContactSerializer.Meta):
        fields = ["id", "status", "decision_due", "rag", "outcome"]


class ContactDetailSerializer(ContactSerializer):
    primary_need = serializers.SerializerMethodField(
        help_text="The child's main need recorded with the decision (DfE primary need code), or empty if none yet"
    )

    class Meta(ContactSerializer.Meta):
        fields = ContactSerializer.Meta.fields + [
            "source",
            "referrer_name",
            "referrer_agency",
            "referrer_role",
            "referrer_contact",
            "referral_source",
            "household",
            "concerns",
            "categories",
            "referrer_level",
            "consent",
            "consent_reason",
            "rag_rationale",
            "primary_need",
            "version",
        ]

    def get_primary_need(self, contact) -> str:
        decision = getattr(contact, "decision", None)
        return decision.primary_need if decision else ""


class DecisionSerializer(limits.Serializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    rationale = serializers.CharField()
    primary_need = serializers.ChoiceField(
        choices=codes.primary_need_choices(),
        required=False,
        allow_blank=True,
        help_text="The child's main need (DfE primary need code). The census needs it when the contact "
        "becomes a referral (assessment, strategy_discussion, immediate_protection). Left out: unchanged",
    )
