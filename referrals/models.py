"""Contacts into the front door (MASH). Issue 3 builds triage on this."""

from django.db import models


class Contact(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DECIDED = "decided", "Decided"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["child", "status", "decided_at"], name="contact_access_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", decided_at__isnull=True)
                | models.Q(status="decided", decided_at__isnull=False),
                name="contact_decided_has_time",
            )
        ]
