from django.db import models


class OpenWorkItem(models.Model):
    """One open item of one team's work, as `workload.team_work.sources` defines a team's work.

    A copy kept by `workload.team_work.ledger` so that a manager's page reads a team's work in the
    order it is shown (not allocated first, then soonest due) from one index, instead of working out
    the next due date of every open record of the team on each request. Nothing is written here
    but by the ledger; the records themselves stay the truth, and the ledger can rebuild this from them.
    """

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=16)
    record_id = models.BigIntegerField()
    child = models.ForeignKey("casework.Child", on_delete=models.CASCADE, related_name="+")
    worker = models.ForeignKey("accounts.User", on_delete=models.CASCADE, null=True, related_name="+", db_index=False)
    allocated = models.BooleanField()
    detail = models.CharField(max_length=40, blank=True)
    # The record's soonest running statutory clock, if it has one.
    due_at = models.DateTimeField(null=True)
    deadline_id = models.BigIntegerField(null=True)
    # The record's own version, for bulk allocation's optimistic locking.
    version = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "kind", "record_id"], name="open_work_item_once")]
        indexes = [
            # The page's order: not allocated first, then soonest due. With the child and the state
            # too, counting a team's work (and asking the access policy of each row's child) reads the index alone.
            models.Index(
                fields=["team", "allocated", "due_at", "kind", "record_id"],
                include=["child", "detail"],
                name="open_work_team_order_idx",
            ),
            models.Index(fields=["worker", "due_at"], name="open_work_worker_idx"),
            # A team's overdue work, for its manager's managers.
            models.Index(fields=["team", "due_at"], name="open_work_team_due_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.record_id} of team {self.team_id}"


class TeamWorkTally(models.Model):
    """How much open work a team has, kept by `workload.team_work.ledger` as it rewrites rows of
    `OpenWorkItem` (by the difference each rewrite makes), so that a manager's teams side by side
    are counted without reading every row of every team."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, primary_key=True, related_name="+")
    open = models.IntegerField(default=0)
    not_allocated = models.IntegerField(default=0)
    awaiting_sign_off = models.IntegerField(default=0)

    def __str__(self):
        return f"open work of team {self.team_id}"
