"""The child, the people around them, and each agency's involvement."""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.crypto import get_random_string

from returns import codes

from ..validators import validate_disabilities, validate_nhs_number, validate_upn


def new_return_reference() -> str:
    """A random reference for a new child: letters and digits only (DfE rules 1570, 1580)."""
    return "C" + get_random_string(15, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


class Child(models.Model):
    first_name = models.CharField(max_length=100)
    middle_names = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=100)
    also_known_as = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child: the expected date of delivery."
    )
    # DfE codes (returns/data/dfe_codes.toml): gender as the child describes it; sex for the census.
    gender = models.CharField(max_length=1, choices=codes.gender_choices, default="0")
    sex = models.CharField(max_length=1, choices=codes.sex_choices, blank=True)
    ethnicity = models.CharField(max_length=4, choices=codes.ethnicity_choices, default="NOBT")
    # DfE disability codes; empty until someone records it, ["NONE"] when the child has none.
    disabilities = models.JSONField(default=list, blank=True, validators=[validate_disabilities])
    date_of_death = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(
        "NHS number", max_length=10, null=True, blank=True, unique=True, validators=[validate_nhs_number]
    )
    upn = models.CharField("Unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    former_upn = models.CharField("Former unique pupil number", max_length=13, blank=True, validators=[validate_upn])
    upn_unknown_reason = models.CharField(
        "Why there is no unique pupil number", max_length=3, choices=codes.upn_unknown_choices, blank=True
    )
    # The child's reference in statutory returns (the census's LA child ID): stable, and not the
    # database id, which returns must not reveal.
    return_reference = models.CharField(
        "Reference in statutory returns", max_length=20, unique=True, default=new_return_reference, editable=False
    )
    yot_reference = models.CharField("Youth justice reference", max_length=30, blank=True)
    pnc_reference = models.CharField("Police national computer reference", max_length=30, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    restricted = models.BooleanField(
        default=False,
        help_text="Only the allocated workers, their managers and people given explicit access can see this child.",
    )
    possible_duplicates = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Optimistic locking: each save through the services bumps this, and a save
    # based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="child_name_idx"),
            models.Index(fields=["date_of_birth"], name="child_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=False) | models.Q(expected_date_of_birth__isnull=False),
                name="child_has_birth_or_expected_date",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(p for p in (self.first_name, self.middle_names, self.last_name) if p)

    @property
    def age(self):
        """Whole years today, in the service's time zone."""
        if not self.date_of_birth:
            return None
        return relativedelta(timezone.localdate(), self.date_of_birth).years

    @property
    def is_unborn(self):
        return self.date_of_birth is None

    def clean(self):
        super().clean()
        errors = {}
        if self.date_of_death and self.date_of_birth and self.date_of_death < self.date_of_birth:
            errors["date_of_death"] = "The date of death must be on or after the date of birth"
        if self.date_of_death and self.date_of_death > timezone.localdate():
            errors["date_of_death"] = "The date of death cannot be in the future"
        if self.upn and self.upn_unknown_reason:
            errors["upn_unknown_reason"] = "Leave this empty: the child has a unique pupil number"
        if errors:
            raise ValidationError(errors)


class Person(models.Model):
    """An adult or child around the child. A child with their own record links to it."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    child_record = models.OneToOneField(
        Child, null=True, blank=True, on_delete=models.SET_NULL, related_name="as_person"
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Relationship(models.Model):
    class Kind(models.TextChoices):
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        SIBLING = "sibling", "Sibling"
        HOUSEHOLD_MEMBER = "household_member", "Household member"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="relationships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lives_with_child = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "person", "kind"], name="relationship_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} of child {self.child_id}"


class Involvement(models.Model):
    """An agency's work with a child, open or closed."""

    class Kind(models.TextChoices):
        EARLY_HELP = "early_help", "Early help"
        MASH_CONTACT = "mash_contact", "MASH contact"
        CIN = "cin", "Child in need"
        CP = "cp", "Child protection"
        CLA = "cla", "Child looked after"
        CARE_LEAVER = "care_leaver", "Care leaver"
        YJ_PREVENTION = "yj_prevention", "Youth justice prevention"
        YJ_DIVERSION = "yj_diversion", "Youth justice diversion"
        YJ_COURT_ORDER = "yj_court_order", "Youth justice court order"
        YJ_REMAND = "yj_remand", "Youth justice remand"
        YJ_CUSTODY = "yj_custody", "Youth justice custody"
        HSB_HUB = "hsb_hub", "Harmful sexual behaviour hub"
        OTHER = "other", "Other"

    class LegalBasis(models.TextChoices):
        """Why a child is looked after (CLA involvements only). What a custodial sentence does to it
        differs by basis (000 ¶20.2–20.4; 003 L152–158), and so does who attends court (003 L116)."""

        SECTION_20 = "section_20", "Accommodated by agreement (section 20)"
        INTERIM_CARE_ORDER = "interim_care_order", "Interim care order (section 38)"
        CARE_ORDER = "care_order", "Care order (section 31)"
        # LASPO 2012 s104; the child is accommodated under Children Act 1989 s21.
        REMAND_LA = "remand_la", "Remanded to local authority accommodation"
        # Bail to reside as directed by the authority (000 ¶18.9; 003 L150).
        BAIL_TO_RESIDE = "bail_to_reside", "Bailed to live where the authority directs"
        # LASPO 2012 s104(1): looked after while remanded to youth detention accommodation.
        REMAND_YDA = "remand_yda", "Remanded to youth detention accommodation"

    CARE_ORDERS = frozenset({"interim_care_order", "care_order"})
    REMAND_BASES = frozenset({"remand_la", "bail_to_reside", "remand_yda"})

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="involvements")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="involvements")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocations"
    )
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL)
    is_lead_agency = models.BooleanField(default=False)
    # Looked-after involvements only; blank = not recorded (or not a looked-after involvement).
    legal_basis = models.CharField(max_length=20, choices=LegalBasis.choices, blank=True, default="")
    # Closing (casework/involvements/services.py close_involvement): who closed it and why.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closure_reason = models.TextField(blank=True)
    # Children's social care only: why the child in need episode closed, in the census's code.
    closure_code = models.CharField(
        "Why the episode closed", max_length=3, choices=codes.closure_reason_choices, blank=True
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-start"]
        indexes = [
            models.Index(fields=["agency", "child", "end"], name="involvement_access_idx"),
            models.Index(fields=["allocated_worker", "end"], name="involvement_worker_idx"),
            # A team's open involvements (Team work) without reading the closed ones that far outnumber them.
            models.Index(fields=["team"], condition=models.Q(end__isnull=True), name="involvement_team_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="involvement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="cla") | models.Q(legal_basis=""),
                name="only_looked_after_has_legal_basis",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.start:%-d %b %Y}"

    @property
    def is_open(self):
        return self.end is None

    @property
    def under_care_order(self) -> bool:
        """CSC has parental responsibility under an interim or full care order (003 L116; 000 ¶20.4)."""
        return self.legal_basis in self.CARE_ORDERS

    def clean(self):
        super().clean()
        if self.legal_basis and self.kind != self.Kind.CLA:
            raise ValidationError({"legal_basis": "Only a looked-after involvement has a legal basis"})
