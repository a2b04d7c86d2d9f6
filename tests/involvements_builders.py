"""Builders for the involvement closing tests. Every name is fictional.

`held_world()` is `orders_world()` (a child open to CSC as a child in need, allocated to the CSC
practitioner, and to CYJS) with a DTO for which CSC was significantly involved, so CSC's stay-open
period (000 ¶20.5, 3 months from the sentence) is running. `ended=True` sentences 100 days ago and
runs the sweep, which ends the period.
"""

from django.utils import timezone

from casework.involvements import services
from notifications.sweep import sweep_deadlines
from tests.orders_builders import dto, orders_world
from tests.pathway_builders import clocks

CSC_OPEN = services.CSC_OPEN


def held_world(*, ended=False, **world):
    w = orders_world(made_days_ago=100 if ended else 10, **world)
    w.order = dto(w, csc_significantly_involved=True)
    w.period = clocks(w.order, CSC_OPEN).first()
    if ended and w.period is not None:
        sweep_deadlines(now=timezone.now())
        w.period.refresh_from_db()
    return w


def close(w, involvement=None, *, by=None, **overrides):
    involvement = involvement or w.csc_involvement
    values = dict(
        by=by or w.csc_worker, closed_on=timezone.localdate(), reason="Plan outcomes met; stepping down to early help"
    )
    values.update(overrides)
    return services.close_involvement(involvement, **values)
