"""The care of a child in youth detention: looked-after reviews, statutory and joint visits, the
custody planning meeting and the review of a bail package for a child remanded to youth detention.

Sources: seed 000 ¶19.1–19.3 (a child remanded to youth detention accommodation is looked after;
looked after reviews within statutory timescales, chaired by an IRO; the child is continually
assessed for a community bail package, with CSC), ¶20.2–20.4 (s23ZA visits for a child whose s20
accommodation ended on the sentence; care-order duties continue in custody); seed 003 L162–167
(DTO planning meeting in 10 working days, joint CSC and YJS visit in 7 working days, looked after
review within 28 days of entering custody, first statutory visit within 1 week, then at most every
6 weeks in the first year); somerset-vs-lancashire S-T4..S-T8, C4, C5, C6, C9.

Each record belongs to one period in custody: a remand to youth detention (`remand`) or a
custodial sentence, a DTO or section 250 order (`order`) — exactly one of the two.
"""

from django.conf import settings
from django.db import models

ONE_CUSTODY = models.Q(remand__isnull=False, order__isnull=True) | models.Q(remand__isnull=True, order__isnull=False)


class LookedAfterReview(models.Model):
    """A looked after review of a child in custody, chaired by the Independent Reviewing Officer
    (000 ¶19.3; 003 L164, S-T6). Held, it stops the `lac_review_in_custody` clock."""

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="looked_after_reviews")
    remand = models.ForeignKey(
        "casework.Remand", null=True, blank=True, on_delete=models.PROTECT, related_name="looked_after_reviews"
    )
    order = models.ForeignKey(
        "casework.YouthJusticeOrder",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="looked_after_reviews",
    )
    held_on = models.DateField()
    # The IRO: a colleague in the app, or a name (an IRO from another service).
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chair_name = models.CharField(max_length=200, blank=True)
    child_attended = models.BooleanField()
    decisions = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=ONE_CUSTODY, name="lac_review_one_custody"),
            models.CheckConstraint(
                condition=models.Q(next_review_on__isnull=True) | models.Q(next_review_on__gt=models.F("held_on")),
                name="lac_review_next_after_held",
            ),
        ]

    def __str__(self):
        return f"Looked after review on {self.held_on:%-d %b %Y}"

    @property
    def chair_text(self) -> str:
        return self.chair.display_name if self.chair_id else self.chair_name


class CustodyVisit(models.Model):
    """A visit to a child in custody (003 L162, L164, L167; 000 ¶20.2 s23ZA).

    A statutory visit (the child is looked after, or was until the sentence: s23ZA) stops the first
    or next statutory visit clock and starts the next one from the visit; a joint CSC and youth
    justice visit stops `custody_joint_visit`.
    """

    class Kind(models.TextChoices):
        STATUTORY = "statutory", "Statutory visit by children's social care"
        JOINT = "joint", "Joint visit by children's social care and youth justice"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="custody_visits")
    remand = models.ForeignKey(
        "casework.Remand", null=True, blank=True, on_delete=models.PROTECT, related_name="custody_visits"
    )
    order = models.ForeignKey(
        "casework.YouthJusticeOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="custody_visits"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    visited_on = models.DateField()
    csc_visitor = models.CharField(
        max_length=200, blank=True, help_text="The social worker (or FIS worker) who visited"
    )
    cyjs_visitor = models.CharField(max_length=200, blank=True, help_text="The youth justice worker who visited")
    child_seen_alone = models.BooleanField(null=True)
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=ONE_CUSTODY, name="custody_visit_one_custody"),
            models.CheckConstraint(condition=~models.Q(csc_visitor=""), name="custody_visit_has_csc_visitor"),
            models.CheckConstraint(
                condition=~models.Q(kind="joint") | ~models.Q(cyjs_visitor=""), name="joint_visit_has_cyjs_visitor"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.visited_on:%-d %b %Y}"

    @property
    def visitors(self) -> str:
        return " and ".join(name for name in (self.csc_visitor, self.cyjs_visitor) if name)


class BailPackageReview(models.Model):
    """A review of whether a community bail package can be offered to a child remanded to youth
    detention (000 ¶19.2: "continually assessed", with CSC). The sources set no interval, so no
    clock: the youth justice summary shows the last review and flags a court hearing since it."""

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="bail_package_reviews")
    remand = models.ForeignKey("casework.Remand", on_delete=models.PROTECT, related_name="bail_package_reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    bail_could_be_offered = models.BooleanField()
    package_proposed = models.TextField(blank=True)
    csc_consulted = models.BooleanField(default=False, help_text="Considered with children's social care (000 ¶19.2)")
    next_hearing_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(bail_could_be_offered=True) | ~models.Q(package_proposed=""),
                name="bail_offered_has_package",
            ),
        ]

    def __str__(self):
        return f"Bail package review on {self.reviewed_on:%-d %b %Y}"


class CustodyPlanningMeeting(models.Model):
    """The custody (DTO) planning meeting the youth justice service convenes within 10 working days
    of a sentence to custody, for every custodial sentence (003 L162, S-T4, C6). Held, it stops
    `dto_planning_meeting`."""

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="custody_planning_meetings")
    order = models.OneToOneField(
        "casework.YouthJusticeOrder", on_delete=models.PROTECT, related_name="planning_meeting"
    )
    held_on = models.DateField()
    attendees = models.TextField()
    decisions = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"Custody planning meeting on {self.held_on:%-d %b %Y}"
