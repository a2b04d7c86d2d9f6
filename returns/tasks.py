from celery import shared_task

from accounts.models import Authority, User

from .data_quality.services import run_check


@shared_task(name="returns.check_data_quality", ignore_result=True)
def check_data_quality_task(authority_id: int | None = None, requested_by_id: int | None = None):
    """Nightly for every authority (beat); for one when a manager asks. The current collection year."""
    authorities = Authority.objects.filter(pk=authority_id) if authority_id else Authority.objects.all()
    by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    for authority in authorities:
        run_check(authority=authority, by=by)
