"""Case notes and manual chronology entries."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CaseNote(models.Model):
    """A record of a visit, call, meeting or discussion.

    Every note ends with who will do what, or that no further action is needed
    (000 ¶8.1): the service refuses a note with neither.
    """

    class Kind(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE_CALL = "phone_call", "Phone call"
        MEETING = "meeting", "Meeting"
        SUPERVISION = "supervision", "Supervision"
        PROFESSIONAL_DISCUSSION = "professional_discussion", "Professional discussion"

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="case_notes")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_at = models.DateTimeField()
    took_part = models.TextField("Who took part", blank=True)
    summary = models.TextField()
    no_further_action = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["child", "occurred_at"], name="case_note_child_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} on {timezone.localdate(self.occurred_at):%-d %b %Y}"


class SignificantEvent(models.Model):
    """Something a worker adds to the chronology by hand (a move, a hospital admission)."""

    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="significant_events")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    occurred_on = models.DateField()
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"Significant event on {self.occurred_on:%-d %b %Y}"
