"""Builders for the tests of a child new to the child and youth justice service (casework.intake). Every
name is fictional."""

from datetime import date, timedelta

from django.utils import timezone

from casework.intake import services
from casework.models import Involvement
from tests.custody_builders import custody_world
from tests.factories import ChildFactory, InvolvementFactory


def born(years, *, on=None):
    """A date of birth making the child `years` old on `on` (today by default), clear of a birthday."""
    on = on or timezone.localdate()
    return on - timedelta(days=int(years * 365.25) + 40)


def intake_world():
    """custody_world plus a 14-year-old known only to CSC (an open child in need involvement, allocated to the
    CSC practitioner), whom CYJS cannot see: Casey Newcomer, with an address and postcode on the record."""
    w = custody_world()
    w.csc_child = ChildFactory(
        first_name="Casey",
        last_name="Newcomer",
        date_of_birth=born(14),
        address="1 Example Row, Exampletown",
        postcode="ZZ9 9ZZ",
    )
    w.csc_involvement = InvolvementFactory(
        child=w.csc_child,
        agency=w.csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=w.csc_worker,
        team=w.csc_team,
    )
    return w


def identity(w=None, **overrides):
    """The details a worker types for Casey (a lower-case first name, no address): they match the CSC record."""
    values = dict(
        first_name="casey",
        last_name="Newcomer",
        date_of_birth=w.csc_child.date_of_birth if w else born(14),
        address="",
        postcode="",
    )
    values.update(overrides)
    return services.clean_identity(**values)


def stranger(**overrides):
    """A child no one has recorded."""
    values = dict(first_name="Morgan", last_name="Unrecorded", date_of_birth=date(timezone.localdate().year - 13, 2, 3))
    values.update(overrides)
    return services.clean_identity(**values)


def notification(w=None, **overrides):
    """An API body: the police tell CYJS of a child in custody."""
    child = {
        "first_name": "Casey",
        "last_name": "Newcomer",
        "date_of_birth": (w.csc_child.date_of_birth if w else born(14)).isoformat(),
    }
    body = {
        "child": child,
        "arrested_at": (timezone.now() - timedelta(hours=3)).isoformat(),
        "custody_suite": "Exampletown police station",
        "offence_summary": "Criminal damage",
        "appropriate_adult": "aa_service",
    }
    body.update(overrides)
    return body
