"""What tells the Team work ledger (`workload.team_work.ledger`) that a child's open work may have changed."""

from django.db.models.signals import post_delete, post_save

from accounts.models import User
from casework.models import Involvement
from casework.signals import records_changed
from notifications.models import Deadline
from referrals.models import Contact, Decision

from ..models import OpenWorkItem
from .ledger import note_changed
from .sources import CLOCK_SUBJECTS

# The records Team work lists, and the involvements that say whose they are.
RECORDS = (Involvement, *CLOCK_SUBJECTS)
# A clock's save that changes none of these (a reminder sent, say) cannot change when work is due.
CLOCK_FIELDS = {"status", "due_at", "rule", "subject_type", "subject_id", "child"}


def _record(sender, instance, **kwargs):
    note_changed([instance.child_id])


def _decision(sender, instance, **kwargs):
    # Whether a decision waits for authorisation is the contact's state on Team work.
    note_changed(Contact.objects.filter(pk=instance.contact_id).values_list("child_id", flat=True))


def _clock(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or CLOCK_FIELDS & set(update_fields):
        note_changed([instance.child_id])


def _worker(sender, instance, created=False, update_fields=None, **kwargs):
    """A worker who moves team takes the work they hold with them."""
    if created or (update_fields is not None and "team" not in update_fields):
        return
    moved = OpenWorkItem.objects.filter(worker_id=instance.pk).exclude(team_id=instance.team_id)
    note_changed(moved.values_list("child_id", flat=True).distinct())


def _bulk(sender, child_ids=(), **kwargs):
    note_changed(child_ids)


def connect() -> None:
    for model in RECORDS:
        for signal in (post_save, post_delete):
            signal.connect(_record, sender=model, dispatch_uid=f"team-work-{model.__name__}-{signal is post_save}")
    for signal in (post_save, post_delete):
        signal.connect(_decision, sender=Decision, dispatch_uid=f"team-work-decision-{signal is post_save}")
        signal.connect(_clock, sender=Deadline, dispatch_uid=f"team-work-clock-{signal is post_save}")
    post_save.connect(_worker, sender=User, dispatch_uid="team-work-worker")
    records_changed.connect(_bulk, dispatch_uid="team-work-bulk")
