"""A year of fictional history for the demo authority (Lancashire, 888), so the managers' pages
have something to show: every month of the past year has contacts, assessments, enquiries,
conferences, plans, looked-after children and youth justice work, with their statutory clocks
met in time, met late, overdue, cancelled or still running.

A fast generator that writes what the services would, rather than calling them row by row: the
rows and clocks satisfy the same constraints and invariants (see writer.HistoryWriter.clock), but
are written with bulk_create, and no access-log rows are made (nobody read anything). Dates count
back from today, so the history stays current whenever it is loaded. Seeded, so two loads on the
same day make the same history; loaded once (its children's postcode district marks it).
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Authority
from casework.models import Child
from performance.months import recent
from performance.services import refresh_monthly_figures
from workload.team_work.ledger import reconcile as reconcile_team_work

from .front_door import FrontDoor
from .justice import Justice
from .people import Children
from .protection import Protection
from .writer import POSTCODE_DISTRICT, HistoryWriter

DEMO_AUTHORITY = "888"


def already_loaded() -> bool:
    return Child.objects.filter(postcode__startswith=f"{POSTCODE_DISTRICT} ").exists()


@transaction.atomic
def load_history(*, today=None) -> dict[str, int]:
    """Write the year of history unless it is there already. Returns rows written per model."""
    if already_loaded():
        return {}
    authority = Authority.objects.get(la_code=DEMO_AUTHORITY)
    writer = HistoryWriter(authority=authority, today=today or timezone.localdate())
    children = Children(writer)
    front_door = FrontDoor(writer, children)
    front_door.load()
    Protection(writer, children).load(front_door.for_strategy)
    Justice(writer, children).load()
    counts = writer.write_rows()
    # The history is written in bulk, round the services that keep Team work's copy of open work.
    reconcile_team_work()
    refresh_figures(authority=authority, today=writer.today)
    return counts


def refresh_figures(*, authority, today):
    """Work out the performance dashboard's monthly figures for the year just written."""
    refresh_monthly_figures(months=recent(today, 13), authority=authority)
