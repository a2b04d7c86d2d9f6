"""Who a child's involvement was given to, by whom and why: the allocation history."""

from django.conf import settings
from django.db import models


class Allocation(models.Model):
    """One allocation or reassignment of an involvement (and the open work under it) to a worker."""

    involvement = models.ForeignKey("casework.Involvement", on_delete=models.CASCADE, related_name="allocations")
    # The child, so a record's history and a worker's new work are one indexed read each.
    child = models.ForeignKey("casework.Child", on_delete=models.CASCADE, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="allocations")
    from_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="allocations_received"
    )
    allocated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    allocated_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["-allocated_at", "-id"]
        indexes = [
            models.Index(fields=["child", "-allocated_at"], name="allocation_child_idx"),
            models.Index(fields=["to_worker", "-allocated_at"], name="allocation_worker_idx"),
        ]

    def __str__(self):
        return f"Allocation on {self.allocated_at:%-d %b %Y}"

    @property
    def is_reassignment(self) -> bool:
        return self.from_worker_id is not None
