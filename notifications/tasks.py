from celery import shared_task
from django.conf import settings

from casework.history.context import changes_by_system

from .sweep import sweep_deadlines


@shared_task(name="notifications.sweep_deadlines", ignore_result=True)
def sweep_deadlines_task():
    """Run by beat every few minutes; idempotent, so a doubled or missed tick does no harm."""
    with changes_by_system("Deadline checks"):
        result = sweep_deadlines(batch_size=settings.DEADLINE_SWEEP_BATCH)
    return {"deadlines": result.deadlines, "notices": result.notices}
