from celery import shared_task

from .team_work.ledger import reconcile


@shared_task(name="workload.reconcile_team_work", ignore_result=True)
def reconcile_team_work_task():
    """Run by beat hourly: Team work's copy of each team's open work is written again from the records,
    putting right anything changed outside the services (the services keep it as they write)."""
    return reconcile()
