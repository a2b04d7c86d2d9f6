"""The single assessment under section 17, and the child in need plan that can follow it.

Working Together 2013 ch.1 (seed 001 L1683–1833, L1903–1917; working-together notes §1.4).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ..validators import validate_assessment_factors


class Assessment(models.Model):
    """A social worker's assessment of a child's needs (45 working days from the referral)."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Waiting for manager sign-off"
        COMPLETED = "completed", "Completed"

    class Outcome(models.TextChoices):
        NO_FURTHER_ACTION = "nfa", "No further action"
        CHILD_IN_NEED_PLAN = "cin_plan", "Child in need plan"
        STRATEGY_DISCUSSION = (
            "strategy_discussion",
            "Strategy discussion (reasonable cause to suspect significant harm)",
        )
        STEP_DOWN_EARLY_HELP = "early_help", "Step down to early help"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="assessments")
    # The contact it came from. When set, the 45-working-day clock belongs to the
    # contact (the front door started it); otherwise to this record.
    contact = models.ForeignKey(
        "referrals.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="assessments"
    )
    referral_received_at = models.DateTimeField(help_text="The clock counts from the point of referral")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    started_on = models.DateField()
    # Seen, alone where possible (001 L1767).
    child_seen_on = models.DateField(null=True, blank=True)
    child_seen_alone = models.BooleanField(null=True)
    wishes_and_feelings = models.TextField(blank=True)
    # The three sides of the assessment triangle (001 L1741–1745).
    developmental_needs = models.TextField(blank=True)
    parenting_capacity = models.TextField(blank=True)
    family_and_environment = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    differences_of_view = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_rationale = models.TextField(blank=True)
    # What the assessment found, in the census's factor codes (DfE), recorded when it is completed.
    factors = models.JSONField(default=list, blank=True, validators=[validate_assessment_factors])
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Required when completed after the 45th working day (001 L1807).
    lateness_reason = models.TextField(blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager_comments = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        # A team's open assessments by worker (Team work, caseloads): the completed ones are most of the table.
        indexes = [
            models.Index(
                fields=["social_worker"],
                condition=models.Q(status__in=["in_progress", "awaiting_sign_off"]),
                name="assessment_open_worker_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed")
                | (models.Q(signed_off_at__isnull=False) & ~models.Q(outcome="")),
                name="assessment_completed_is_signed_off",
            )
        ]

    def __str__(self):
        return f"Assessment started {self.started_on:%-d %b %Y}"

    @property
    def clock_subject(self):
        return self.contact if self.contact_id else self


class ChildInNeedPlan(models.Model):
    """A multi-agency plan for a child in need under section 17 (001 L1907, L1792–1794)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="cin_plans")
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="cin_plans"
    )
    section_47_enquiry = models.ForeignKey(
        "casework.Section47Enquiry", null=True, blank=True, on_delete=models.PROTECT, related_name="cin_plans"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField()
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcomes = models.TextField("What must change for the child", blank=True)
    services = models.TextField("Who provides what", blank=True)
    parents_expected_to = models.TextField("What is expected of the parents", blank=True)
    review_every_weeks = models.PositiveSmallIntegerField(default=12)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(
                fields=["lead_social_worker"], condition=models.Q(status="active"), name="cin_plan_active_worker_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(status="active"), name="one_active_cin_plan_per_child"
            )
        ]

    def __str__(self):
        return f"Child in need plan from {self.started_on:%-d %b %Y}"


class ChildInNeedMeeting(models.Model):
    """A child in need review meeting. CYJS attends when the child is open to it (000 ¶8.7)."""

    plan = models.ForeignKey(ChildInNeedPlan, on_delete=models.PROTECT, related_name="meetings")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="cin_meetings")
    scheduled_for = models.DateTimeField(null=True, blank=True)
    held_on = models.DateField(null=True, blank=True)
    progress = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    next_meeting_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-scheduled_for", "-id"]

    def __str__(self):
        when = self.held_on or (timezone.localdate(self.scheduled_for) if self.scheduled_for else None)
        return f"Child in need meeting on {when:%-d %b %Y}" if when else "Child in need meeting to be arranged"
