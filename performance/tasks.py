from celery import shared_task
from django.utils import timezone

from . import months
from .services import refresh_monthly_figures

# Each night, at the first run after this hour, every month the dashboard shows is worked out again:
# late records (a clock met today that was due last year) change old months too.
NIGHTLY_HOUR = 2
DASHBOARD_MONTHS = 13


@shared_task(name="performance.refresh_figures", ignore_result=True)
def refresh_figures_task():
    """Run by beat every 15 minutes: this month and the last; in the night's first run, all 13 months."""
    now = timezone.localtime()
    count = DASHBOARD_MONTHS if now.hour == NIGHTLY_HOUR and now.minute < 15 else 2
    result = refresh_monthly_figures(months=months.recent(now.date(), count))
    return {"authorities": result.authorities, "months": result.months, "rows": result.rows}
