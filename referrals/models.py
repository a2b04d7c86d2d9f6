"""The front door: contacts, MASH triage, agency checks, decisions, feedback and disagreement.

Sources: Working Together 2013 ch.1 (seed 001 L1665–1670, L1805, L1845–1866)
for the one-working-day decision and feedback to the referrer; seed 000 ¶4.1–4.2
(consent and telling the family), ¶8.2–8.6 (MASH, the CYJS check, the 3-day
outcome to CYJS, escalation) and ¶11.3 (custody screenings arrive as contacts).
RAG ratings and their working-hour targets are local configuration, not statute
(working-together notes §3.3).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from returns import codes


class ConcernCategory(models.TextChoices):
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    NEGLECT = "neglect", "Neglect"
    CSE = "cse", "Child sexual exploitation"
    CCE = "cce", "Child criminal exploitation"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    HSB = "hsb", "Harmful sexual behaviour"
    MISSING = "missing", "Missing"
    MENTAL_HEALTH = "mental_health", "Mental health"
    RADICALISATION = "radicalisation", "Radicalisation"
    HOMELESS_16_17 = "homeless_16_17", "Homelessness at 16 or 17"
    OTHER = "other", "Other"


class Contact(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DECIDED = "decided", "Decided"

    class Source(models.TextChoices):
        PROFESSIONAL = "professional", "Professional (form)"
        PARTNER_API = "partner_api", "Partner system"
        POLICE_CUSTODY = "police_custody", "Police custody"
        PUBLIC = "public", "Member of the public"

    class Consent(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        NOT_SOUGHT = "not_sought", "Not sought: asking would put the child at risk or harm a police investigation"
        # 000 L2601: where consent was not obtained, say why, e.g. "unable to contact family".
        UNCONTACTABLE = "uncontactable", "Could not contact the family"

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        NONE = "none", "No target"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PROFESSIONAL)

    # Who is referring. A practitioner signed in here is linked; a partner system gives the details.
    referrer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts_made"
    )
    referrer_name = models.CharField(max_length=150, blank=True)
    referrer_agency = models.CharField(max_length=150, blank=True)
    referrer_role = models.CharField(max_length=150, blank=True)
    referrer_contact = models.CharField(max_length=200, blank=True, help_text="How to reach them")
    # The census's referral source (DfE code), prefilled from the referrer's agency.
    referral_source = models.CharField(max_length=2, choices=codes.referral_source_choices, blank=True)

    household = models.JSONField(default=list, blank=True, help_text="Other children and adults in the household")
    concerns = models.TextField(blank=True)
    categories = models.JSONField(default=list, blank=True)
    referrer_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Level of need the referrer thinks applies"
    )
    consent = models.CharField(max_length=20, choices=Consent.choices, default=Consent.GIVEN)
    consent_reason = models.TextField(blank=True)

    # Triage.
    rag = models.CharField(max_length=6, choices=Rag.choices, blank=True)
    rag_rationale = models.TextField(blank=True)
    allocated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts_allocated"
    )
    # Where the contact sits: MASH, or the allocated social worker's team when the child is open to CSC (000 ¶8.4).
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts")
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    version = models.PositiveIntegerField(default=1)
    # Kept with the contact so the triage queue sorts and filters on one indexed table:
    # the one-working-day decision clock's due moment, and the RAG as a sort rank.
    decision_due_at = models.DateTimeField(null=True, blank=True)
    rag_rank = models.PositiveSmallIntegerField(
        default=4, help_text="0 red, 1 amber, 2 green, 3 no target, 4 not rated"
    )

    RAG_RANKS = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, Rag.NONE: 3, "": 4}

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["child", "status", "decided_at"], name="contact_access_idx"),
            models.Index(
                fields=["agency", "rag_rank", "decision_due_at", "received_at", "id"],
                name="contact_triage_idx",
                condition=models.Q(status="open"),
            ),
            models.Index(
                fields=["team", "rag_rank", "decision_due_at", "received_at", "id"],
                name="contact_team_triage_idx",
                condition=models.Q(status="open"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", decided_at__isnull=True)
                | models.Q(status="decided", decided_at__isnull=False),
                name="contact_decided_has_time",
            )
        ]

    def __str__(self):
        return f"Contact received {timezone.localdate(self.received_at):%-d %b %Y}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class IdempotencyKey(models.Model):
    """A partner system's Idempotency-Key: the same key and body return the first contact."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self):
        return f"Idempotency key of contact {self.contact_id}"


class RagChange(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="rag_changes")
    from_rag = models.CharField(max_length=6, blank=True)
    to_rag = models.CharField(max_length=6)
    rationale = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at"]

    def __str__(self):
        rating = dict(Contact.Rag.choices).get(self.to_rag, self.to_rag)
        return f"RAG changed to {rating} on {timezone.localdate(self.changed_at):%-d %b %Y}"


class AgencyCheck(models.Model):
    """MASH asks a partner agency what it knows; the CYJS check answers itself (000 ¶8.3)."""

    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        HEALTH = "health", "Health"
        EDUCATION = "education", "Education"
        CYJS = "cyjs", "Child and youth justice service"
        CSC = "csc", "Children's social care history"

    class Result(models.TextChoices):
        PENDING = "pending", "Waiting for a response"
        KNOWN_NOW = "known_now", "Known now"
        KNOWN_RECENTLY = "known_recently", "Known within the past 6 months"
        NOT_KNOWN = "not_known", "Not known"
        ANSWERED = "answered", "Answered"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    result = models.CharField(max_length=16, choices=Result.choices, default=Result.PENDING)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [models.UniqueConstraint(fields=["contact", "kind"], name="agency_check_once_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} check requested {timezone.localdate(self.requested_at):%-d %b %Y}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        NFA_SIGNPOST = "nfa_signpost", "No further action, with signposting"
        EARLY_HELP = "early_help", "Early help"
        ASSESSMENT = "assessment", "Assessment under section 17"
        STRATEGY_DISCUSSION = (
            "strategy_discussion",
            "Strategy discussion (reasonable cause to suspect significant harm)",
        )
        IMMEDIATE_PROTECTION = "immediate_protection", "Immediate protection"
        CYJS_PREVENTION = "cyjs_prevention", "Refer to CYJS prevention"

    # The outcomes that take a contact on as a referral to children's social care (the census's
    # referrals, and the dashboard's).
    REFERRAL_OUTCOMES = (Outcome.ASSESSMENT, Outcome.STRATEGY_DISCUSSION, Outcome.IMMEDIATE_PROTECTION)

    contact = models.OneToOneField(Contact, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=24, choices=Outcome.choices)
    # The census's primary need code (DfE N0–N9), asked when the contact becomes a referral.
    primary_need = models.CharField(max_length=2, choices=codes.primary_need_choices, blank=True)
    rationale = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Decision of {timezone.localdate(self.decided_at):%-d %b %Y}: {self.get_outcome_display()}"


class Feedback(models.Model):
    """What the referrer was told, in plain words."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="feedback")
    outcome = models.TextField()
    reasons = models.TextField()
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at"]

    def __str__(self):
        return f"Feedback to the referrer on {timezone.localdate(self.sent_at):%-d %b %Y}"


class Disagreement(models.Model):
    """A referrer challenges a decision; it climbs one stage at a time (000 ¶8.6)."""

    class Stage(models.IntegerChoices):
        PRACTITIONER = 1, "Practitioner"
        TEAM_MANAGER = 2, "Team manager"
        SENIOR_MANAGER = 3, "Senior manager"
        HEAD_OF_SERVICE = 4, "Head of service"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="disagreements")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    reason = models.TextField()
    stage = models.PositiveSmallIntegerField(choices=Stage.choices, default=Stage.PRACTITIONER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Challenge to a decision raised {timezone.localdate(self.raised_at):%-d %b %Y}"


class DisagreementResponse(models.Model):
    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="responses")
    stage = models.PositiveSmallIntegerField(choices=Disagreement.Stage.choices)
    response = models.TextField()
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField()

    class Meta:
        ordering = ["responded_at"]

    def __str__(self):
        return f"{self.get_stage_display()}'s response on {timezone.localdate(self.responded_at):%-d %b %Y}"
