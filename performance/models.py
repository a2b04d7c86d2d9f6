"""Monthly figures of the performance measures, kept current by a Celery task.

The dashboard and the API read only these rows, so they answer in a fixed number of
queries whatever the size of the case records (see services.refresh_monthly_figures).
"""

from django.conf import settings
from django.db import models


class MonthlyFigure(models.Model):
    """One measure's numerator and denominator for one month and one agency, team and worker.

    The finest breakdown is stored; the authority's, an agency's and a team's sums are kept
    beside it (MonthlyTotal), written by the same refresh.
    A count's denominator is 0 (the measure's kind says it has none).
    """

    measure = models.SlugField(max_length=60)
    month = models.DateField(help_text="The month's first day.")
    authority = models.ForeignKey("accounts.Authority", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "month"]
        indexes = [
            models.Index(fields=["authority", "month", "measure"], name="figure_authority_idx"),
            models.Index(fields=["team", "month", "measure"], name="figure_team_idx"),
            models.Index(fields=["agency", "month", "measure"], name="figure_agency_idx"),
        ]

    def __str__(self):
        return f"{self.measure} {self.month:%b %Y}: {self.numerator}/{self.denominator}"


class MonthlyTotal(models.Model):
    """One measure's figure for one month summed for the whole authority, an agency or a team.

    Written by the refresh with the per-worker rows it sums, so the dashboard of an authority
    reads one row per measure and month rather than summing tens of thousands of worker rows.
    At the agency level the team is empty; at the authority level both are; at the team level
    an empty team is the agency's records that name no team.
    """

    class Level(models.TextChoices):
        AUTHORITY = "authority", "Authority"
        AGENCY = "agency", "Agency"
        TEAM = "team", "Team"

    measure = models.SlugField(max_length=60)
    month = models.DateField(help_text="The month's first day.")
    level = models.CharField(max_length=10, choices=Level.choices)
    authority = models.ForeignKey("accounts.Authority", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    numerator = models.PositiveIntegerField(default=0)
    denominator = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["measure", "month"]
        indexes = [
            models.Index(fields=["authority", "level", "month", "measure"], name="total_authority_idx"),
            models.Index(fields=["team", "month", "measure"], name="total_team_idx"),
            models.Index(fields=["agency", "level", "month", "measure"], name="total_agency_idx"),
        ]

    def __str__(self):
        return f"{self.measure} {self.month:%b %Y} ({self.level}): {self.numerator}/{self.denominator}"
