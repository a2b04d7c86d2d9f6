"""A match between a child someone is recording and a child already recorded, waiting for someone who already
works with that child to confirm it (casework.intake.matching)."""

from django.conf import settings
from django.db import models


class IdentityMatchRequest(models.Model):
    """A service asks to work with a recorded child because the details it has match them.

    Until someone who already sees the child confirms the match, the asking service gets no access from it
    (its involvement is opened only on confirmation). The details are kept as the asker typed or sent them,
    so the confirmer can compare them with the record.
    """

    class Source(models.TextChoices):
        INTAKE_CUSTODY = "intake_custody", "Recording a child in police custody"
        INTAKE_PREVENTION = "intake_prevention", "Recording a prevention referral"
        POLICE_NOTIFICATION = "police_notification", "The police's notice of a child in custody"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Not the same child"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="identity_match_requests")
    # The service that would work with the child once the match is confirmed.
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=30, choices=Source.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # The police's notice: the custody episode they sent, recorded on the matched child.
    custody_episode = models.ForeignKey(
        "casework.CustodyEpisode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="identity_match_requests",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Confirmed: the asking service's involvement it opened. Rejected: the record made for the child instead.
    involvement = models.ForeignKey(
        "casework.Involvement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    new_child = models.ForeignKey("casework.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["child", "status"], name="identitymatch_child_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="identitymatch_decided_when_not_pending",
            )
        ]

    def __str__(self):
        return f"Match to confirm {self.pk}"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"
