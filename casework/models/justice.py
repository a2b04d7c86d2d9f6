"""Youth justice records: police custody, appropriate adults, PACE accommodation, court,
remands and orders (seed 000 ¶9–12, ¶15–20 and the PACE appendix; seed 003 ¶3–8;
domain notes lancashire-agreement-part-a.md P15–P26, somerset-vs-lancashire §5.3).

These are the child and youth justice service's records. Who else reads which part is
the authority's joint working protocol (`JointWorkingProtocol.csc_reads`).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# Seed 000 ¶11.3 and ¶12: CSC needs custody, court, remand and order details to do its part,
# and takes part in prevention, the HSB hub, serious incidents and lead-agency decisions;
# the CYJS duty worker's screening notes on the appropriate adult's form stay with CYJS unless
# an authority's protocol says otherwise.
DEFAULT_CSC_READS = (
    "custody",
    "pace",
    "court",
    "remand",
    "orders",
    "prevention",
    "hsb",
    "incidents",
    "joint",
    "custody_care",
)


def default_csc_reads():
    return list(DEFAULT_CSC_READS)


# --- Joint working disagreements: the escalation ladder (somerset-vs-lancashire §1.15, C13, R14) ---
#
# Each step: a label, the role(s) that respond at it (accounts Role values) and the side that
# responds: "other" (the agency that did not raise it), "raising", "csc" or "cyjs".
#
# Lancashire (the default): the MASH/CSC/CYJS Case Escalation Process, four stages (seed 000
# appendix L9737–9763; part B PE), made symmetric: either agency may raise.
LANCASHIRE_DISAGREEMENT_LADDER = (
    {"label": "Team managers", "roles": ["team_manager"], "side": "other"},
    {"label": "Senior manager review (raising agency)", "roles": ["senior_manager"], "side": "raising"},
    {"label": "Senior managers of both agencies", "roles": ["senior_manager"], "side": "other"},
    {"label": "Heads of service", "roles": ["head_of_service"], "side": "other"},
)
# Somerset: three steps under CSC's Resolving Professional Differences Protocol (seed 003 L97, ¶2.7):
# practitioners, then their respective managers, then the Operation(s) Manager. There is no
# operations manager role in accounts (somerset-vs-lancashire C13 suggests one): the nearest
# existing role is the senior manager, the level above the team manager, in CSC (whose protocol it is).
SOMERSET_DISAGREEMENT_LADDER = (
    {"label": "Practitioners", "roles": ["practitioner"], "side": "other"},
    {"label": "Their respective managers", "roles": ["team_manager"], "side": "other"},
    {"label": "Operations Manager", "roles": ["senior_manager"], "side": "csc"},
)
LADDER_SIDES = {
    "other": "the other agency",
    "raising": "the raising agency",
    "csc": "children's social care",
    "cyjs": "the child and youth justice service",
}
# Only CSC and CYJS staff answer: practitioner up to director (accounts Role values).
LADDER_ROLES = ("practitioner", "team_manager", "senior_manager", "head_of_service", "director_of_childrens_services")


def default_disagreement_ladder():
    return [dict(step, roles=list(step["roles"])) for step in LANCASHIRE_DISAGREEMENT_LADDER]


def somerset_disagreement_ladder():
    return [dict(step, roles=list(step["roles"])) for step in SOMERSET_DISAGREEMENT_LADDER]


def disagreement_ladder_errors(steps) -> list[str]:
    """What is wrong with a ladder setting, in words for the admin form (empty when it is valid)."""
    if not isinstance(steps, list) or not steps:
        return ['Give at least one step, as a list of {"label": ..., "roles": [...], "side": ...}']
    if len(steps) > 10:
        return ["Give no more than 10 steps"]
    errors = []
    for number, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            errors.append(f"Step {number} must be an object with a label and roles")
            continue
        unknown_keys = set(step) - {"label", "roles", "side"}
        if unknown_keys:
            errors.append(f"Step {number} has unknown keys: {', '.join(sorted(unknown_keys))}")
        label = step.get("label")
        if not isinstance(label, str) or not label.strip():
            errors.append(f"Step {number} needs a label")
        elif len(label) > 100:
            errors.append(f"Step {number}'s label must be 100 characters or fewer")
        roles = step.get("roles")
        if not isinstance(roles, list) or not roles:
            errors.append(f"Step {number} needs at least one role that responds")
        else:
            unknown = [str(r) for r in roles if r not in LADDER_ROLES]
            if unknown:
                errors.append(f"Step {number} has unknown roles: {', '.join(unknown)} (use {', '.join(LADDER_ROLES)})")
        if step.get("side", "other") not in LADDER_SIDES:
            errors.append(f"Step {number}'s side must be one of {', '.join(LADDER_SIDES)}")
    return errors


class JointWorkingProtocol(models.Model):
    """What differs between authorities' CSC–youth justice protocols (somerset-vs-lancashire §5.3).

    An authority without a row uses the defaults, which are Lancashire's (seed 000).
    """

    class BailToReside(models.TextChoices):
        ALWAYS = "always", "Always makes the child looked after"
        WHEN_AUTHORITY_PLACES = "when_authority_places", "Only when the authority decides where the child lives"

    class CscAttendsCourt(models.TextChoices):
        LOOKED_AFTER = "looked_after", "With any looked-after child"
        CARE_ORDER = "care_order", "Only under an interim or full care order"

    class Section(models.TextChoices):
        CUSTODY = "custody", "Police custody episodes"
        SCREENING = "screening", "Appropriate adult form screening"
        PACE = "pace", "PACE accommodation requests"
        COURT = "court", "Court appearances and bail"
        REMAND = "remand", "Remands"
        ORDERS = "orders", "Orders and sentences"
        PREVENTION = "prevention", "Prevention and diversion"
        HSB = "hsb", "Harmful sexual behaviour hub"
        INCIDENTS = "incidents", "Serious incidents"
        JOINT = "joint", "Lead agency and joint working disagreements"
        CUSTODY_CARE = "custody_care", "Care of a child in youth detention"

    authority = models.OneToOneField(
        "accounts.Authority", on_delete=models.CASCADE, related_name="joint_working_protocol"
    )
    # 000 ¶18.9 (Lancashire): looked after only when the authority decides the placement;
    # Somerset (003 L150) treats bail to reside as looked after always.
    bail_to_reside = models.CharField(
        max_length=25, choices=BailToReside.choices, default=BailToReside.WHEN_AUTHORITY_PLACES
    )
    # 000 ¶20.2: a child under 16 accommodated under s20 stops being looked after on a custodial
    # sentence. Somerset states no age limit (empty = any age).
    section_20_ends_on_custody_under = models.PositiveSmallIntegerField(null=True, blank=True, default=16)
    # 000 ¶20.5: CSC stays open (a waiting period) after a DTO/s250 where it was significantly involved;
    # Somerset has no such period. How long is the timescale rule's (`csc_open_after_custody`, 3 months;
    # an authority wanting another number adds an override for it in notifications/data/timescales.toml).
    csc_stays_open_after_custody = models.BooleanField(
        default=True,
        help_text="Children's social care stays open after a DTO or section 250 sentence where it was significantly "
        "involved (for how long: the timescale rule csc_open_after_custody)",
    )
    csc_reads = models.JSONField(
        default=default_csc_reads, blank=True, help_text="Which youth justice sections CSC workers may read"
    )
    # The steps a joint working disagreement escalates through (see LANCASHIRE_DISAGREEMENT_LADDER).
    # A disagreement copies the steps when it is raised, so changing this moves no running one.
    disagreement_ladder = models.JSONField(
        default=default_disagreement_ladder,
        blank=True,
        help_text='Escalation steps, in order: [{"label": ..., "roles": ["team_manager"], "side": "other"}]. '
        "Side: other, raising, csc or cyjs.",
    )
    # Lancashire keeps escalation records "NOT on a child's record unless relevant" (000 appendix
    # L9763): False. True puts disagreements on the child's chronology for whoever reads the joint section.
    disagreements_on_record = models.BooleanField(
        default=False, help_text="Show joint working disagreements on the child's chronology"
    )
    # 003 L162 (S-T4, S-T5): Somerset's local custody clocks, the custody (DTO) planning meeting in 10
    # working days and the joint CSC and YJS visit in 7 working days; and 003 L189–199 (S-T11): the
    # nine things the child is told no later than 14 days before release (casework/orders/services.py;
    # Lancashire has the 21-day resettlement plan instead, 000 ¶20.8). Off by default: Lancashire's
    # agreement has neither (000 ¶19.3, ¶20 leave custody care to "statutory timescales"). The looked
    # after review and statutory visit clocks are national care planning duties and run everywhere
    # (casework/custody_care/services.py).
    custody_local_clocks = models.BooleanField(
        default=False,
        help_text="Somerset's local custody clocks: the custody planning meeting (10 working days), the joint CSC and youth justice visit (7 working days) and telling the child the nine release items (14 days before release)",
    )
    # 000 ¶9.3 (Lancashire): the CSC social worker attends court with any child in care.
    # 003 L116 (Somerset): CSC attends where it has parental responsibility by an interim or full care order.
    csc_attends_court = models.CharField(
        max_length=15, choices=CscAttendsCourt.choices, default=CscAttendsCourt.LOOKED_AFTER
    )
    # 000 ¶12.2: "the CYJS Team Manager with lead responsibility for PACE bed transfers" is told of any
    # child held inappropriately in police custody. Empty: the recording worker's own CYJS team manager.
    pace_transfer_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="PACE transfer lead",
        help_text="The CYJS manager told when a child stays in police custody instead of moving to accommodation. "
        "Leave empty to tell the recording worker's team manager.",
    )

    class Meta:
        verbose_name = "joint working protocol"

    def __str__(self):
        return f"Joint working protocol: {self.authority}"

    def clean(self):
        super().clean()
        errors = {}  # every setting's problem at once
        for check in (self.clean_pace_transfer_lead, self.clean_disagreement_ladder):
            try:
                check()
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)

    def clean_disagreement_ladder(self):
        """At least one step, each with a label and known roles (somerset-vs-lancashire §1.15)."""
        errors = disagreement_ladder_errors(self.disagreement_ladder)
        if errors:
            raise ValidationError({"disagreement_ladder": errors})

    def clean_pace_transfer_lead(self):
        """The PACE transfer lead (000 ¶12.2) is an active CYJS manager of this authority."""
        lead = self.pace_transfer_lead
        if lead is None:
            return
        agency = lead.agency if lead.agency_id else None
        if (
            not lead.is_active
            or not lead.is_manager
            or agency is None
            or agency.kind != "cyjs"  # accounts.Agency.Kind.CYJS
            or (self.authority_id is not None and agency.authority_id != self.authority_id)
        ):
            raise ValidationError(
                {"pace_transfer_lead": "Choose an active manager in this authority's child and youth justice service"}
            )


class CustodyEpisode(models.Model):
    """A child detained by the police (000 ¶10–11)."""

    class AppropriateAdult(models.TextChoices):
        PARENT_OR_CARER = "parent_or_carer", "Parent or carer"
        AA_SERVICE = "aa_service", "Appropriate adult service"
        SOCIAL_WORKER = "social_worker", "Social worker"
        OTHER = "other", "Someone else"
        NONE = "none", "No appropriate adult"

    class Outcome(models.TextChoices):
        RELEASED_NFA = "released_nfa", "Released, no further action"
        RELEASED_UNDER_INVESTIGATION = "released_ui", "Released under investigation"
        BAILED = "bailed", "Bailed"
        OUT_OF_COURT = "out_of_court", "Out-of-court outcome"
        CHARGED_BAILED = "charged_bailed", "Charged and bailed to court"
        CHARGED_DETAINED = "charged_detained", "Charged and kept in custody for court"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="custody_episodes")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    arrested_at = models.DateTimeField()
    custody_suite = models.CharField(max_length=200)
    offence_summary = models.TextField(blank=True)
    seen_by_liaison_and_diversion = models.BooleanField(null=True)
    appropriate_adult = models.CharField(max_length=20, choices=AppropriateAdult.choices, blank=True)
    appropriate_adult_name = models.CharField(max_length=200, blank=True)
    # 000 ¶10.1 / L2539: did the police complete a Police Safeguarding Report?
    police_safeguarding_report = models.BooleanField(null=True)
    strip_searched = models.BooleanField(default=False)
    left_custody_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-arrested_at"]

    def __str__(self):
        return f"Police custody from {timezone.localdate(self.arrested_at):%-d %b %Y}"


class AppropriateAdultScreening(models.Model):
    """A CYJS duty worker's screening of the appropriate adult's outcome form (000 ¶11.3, L2499–2625)."""

    class Route(models.TextChoices):
        ALLOCATED_WORKER = "allocated_worker", "Shared with the allocated CSC worker"
        OTHER_AUTHORITY = "other_authority", "Shared with the child's home authority"
        MASH = "mash", "Referred to MASH (level 4)"
        EARLY_HELP = "early_help", "Request for support (levels 2 and 3)"
        NONE = "none", "No safeguarding concern: recorded only"

    class Consent(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        NOT_SOUGHT = "not_sought", "Not sought: asking would put someone at risk or harm an investigation"
        UNCONTACTABLE = "uncontactable", "Could not contact the family"
        NOT_NEEDED = "not_needed", "Not needed (no referral)"

    episode = models.OneToOneField(CustodyEpisode, on_delete=models.PROTECT, related_name="screening")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="aa_screenings")
    form_received_at = models.DateTimeField()
    concern_flagged_by_aa = models.BooleanField(default=False)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    known_to_csc = models.BooleanField(null=True)
    known_to_cyjs = models.BooleanField(null=True)
    route = models.CharField(max_length=20, choices=Route.choices, blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices, blank=True)
    consent_reason = models.TextField(blank=True)
    findings = models.TextField(blank=True)
    # The contact sent to MASH, or the allocated worker told.
    contact = models.OneToOneField(
        "referrals.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="aa_screening"
    )
    shared_with = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-form_received_at"]

    def __str__(self):
        return f"Appropriate adult's form received {timezone.localdate(self.form_received_at):%-d %b %Y}"


class PaceAccommodationRequest(models.Model):
    """Accommodation for a charged child denied bail (000 ¶12, PACE bed appendix PB1–PB6;
    Concordat on Children in Custody)."""

    class Outcome(models.TextChoices):
        HOME = "home", "Went home"
        ALTERNATIVE = "alternative", "Alternative placement (family or friends)"
        NON_SECURE_BED = "non_secure", "Non-secure PACE bed"
        SECURE_BED = "secure", "Secure PACE bed"
        REMAINED_IN_CUSTODY = "remained", "Remained in police custody"

    episode = models.ForeignKey(CustodyEpisode, on_delete=models.PROTECT, related_name="pace_requests")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="pace_requests")
    requested_at = models.DateTimeField()
    # In office hours the police ask CYJS; otherwise the emergency duty team (000 ¶12.1, PB1–PB2).
    in_office_hours = models.BooleanField()
    requested_of = models.CharField(
        max_length=100, help_text="The team asked: CYJS in office hours, else the emergency duty team"
    )
    secure_requested = models.BooleanField(default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why, especially when the child stayed in custody")
    # 000 ¶12.2: the CYJS team manager leading PACE transfers is told of any child held inappropriately.
    held_inappropriately = models.BooleanField(default=False)
    manager_told = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalation_notes = models.TextField(blank=True, help_text="Monitoring and escalation (PB6)")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"PACE accommodation request on {timezone.localdate(self.requested_at):%-d %b %Y}"


class CourtAppearance(models.Model):
    """A criminal court hearing (000 ¶9.3, ¶17)."""

    class Outcome(models.TextChoices):
        ADJOURNED_BAIL = "adjourned_bail", "Adjourned: bail"
        ADJOURNED_BAIL_SUPERVISION = "adjourned_bss", "Adjourned: bail with supervision and support"
        BAIL_TO_RESIDE = "bail_to_reside", "Adjourned: bail to live where the authority directs"
        REMAND_LA = "remand_la", "Remanded to local authority accommodation"
        REMAND_YDA = "remand_yda", "Remanded to youth detention accommodation"
        SENTENCED = "sentenced", "Sentenced"
        DISMISSED = "dismissed", "Not guilty or dismissed"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="court_appearances")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    hearing_at = models.DateTimeField()
    court = models.CharField(max_length=200)
    purpose = models.CharField(max_length=200, blank=True)
    # 000 ¶9.3: for a looked-after child the CSC social worker is told as soon as the hearing is known,
    # and attends.
    child_looked_after = models.BooleanField(default=False)
    csc_worker_told_at = models.DateTimeField(null=True, blank=True)
    # Whether the CSC social worker is expected at court, by the authority's rule (000 ¶9.3; 003 L116).
    csc_attendance_expected = models.BooleanField(default=False)
    csc_worker_attended = models.BooleanField(null=True)
    # 000 ¶17.1: every child at risk of being refused bail is assessed for bail supervision and support.
    risk_of_remand = models.BooleanField(default=False)
    bail_supervision_assessed = models.BooleanField(null=True)
    csc_told_of_remand_risk_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    next_hearing_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-hearing_at"]

    def __str__(self):
        return f"Court hearing on {timezone.localdate(self.hearing_at):%-d %b %Y}"


class Remand(models.Model):
    """Remand to local authority accommodation, bail to reside as directed, or remand to
    youth detention accommodation (000 ¶18–19; LASPO 2012)."""

    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "local_authority", "Remand to local authority accommodation"
        BAIL_TO_RESIDE = "bail_to_reside", "Bail to live where the authority directs"
        YOUTH_DETENTION = "youth_detention", "Remand to youth detention accommodation"

    class Placement(models.TextChoices):
        # 000 ¶18.3, ¶18.5
        FOSTER_CARE = "foster_care", "Foster care"
        CONNECTED_PERSON = "connected_person", "Connected person (regulation 24)"
        RESIDENTIAL = "residential", "Children's home"
        SUPPORTED_LODGINGS = "supported_lodgings", "Supported lodgings"
        HOME = "home", "At home"

    class Establishment(models.TextChoices):
        # 000 ¶19.2
        YOI = "yoi", "Young offender institution"
        STC = "stc", "Secure training centre"
        SCH = "sch", "Secure children's home"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="remands")
    appearance = models.ForeignKey(
        CourtAppearance, null=True, blank=True, on_delete=models.SET_NULL, related_name="remands"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    looked_after = models.BooleanField()
    # The CSC looked-after involvement this remand opened; empty when the child was already
    # looked after (s20 or a care order), whose involvement outlives the remand.
    cla_involvement = models.ForeignKey(
        "casework.Involvement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    authority_decides_placement = models.BooleanField(default=True)
    placement = models.CharField(max_length=20, choices=Placement.choices, blank=True)
    establishment = models.CharField(max_length=5, choices=Establishment.choices, blank=True)
    establishment_name = models.CharField(max_length=200, blank=True)
    joint_discussion_at = models.DateTimeField(
        null=True, blank=True, help_text="CYJS and CSC discussed needs and risk (000 ¶18.2)"
    )
    task_split = models.TextField(
        blank=True, help_text="Who does what, agreed at the care planning meeting (000 ¶18.11)"
    )
    placement_planning_meeting_on = models.DateField(null=True, blank=True)
    leaving_care_considered = models.BooleanField(default=False)
    # 000 ¶19.2: accommodation must never be the only reason a child stays on secure remand.
    accommodation_only_reason = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="youth_detention") | ~models.Q(establishment=""),
                name="youth_detention_remand_has_establishment",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
                name="remand_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started_on:%-d %b %Y}"


class YouthJusticeOrder(models.Model):
    """An out-of-court outcome, court order or sentence (000 ¶15–16, ¶20)."""

    class Kind(models.TextChoices):
        COMMUNITY_RESOLUTION = "community_resolution", "Community resolution"
        YOUTH_CAUTION = "youth_caution", "Youth caution"
        YOUTH_CONDITIONAL_CAUTION = "youth_conditional_caution", "Youth conditional caution"
        REFERRAL_ORDER = "referral_order", "Referral order"
        YOUTH_REHABILITATION_ORDER = "yro", "Youth rehabilitation order"
        CRIMINAL_BEHAVIOUR_ORDER = "cbo", "Criminal behaviour order"
        SEXUAL_RISK_ORDER = "sro", "Sexual risk order"
        SEXUAL_HARM_PREVENTION_ORDER = "shpo", "Sexual harm prevention order"
        DETENTION_AND_TRAINING_ORDER = "dto", "Detention and training order"
        SECTION_250 = "s250", "Detention under section 250"

    CUSTODIAL = frozenset({"dto", "s250"})
    # 000 ¶16.1: police consult CYJS before applying for these.
    CONSULTED_BEFORE_APPLYING = frozenset({"cbo", "sro", "shpo"})

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="youth_justice_orders")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    appearance = models.ForeignKey(
        CourtAppearance, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    # The CYJS involvement the order opened or joined; ending the order ends it (unless another open order shares it).
    involvement = models.ForeignKey(
        "casework.Involvement", null=True, blank=True, on_delete=models.SET_NULL, related_name="youth_justice_orders"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    made_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    requirements = models.TextField(
        blank=True, help_text="For example, the requirements of a youth rehabilitation order"
    )
    # 000 ¶16.1
    police_consulted_cyjs_on = models.DateField(null=True, blank=True)
    mash_consulted_on = models.DateField(null=True, blank=True)
    # Custodial sentences (000 ¶20)
    expected_release_on = models.DateField(null=True, blank=True)
    establishment_name = models.CharField(max_length=200, blank=True)
    csc_significantly_involved = models.BooleanField(default=False)
    section_20_ended = models.BooleanField(default=False)
    section_23za_visits = models.TextField(
        blank=True, help_text="The visiting duty for a child no longer accommodated (s23ZA)"
    )
    virtual_school_told_on = models.DateField(null=True, blank=True)
    resettlement_plan_completed_on = models.DateField(null=True, blank=True)
    post_release_accommodation = models.CharField(max_length=200, blank=True)
    # 003 L189–199 (Somerset, S-T11): what the child has been told about release, one entry an item:
    # {"item": code, "told_on": "YYYY-MM-DD", "told_by": who told them, "recorded_by": user id}.
    # The items are casework.orders.services.RELEASE_ITEMS.
    release_information = models.JSONField(default=list, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-made_on", "-id"]
        verbose_name = "youth justice order"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind__in=["dto", "s250"]) | models.Q(expected_release_on__isnull=False),
                name="custodial_order_has_release_date",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} made {self.made_on:%-d %b %Y}"

    @property
    def is_custodial(self):
        return self.kind in self.CUSTODIAL
