"""Child protection conferences, plans and core groups (seed 001 L2001–2058; working-together notes §1.7–1.10)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AbuseCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    MULTIPLE = "multiple", "Multiple"


class ChildProtectionConference(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", "Initial conference"
        REVIEW = "review", "Review conference"
        TRANSFER_IN = "transfer_in", "Transfer-in conference"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Arranged"
        HELD = "held", "Held"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="conferences")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # An initial conference follows a section 47 enquiry; a review belongs to a plan.
    enquiry = models.ForeignKey(
        "casework.Section47Enquiry", null=True, blank=True, on_delete=models.PROTECT, related_name="conferences"
    )
    plan = models.ForeignKey(
        "casework.ChildProtectionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_conferences",
    )
    # Transfer-in: when this authority was told the child had moved here on a plan (001 L2052).
    transfer_notified_on = models.DateField(null=True, blank=True)
    transferring_authority = models.CharField(max_length=200, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    # Independent of line management of the case (001 L2014).
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired_conferences"
    )
    reports_shared_with_parents = models.BooleanField(null=True)
    parents_told_about_advocacy = models.BooleanField(null=True)
    # The decision
    plan_needed = models.BooleanField(null=True)
    category = models.CharField(max_length=10, choices=AbuseCategory.choices, blank=True)
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reasons = models.TextField(blank=True)
    outline_plan = models.TextField(blank=True)
    # Review conferences also decide whether to start family court proceedings (001 L2040).
    court_proceedings_considered = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_at", "-scheduled_for", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="held")
                | (models.Q(held_at__isnull=False) & models.Q(plan_needed__isnull=False)),
                name="conference_held_has_decision",
            ),
            models.CheckConstraint(
                condition=~models.Q(plan_needed=True) | ~models.Q(category=""),
                name="conference_plan_has_category",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="review") | models.Q(plan__isnull=False),
                name="review_conference_has_plan",
            ),
        ]

    def __str__(self):
        when = self.held_at or self.scheduled_for
        return f"{self.get_kind_display()} {timezone.localdate(when):%-d %b %Y}" if when else self.get_kind_display()


class ChildProtectionPlan(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class EndReason(models.TextChoices):
        # 001 L2047–2053
        NO_LONGER_AT_RISK = "no_longer_at_risk", "No longer at risk of significant harm"
        MOVED_AWAY = "moved_away", "Moved permanently to another local authority"
        TURNED_18 = "turned_18", "Reached 18"
        DIED = "died", "Died"
        LEFT_UK = "left_uk", "Left the UK permanently"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="cp_plans")
    initial_conference = models.OneToOneField(
        ChildProtectionConference, on_delete=models.PROTECT, related_name="resulting_plan"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    started_on = models.DateField()
    # The category the plan started with, and its latest (changed at a review conference).
    initial_category = models.CharField(max_length=10, choices=AbuseCategory.choices, blank=True)
    category = models.CharField(max_length=10, choices=AbuseCategory.choices)
    lead_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.TextField("The plan", blank=True, help_text="What must change, by how much and by when")
    child_agrees = models.BooleanField(null=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_notes = models.TextField(blank=True)
    # Moving away: the plan may end only after the receiving authority's conference (001 L2052).
    receiving_authority = models.CharField(max_length=200, blank=True)
    receiving_authority_notified_on = models.DateField(null=True, blank=True)
    receiving_conference_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who was told of the ending (every agency invited to the initial conference).
    ending_notified = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = "child protection plan"
        indexes = [
            models.Index(
                fields=["lead_social_worker"], condition=models.Q(status="active"), name="cp_plan_active_worker_idx"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["child"], condition=models.Q(status="active"), name="one_active_cp_plan_per_child"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="cp_plan_ended_has_reason",
            ),
        ]

    def __str__(self):
        return f"Child protection plan from {self.started_on:%-d %b %Y}"


class CoreGroupMeeting(models.Model):
    """The first is due 10 working days after the initial conference (001 L2032)."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_group_meetings")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="core_group_meetings")
    held_on = models.DateField()
    progress = models.TextField(blank=True)
    decisions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Core group meeting on {self.held_on:%-d %b %Y}"
