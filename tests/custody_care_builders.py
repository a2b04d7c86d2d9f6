"""Builders for the custody care tests (000 ¶19–20; 003 L162–167). Every name is fictional.

`yda_world()` is court_world (Lancashire's defaults, no saved protocol) with a child remanded to youth
detention `days_ago` days ago by the CYJS worker. `sentence_world()` is orders_world with a DTO;
`somerset=True` saves Somerset's protocol row, which has the local custody clocks (003 L162).
"""

from datetime import timedelta

from django.utils import timezone

from casework.custody_care import services
from casework.models import Involvement
from tests.court_builders import court_world, remand
from tests.orders_builders import dto, orders_world


def yda_world(days_ago=3, **kwargs):
    w = court_world()
    w.remand = remand(w, "youth_detention", days_ago=days_ago, **kwargs)
    w.custody = w.remand
    return w


def sentence_world(*, somerset=False, age=15, csc_kind=Involvement.Kind.CLA, made_days_ago=3, **dto_kwargs):
    w = orders_world(somerset=somerset, age=age, csc_kind=csc_kind, made_days_ago=made_days_ago)
    if somerset:
        w.protocol.custody_local_clocks = True
        w.protocol.save(update_fields=["custody_local_clocks"])
    w.order = dto(w, **dto_kwargs)
    w.custody = w.order
    return w


def custody_kwargs(custody):
    return {"remand": custody} if isinstance(custody, services.Remand) else {"order": custody}


def review(w, *, by=None, days_ago=1, **overrides):
    values = dict(
        child=w.child,
        by=by or w.csc_worker,
        held_on=timezone.localdate() - timedelta(days=days_ago),
        child_attended=True,
        decisions="Stay in the secure children's home; education plan agreed",
        chair_name="Ira Reviewer",
        **custody_kwargs(w.custody),
    )
    values.update(overrides)
    return services.record_looked_after_review(**values)


def visit(w, kind="statutory", *, by=None, days_ago=1, **overrides):
    values = dict(
        child=w.child,
        by=by or w.csc_worker,
        kind=kind,
        visited_on=timezone.localdate() - timedelta(days=days_ago),
        csc_visitor="Casey Socialworker",
        **custody_kwargs(w.custody),
    )
    if kind == "joint":
        values["cyjs_visitor"] = "Jo Youthworker"
    values.update(overrides)
    return services.record_custody_visit(**values)


def bail_review(w, *, by=None, days_ago=0, could=False, **overrides):
    values = dict(
        remand=w.remand,
        by=by or w.cyjs_worker,
        reviewed_on=timezone.localdate() - timedelta(days=days_ago),
        bail_could_be_offered=could,
        package_proposed="Live with an aunt; bail supervision and support" if could else "",
    )
    values.update(overrides)
    return services.record_bail_package_review(**values)
