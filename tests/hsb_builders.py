"""Builders for the HSB hub tests. Every name is fictional.

`hsb_world()` is front_door_world plus a child of `age` open to CSC (allocated to the CSC
practitioner, whose team manager is the CSC manager), the police, and a second CYJS manager.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Agency, Authority, Role
from casework.hsb import services
from casework.models import Involvement
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, front_door_world

Hackett = services.Hackett


def born_for_age(age, on):
    """A date of birth making the child `age` (not yet `age + 1`) on `on`."""
    return on - relativedelta(years=age) - timedelta(days=40)


def working_days_ago(n, today=None):
    """A date n working days (Mon–Fri) before today; bank holidays aside, close enough for picking dates."""
    day = today or timezone.localdate()
    while n:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def hsb_world(*, age=13, name=None, born_on=None):
    w = front_door_world()
    name = name or "Lancashire-like"
    if not Authority.objects.filter(name=name).exists():  # a second world keeps its factory name
        w.authority.name = name
        w.authority.save(update_fields=["name"])
    w.today = timezone.localdate()
    w.child = ChildFactory(
        first_name="Robin",
        last_name="Examplechild",
        date_of_birth=born_on or born_for_age(age, w.today - timedelta(days=200)),
    )
    w.csc_involvement = InvolvementFactory(
        child=w.child, agency=w.csc, kind=Involvement.Kind.CIN, allocated_worker=w.csc_worker, team=w.csc_team
    )
    w.police_agency = AgencyFactory(authority=w.authority, kind=Agency.Kind.POLICE, name="Testshire Police")
    w.police = UserFactory(agency=w.police_agency, first_name="Pat", last_name="Officer")
    w.cyjs_manager_2 = UserFactory(agency=w.cyjs, role=Role.TEAM_MANAGER, first_name="Morgan", last_name="Hubmanager")
    w.csc_senior = UserFactory(agency=w.csc, role=Role.SENIOR_MANAGER, first_name="Sasha", last_name="Seniorsocialcare")
    return w


def request(w, **overrides):
    values = dict(
        child=w.child,
        by=w.csc_worker,
        requested_on=w.today - timedelta(days=150),
        behaviour_last_on=w.today - timedelta(days=160),
        lives_in_authority=True,
        concerns="Touched a younger cousin at a family party; the cousin was upset.",
    )
    values.update(overrides)
    return services.request_consultation(**values)


def consulted(w, **overrides):
    c = request(w, **overrides)
    return services.record_hub_consultation(
        consultation=c,
        by=w.cyjs_manager,
        expected_version=c.version,
        held_on=w.today - timedelta(days=140),
        hackett=Hackett.PROBLEMATIC,
        outcome="Pattern mapping, then an AIM assessment.",
    )


def mapped(w, **overrides):
    c = consulted(w, **overrides)
    return services.record_pattern_mapping(consultation=c, by=w.cyjs_manager, held_on=w.today - timedelta(days=130))


def aim_started(w, *, first_meeting=None, **overrides):
    c = mapped(w, **overrides)
    return services.start_aim_assessment(
        consultation=c,
        by=w.cyjs_manager,
        aim_practitioner=w.cyjs_worker,
        first_meeting_with_child_on=first_meeting or w.today - timedelta(days=120),
    )


def aim_done(w, **overrides):
    c = aim_started(w, first_meeting=w.today - timedelta(days=30), **overrides)
    return services.complete_aim_assessment(consultation=c, by=w.cyjs_worker, completed_on=w.today - timedelta(days=10))


def quality_assured(w, **overrides):
    c = aim_done(w, **overrides)
    c = services.record_quality_assurance(consultation=c, by=w.cyjs_manager)
    return services.record_quality_assurance(consultation=c, by=w.csc_manager)


def planned(w, **overrides):
    c = quality_assured(w, **overrides)
    return services.record_planning_meeting(
        consultation=c,
        by=w.cyjs_manager,
        held_on=w.today - timedelta(days=5),
        areas_of_work="Healthy relationships work with the child; safety plan at home.",
        review_on=w.today + timedelta(days=60),
    )
