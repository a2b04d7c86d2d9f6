"""Notifications, the working-day calendar's closure days, timescale rules and deadlines."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from .caches import cached


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return f"Notification {self.pk} to {self.recipient}"


class ClosureDay(models.Model):
    """A day the authority's offices are closed beyond weekends and bank holidays."""

    authority = models.ForeignKey("accounts.Authority", on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["authority", "date"], name="closure_day_unique")]

    def __str__(self):
        return f"{self.date:%d %b %Y}: {self.reason}"


class TimescaleRule(models.Model):
    """One version of a statutory or local timescale.

    Rows are never edited once a clock may use them: a change becomes a new
    version and the old one is retired, so running clocks keep their due dates.
    A rule with no authority is the default; a row for an authority overrides it.
    """

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "working days"
        CALENDAR_DAYS = "calendar_days", "calendar days"
        HOURS = "hours", "hours"
        WORKING_HOURS = "working_hours", "working hours"
        MONTHS = "months", "months"

    class Direction(models.TextChoices):
        AFTER = "after", "after the anchor event"
        BEFORE = "before", "before the anchor event"

    class Strength(models.TextChoices):
        STATUTORY = "statutory", "Statutory"
        MANDATORY_LOCAL = "mandatory_local", "Local requirement"
        BEST_PRACTICE = "best_practice", "Best practice"

    class Kind(models.TextChoices):
        # Something must be done by the due moment: reminders before, a breach notice and escalation after.
        DEADLINE = "deadline", "Deadline"
        # Something must NOT happen before the due moment (an earliest date), e.g. 000 ¶20.5: CSC
        # stays open 3 months after a DTO/s250. Reminders before; at the due moment it simply ends.
        WAITING_PERIOD = "waiting_period", "Waiting period"

    code = models.SlugField(max_length=60)
    authority = models.ForeignKey(
        "accounts.Authority", null=True, blank=True, on_delete=models.CASCADE, related_name="timescale_rules"
    )
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=Unit.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.AFTER)
    start_counts = models.BooleanField(
        default=False, help_text="Count the start day as day 1 (only where a local protocol says so)."
    )
    anchor_event = models.CharField(max_length=200)
    stop_event = models.CharField(max_length=200)
    responsible_role = models.CharField(max_length=40)
    reminder_offsets = models.JSONField(default=list, blank=True, help_text="Working days before due, e.g. [1].")
    escalation_chain = models.JSONField(default=list, blank=True, help_text="Roles told in turn after a breach.")
    escalation_every = models.PositiveSmallIntegerField(default=1, help_text="Working days between escalations.")
    reason_required_if_late = models.BooleanField(default=False)
    strength = models.CharField(max_length=20, choices=Strength.choices, default=Strength.STATUTORY)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DEADLINE)
    # Kept so the timescale is on record, but nothing here starts it: no page may suggest a clock runs.
    reference_only = models.BooleanField(
        default=False, help_text="No workflow in this system starts this clock; it is listed for reference."
    )
    reference_reason = models.CharField(
        max_length=300, blank=True, help_text="Why no workflow starts it, e.g. the work is recorded elsewhere."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "authority_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "authority", "version"], name="rule_version_unique"),
            # One current version per code: for the default rule, and for each authority's override.
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(is_current=True, authority__isnull=True),
                name="rule_one_current_default",
            ),
            models.UniqueConstraint(
                fields=["code", "authority"],
                condition=models.Q(is_current=True, authority__isnull=False),
                name="rule_one_current_per_authority",
            ),
        ]

    def __str__(self):
        where = f" ({self.authority})" if self.authority_id else ""
        return f"{self.code} v{self.version}{where}"

    @property
    def duration_text(self):
        unit = self.get_unit_display()
        if self.amount == 1:
            unit = unit.rstrip("s")
        if self.amount == 0 and self.unit == self.Unit.CALENDAR_DAYS:
            return "the same day"
        return f"{self.amount} {unit}" + (" before" if self.direction == self.Direction.BEFORE else "")

    # Fields whose change makes a new version (everything that decides a due date or who is told).
    VERSIONED_FIELDS = (
        "title",
        "source",
        "amount",
        "unit",
        "direction",
        "start_counts",
        "anchor_event",
        "stop_event",
        "responsible_role",
        "reminder_offsets",
        "escalation_chain",
        "escalation_every",
        "reason_required_if_late",
        "strength",
        "kind",
        "reference_only",
        "reference_reason",
    )

    @property
    def is_waiting_period(self):
        return self.kind == self.Kind.WAITING_PERIOD

    REFERENCE_ONLY_TEXT = "Reference only: no workflow in this system starts this clock"


class Deadline(models.Model):
    """One running statutory clock for one record about one child."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MET_LATE = "met_late", "Met late"
        BREACHED = "breached", "Overdue"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.OPEN, Status.BREACHED)

    rule = models.ForeignKey(TimescaleRule, on_delete=models.PROTECT, related_name="deadlines")
    rule_code = models.SlugField(max_length=60)
    rule_version = models.PositiveIntegerField()
    child = models.ForeignKey("casework.Child", on_delete=models.CASCADE, related_name="deadlines")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deadlines"
    )
    # The agency that must act: its calendar applies and its managers are escalated to.
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField()
    anchor_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="The moment after which the deadline is missed.")
    due_date = models.DateField(null=True, blank=True, help_text="For day and month rules: the last day.")
    calendar_used = models.CharField(max_length=200, help_text="Region and closure days used to compute due.")
    explanation = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    met_at = models.DateTimeField(null=True, blank=True)
    lateness_reason = models.TextField(blank=True)
    # The sweep's bookkeeping: when it next has something to do, and how far it has got.
    next_action_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["next_action_at"],
                name="deadline_sweep_idx",
                condition=models.Q(status__in=["open", "breached"]),
            ),
            models.Index(fields=["child", "due_at"], name="deadline_child_idx"),
            models.Index(fields=["responsible", "status", "due_at"], name="deadline_worker_idx"),
            models.Index(fields=["subject_type", "subject_id", "rule_code"], name="deadline_subject_idx"),
            # The performance drill-down lists a rule's clocks due in a month a page at a time, in due order and
            # then id (clocks due the same day share a due_at), so a page reads no more than it lists.
            models.Index(fields=["rule_code", "due_at", "id"], name="deadline_rule_due_idx"),
        ]

    def __str__(self):
        return f"{self.rule_code} for child {self.child_id}"

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def is_waiting_period(self):
        """An earliest date, not a deadline: never overdue, never breached (TimescaleRule.Kind).

        Lists of deadlines (the MASH queue, dashboards) do not load each row's rule: the ids of
        waiting-period rule versions come from the per-process rule cache instead of a query a row.
        """
        if "rule" in self._state.fields_cache:
            return self.rule.is_waiting_period

        ids = cached(
            "rules",
            "waiting-period-rule-ids",
            lambda: frozenset(
                TimescaleRule.objects.filter(kind=TimescaleRule.Kind.WAITING_PERIOD).values_list("id", flat=True)
            ),
        )
        return self.rule_id in ids

    @property
    def is_running_waiting_period(self):
        return self.is_open and self.is_waiting_period

    @property
    def status_label(self):
        """The status in words: a waiting period is running or has ended, never met or overdue."""
        if self.is_waiting_period:
            if self.is_open:
                return "Waiting period"
            if self.status in (self.Status.MET, self.Status.MET_LATE):
                return "Ended"
        return self.get_status_display()


class DeadlineNotice(models.Model):
    """A reminder, breach notice or escalation sent about a deadline: at most once per person."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        BREACH = "breach", "Missed"
        ESCALATION = "escalation", "Escalation"
        # A waiting period's end (TimescaleRule.Kind.WAITING_PERIOD): no breach, no escalation.
        ENDED = "ended", "Waiting period over"

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deadline", "kind", "recipient"], name="deadline_notice_once")]

    def __str__(self):
        kind = dict(self.Kind.choices).get(self.kind, self.kind)
        return f"{kind} about deadline {self.deadline_id}, to {self.recipient}"
