"""Prevention and diversion, the harmful sexual behaviour hub, serious incidents and the lead
agency for jointly worked children (seed 000 ¶2.3, ¶7, ¶13–14, ¶21 and its appendices;
seed 003 ¶2.3–2.7, ¶11; domain notes part A P8–P11, P19–P20, P27 and part B PP, PH, PE).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .justice import default_disagreement_ladder


class PreventionReferral(models.Model):
    """A referral to CYJS prevention or diversion (000 ¶13–14; part B PP1–PP6, form FB4)."""

    class Route(models.TextChoices):
        PREVENTION = "prevention", "Prevention"
        DIVERSION = "diversion", "Diversion (after an offence)"
        CHILD_RESOLUTION_PANEL = "crp", "Child resolution panel"

    class Source(models.TextChoices):
        POLICE = "police", "Police"
        CSC = "csc", "Children's social care"
        SCHOOL = "school", "School or college"
        HEALTH = "health", "Health"
        OTHER = "other", "Another agency"

    class Outcome(models.TextChoices):
        # 000 ¶13.3–13.4, ¶14.2–14.3; part A P19 table
        NO_FURTHER_ACTION = "nfa", "No further action (signposted)"
        CYJS_PREVENTION = "cyjs_prevention", "CYJS prevention assessment and plan (CYJS leads)"
        CONSULTATION_BOLT_ON = "bolt_on", "Consultation and support added to CSC's plan (CSC stays lead)"
        DIVERTED_TO_CSC = "diverted_to_csc", "Diverted to CSC, which holds the assessment and plan"
        REQUEST_FOR_SUPPORT = "request_for_support", "Whole-family work: request for support to CSC"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="prevention_referrals")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=20, choices=Route.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    referrer_name = models.CharField(max_length=200)
    received_on = models.DateField()
    reasons = models.TextField()
    # The service is voluntary: the child and parent or carer consent (part B PP5).
    consent_given = models.BooleanField(null=True)
    radicalisation_concern = models.BooleanField(default=False)
    prevent_referral_on = models.DateField(
        null=True, blank=True, help_text="Prevent / Channel referral made (000 ¶4.8, ¶14.6)"
    )
    panel_on = models.DateField(null=True, blank=True)
    screened_on = models.DateField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=25, choices=Outcome.choices, blank=True)
    outcome_reasons = models.TextField(blank=True)
    prevention_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The contact made to CSC when whole-family work is needed.
    request_for_support = models.OneToOneField(
        "referrals.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="prevention_referral"
    )
    follow_ups = models.TextField(blank=True, help_text="6- and 12-week check-ins with the receiving agency (PP6)")
    # The youth justice prevention involvement this referral opened or joined (set where it is opened);
    # closing the referral ends it (casework.prevention.services.close_referral).
    involvement = models.ForeignKey(
        "casework.Involvement", null=True, blank=True, on_delete=models.SET_NULL, related_name="prevention_referrals"
    )
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return f"Prevention and diversion referral received {self.received_on:%-d %b %Y}"


class HsbConsultation(models.Model):
    """A request to the CYJS harmful sexual behaviour hub and what follows (part B PH0–PH5)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        REFUSED = "refused", "Not accepted"
        CONSULTATION = "consultation", "Consultation"
        PATTERN_MAPPING = "pattern_mapping", "Pattern mapping"
        AIM_ASSESSMENT = "aim_assessment", "AIM assessment"
        PLANNING = "planning", "Outcome and planning"
        CLOSED = "closed", "Closed"

    class Hackett(models.TextChoices):
        # Hackett's continuum (2010/2014), used by the hub (PH0, PH2)
        NORMAL = "normal", "Normal"
        INAPPROPRIATE = "inappropriate", "Inappropriate"
        PROBLEMATIC = "problematic", "Problematic"
        ABUSIVE = "abusive", "Abusive"
        VIOLENT = "violent", "Violent"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="hsb_consultations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_on = models.DateField()
    behaviour_last_on = models.DateField(help_text="When the most recent behaviour happened")
    lives_in_authority = models.BooleanField()
    police_investigation_ongoing = models.BooleanField(default=False)
    concerns = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    refusal_reason = models.TextField(blank=True)
    consultation_on = models.DateField(null=True, blank=True)
    hackett = models.CharField(max_length=15, choices=Hackett.choices, blank=True)
    consultation_outcome = models.TextField(blank=True)
    pattern_mapping_on = models.DateField(null=True, blank=True)
    aim_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_meeting_with_child_on = models.DateField(null=True, blank=True)
    aim_completed_on = models.DateField(null=True, blank=True)
    qa_cyjs_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    qa_csc_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planning_meeting_on = models.DateField(null=True, blank=True)
    areas_of_work = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # Who recorded each step and when: [{"step": "consultation", "by": user id, "at": ISO time}, ...]
    # (names are looked up when shown, not copied here).
    history = models.JSONField(default=list, blank=True, help_text="Each step: who recorded it and when")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = "harmful sexual behaviour consultation"

    def __str__(self):
        return f"Harmful sexual behaviour consultation requested {self.requested_on:%-d %b %Y}"


class SeriousIncident(models.Model):
    """A serious incident: the authority's briefing, the YJB notification and MAPPA
    (000 ¶7 and its appendices, forms F3/F4; 003 ¶11)."""

    class Category(models.TextChoices):
        # 000 L885–929 (2023 list), "for monitoring purposes"
        DEATH_OR_SERIOUS_HARM_ABUSE = (
            "death_or_harm_abuse",
            "Died or seriously harmed, abuse or neglect known or suspected",
        )
        LOOKED_AFTER_DEATH = "looked_after_death", "A looked-after child died"
        ASSAULTED = "assaulted", "Seriously harmed after a violent or sexual assault"
        SUBSTANCES_SELF_HARM = "substances_self_harm", "Serious harm from substances, self-harm, accident or illness"
        MENTAL_HEALTH_ACT = "mental_health_act", "Detained under the Mental Health Act (s2 or s3)"
        MEDIA = "media", "Media attention"
        UNEXPLAINED_DEATH = "unexplained_death", "Sudden unexplained death"
        FORCED_MARRIAGE = "forced_marriage", "Forced marriage: leaving or left the country"
        RADICALISATION = "radicalisation", "Extremism: leaving or left the country"
        SERIOUS_OFFENCE = "serious_offence", "A very serious offence involving the child"
        SECURE_WELFARE = "secure_welfare", "In secure accommodation on welfare grounds"
        MISSING_24H = "missing_24h", "Missing over 24 hours with significant welfare concerns"
        FGM = "fgm", "Female genital mutilation"
        MAPPA_SFO = "mappa_sfo", "MAPPA serious further offence"
        LADO = "lado", "Designated officer case with media interest or wider risk"

    class KnownTo(models.TextChoices):
        # 000 ¶7.2–7.3: who completes the briefing
        CYJS_ONLY = "cyjs_only", "Known to CYJS only: CYJS completes it"
        CSC = "csc", "Known to CSC: the CSC social worker completes it"
        NEITHER = "neither", "Known to neither: MASH leads"

    class Status(models.TextChoices):
        DRAFT = "draft", "Being written"
        VERIFIED = "verified", "Criteria checked by the team manager"
        QUALITY_ASSURED = "quality_assured", "Quality assured"
        SUBMITTED = "submitted", "Submitted"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="serious_incidents")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    occurred_at = models.DateTimeField()
    aware_at = models.DateTimeField(help_text="When the service became aware")
    # The YJB and MAPPA notices count from the charge (003 L235, 000 L1151): none runs until it is recorded.
    charged_at = models.DateTimeField(
        null=True, blank=True, help_text="When the child was charged; the YJB and MAPPA notices count from it"
    )
    category = models.CharField(max_length=25, choices=Category.choices)
    summary = models.TextField()
    known_to = models.CharField(max_length=10, choices=KnownTo.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    quality_assured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quality_assured_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # YJB criteria apply at charge (000 L877, L1035–1051); the authority's at arrest.
    yjb_notifiable = models.BooleanField(default=False)
    yjb_notified_at = models.DateTimeField(null=True, blank=True)
    csc_told_at = models.DateTimeField(null=True, blank=True)
    open_under_mappa = models.BooleanField(default=False)
    mappa_notified_at = models.DateTimeField(null=True, blank=True)
    panel_notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the local authority notified the national safeguarding panel"
    )
    immediate_actions = models.TextField(blank=True)
    learning = models.TextField(blank=True, help_text="Case audit, action or learning plan (000 L997)")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [models.Index(fields=["agency", "occurred_at"], name="serious_incident_period_idx")]

    def __str__(self):
        return f"Serious incident on {timezone.localdate(self.occurred_at):%-d %b %Y}"


class LeadAgencyDecision(models.Model):
    """Which agency leads for a jointly worked child, and why (000 ¶2.3, ¶21.1; 003 ¶2.3–2.6)."""

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="lead_agency_decisions")
    lead_agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    reasons = models.TextField()
    decided_on = models.DateField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    planning_meeting_on = models.DateField(null=True, blank=True)
    task_split = models.TextField(blank=True, help_text="Who does what, agreed at the planning meeting")
    review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self):
        return f"Lead agency decision of {self.decided_on:%-d %b %Y}"


class JointWorkingDisagreement(models.Model):
    """A disagreement between CSC and CYJS, escalated through both line-management chains
    (000 ¶21.1; part B PE stages 1–4; 003 ¶2.7)."""

    class Stage(models.IntegerChoices):
        # Lancashire's default ladder (JointWorkingProtocol.disagreement_ladder); an authority's own
        # ladder may have other steps, so `stage` is a position in `steps`, not one of these.
        TEAM_MANAGERS = 1, "Team managers"
        SENIOR_MANAGER_REVIEW = 2, "Senior manager review (raising agency)"
        SENIOR_MANAGERS = 3, "Senior managers of both agencies"
        HEADS_OF_SERVICE = 4, "Heads of service"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="joint_disagreements")
    decision = models.ForeignKey(
        LeadAgencyDecision, null=True, blank=True, on_delete=models.SET_NULL, related_name="disagreements"
    )
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    about = models.TextField()
    # The current step: 1 is the first of `steps`.
    stage = models.PositiveSmallIntegerField(default=1)
    # The authority's ladder when it was raised (JointWorkingProtocol.disagreement_ladder), copied so a
    # later change to the setting moves no running disagreement.
    steps = models.JSONField(default=list, blank=True, help_text="The escalation steps this disagreement follows")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = models.JSONField(default=list, blank=True, help_text="Each stage's response: who, when, what")
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-raised_at"]

    def __str__(self):
        return f"Joint working disagreement raised {timezone.localdate(self.raised_at):%-d %b %Y}"

    @property
    def ladder_steps(self) -> list[dict]:
        return self.steps or default_disagreement_ladder()

    @property
    def stage_label(self) -> str:
        steps = self.ladder_steps
        return steps[self.stage - 1]["label"] if 1 <= self.stage <= len(steps) else f"Stage {self.stage}"
