"""What the nightly data quality check of the CIN census found."""

from django.conf import settings
from django.db import models


class DataQualityRun(models.Model):
    """One run of the year-to-date census through the DfE's validation rules, for one authority."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    authority = models.ForeignKey("accounts.Authority", on_delete=models.CASCADE, related_name="+")
    year = models.CharField(max_length=7, help_text="The collection year, e.g. 2026-27")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # None: the nightly task; a user: someone pressed "Check now".
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    children = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    queries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["authority", "year", "-started_at"], name="dq_run_latest_idx")]

    def __str__(self):
        return f"Data quality check of the {self.year} census, {self.started_at:%-d %b %Y %H:%M}"


class DataQualityIssue(models.Model):
    """A rule broken by one child's record (or by the return as a whole: no child).

    Who holds the child (team, worker) is kept as it was when the check ran, so the page groups
    by it without asking again and the trend does not move when a case moves.
    """

    run = models.ForeignKey(DataQualityRun, on_delete=models.CASCADE, related_name="issues")
    rule = models.CharField(max_length=10)
    kind = models.CharField(max_length=5)  # returns.cin_census.validation ERROR / QUERY
    message = models.TextField()
    child = models.ForeignKey("casework.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    table = models.CharField(max_length=40, blank=True)
    field = models.CharField(max_length=60, blank=True)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["rule", "pk"]
        indexes = [models.Index(fields=["run", "worker"], name="dq_issue_worker_idx")]

    def __str__(self):
        return f"Rule {self.rule}"
