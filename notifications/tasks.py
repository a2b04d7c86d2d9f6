from celery import shared_task
from django.conf import settings

from .sweep import sweep_deadlines


@shared_task(name="notifications.sweep_deadlines", ignore_result=True)
def sweep_deadlines_task():
    """Run by beat every few minutes; idempotent, so a doubled or missed tick does no harm."""
    result = sweep_deadlines(batch_size=settings.DEADLINE_SWEEP_BATCH)
    return {"deadlines": result.deadlines, "notices": result.notices}
