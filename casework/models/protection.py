"""Strategy discussions and section 47 enquiries (seed 001 L1925–1997; working-together notes §1.5–1.6;
seed 000 ¶4.4–4.5 for CYJS's part and harmful sexual behaviour)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class StrategyDiscussion(models.Model):
    """A strategy discussion to be held, or held. There may be several for one episode (001 L1927).

    The front door creates a pending one when MASH decides there is reasonable
    cause to suspect significant harm; an assessment can lead to one too.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "To be held"
        HELD = "held", "Held"

    class Format(models.TextChoices):
        MEETING = "meeting", "Meeting"
        PHONE = "phone", "Phone calls"
        MIXED = "mixed", "Meeting and phone calls"

    class RiskLevel(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="strategy_discussions")
    contact = models.ForeignKey(
        "referrals.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="strategy_discussions"
    )
    assessment = models.ForeignKey(
        "casework.Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="strategy_discussions"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    held_at = models.DateTimeField(null=True, blank=True)
    format = models.CharField(max_length=10, choices=Format.choices, blank=True)
    # Harmful sexual behaviour: the discussion is due 24 hours from disclosure (000 ¶4.5).
    about_harmful_sexual_behaviour = models.BooleanField(default=False)
    disclosed_at = models.DateTimeField(null=True, blank=True)
    information_shared = models.TextField(blank=True)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    # The decision: None until the discussion is recorded as held.
    initiates_section_47 = models.BooleanField(null=True)
    decision_rationale = models.TextField(blank=True)
    criminal_investigation = models.BooleanField(null=True)
    criminal_investigation_notes = models.TextField(blank=True)
    legal_action_needed = models.BooleanField(null=True)
    # 001 L1961: what is not shared with the child and family, and why.
    withheld_from_family = models.TextField(blank=True)
    withheld_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="held")
                | (models.Q(held_at__isnull=False) & models.Q(initiates_section_47__isnull=False)),
                name="strategy_discussion_held_has_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(withheld_from_family="") | ~models.Q(withheld_reason=""),
                name="strategy_discussion_withheld_has_reason",
            ),
        ]

    def __str__(self):
        when = f"{timezone.localdate(self.held_at):%-d %b %Y}" if self.held_at else "to be held"
        return f"Strategy discussion {when}"


class Section47Enquiry(models.Model):
    """Enquiries under section 47, started by the strategy discussion that decided on them.

    The initial conference is due 15 working days from that discussion (001 L2001),
    so the `icpc` clock belongs to this record.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CONCLUDED = "concluded", "Concluded"

    class Outcome(models.TextChoices):
        SUBSTANTIATED = "substantiated", "Concerns substantiated: hold an initial child protection conference"
        NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"

    class NextStep(models.TextChoices):
        # Where concerns are not substantiated (001 L1994–1997).
        CHILD_IN_NEED_PLAN = "cin_plan", "Child in need plan"
        SUPPORT_SERVICES = "support", "Support services"
        NO_FURTHER_ACTION = "nfa", "No further action"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="section_47_enquiries")
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="section_47_enquiry"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    started_on = models.DateField()
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joint_with_police = models.BooleanField(default=False)
    child_seen_on = models.DateField(null=True, blank=True)
    enquiries_summary = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_rationale = models.TextField(blank=True)
    next_step = models.CharField(max_length=10, choices=NextStep.choices, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="concluded") | (~models.Q(outcome="") & ~models.Q(outcome_rationale="")),
                name="s47_concluded_has_outcome",
            )
        ]

    def __str__(self):
        return f"Section 47 enquiry from {self.started_on:%-d %b %Y}"


class ConferenceRequest(models.Model):
    """Another professional asks for a conference after CSC decided not to hold one (001 L1992)."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for a response"
        AGREED = "agreed", "Agreed: a conference will be held"
        DECLINED = "declined", "Declined"

    enquiry = models.ForeignKey(Section47Enquiry, on_delete=models.PROTECT, related_name="conference_requests")
    requested_by_name = models.CharField(max_length=200)
    requested_by_organisation = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self):
        return f"Request for a conference on {timezone.localdate(self.requested_at):%-d %b %Y}"
