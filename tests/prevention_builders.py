"""Builders for the prevention and diversion slice's tests. Every name is fictional."""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Agency
from casework.models import Involvement, JointWorkingProtocol
from casework.models.justice import DEFAULT_CSC_READS
from casework.prevention import services
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, front_door_world


def born_years_ago(years, *, on=None):
    """A date of birth making the child `years` old on `on` (today by default), well clear of a birthday."""
    on = on or timezone.localdate()
    return on - timedelta(days=int(years * 365.25) + 40)


def prevention_world(age=14):
    """front_door_world plus a CYJS prevention worker (in the CYJS team), a police officer who uses the
    system and a child of `age` known to CYJS (an earlier, closed diversion involvement, so CYJS sees them)."""
    w = front_door_world()
    w.prevention_worker = UserFactory(
        agency=w.cyjs,
        team=w.cyjs_team,
        line_manager=w.cyjs_manager,
        first_name="Priya",
        last_name="Preventionworker",
        job_title="Prevention social worker",
    )
    w.police_agency = AgencyFactory(authority=w.authority, kind=Agency.Kind.POLICE, name="Testshire Police")
    w.police = UserFactory(agency=w.police_agency, first_name="Pat", last_name="Constable")
    w.child = ChildFactory(first_name="Riley", last_name="Examplechild", date_of_birth=born_years_ago(age))
    w.cyjs_involvement = InvolvementFactory(
        child=w.child,
        agency=w.cyjs,
        kind=Involvement.Kind.OTHER,
        allocated_worker=w.cyjs_worker,
        team=w.cyjs_team,
    )
    return w


def open_to_csc(w, *, kind=Involvement.Kind.CIN, allocated=True):
    return InvolvementFactory(
        child=w.child, agency=w.csc, kind=kind, allocated_worker=w.csc_worker if allocated else None, team=w.csc_team
    )


def unshared_protocol(authority):
    """An authority (Somerset-like, somerset-vs-lancashire §5.3) whose protocol does not share prevention with CSC."""
    return JointWorkingProtocol.objects.create(
        authority=authority,
        csc_reads=[s for s in DEFAULT_CSC_READS if s != "prevention"],
    )


def referral(w, *, by=None, child=None, **overrides):
    values = dict(
        route="prevention",
        source="school",
        referrer_name="Terry Teacher",
        received_on=timezone.localdate() - timedelta(days=3),
        reasons="Missing school, seen with older boys near the station; carrying a knife was mentioned.",
        consent_given=True,
    )
    values.update(overrides)
    return services.receive_prevention_referral(child=child or w.child, by=by or w.cyjs_worker, **values)


def diversion(w, **overrides):
    return referral(
        w,
        **{
            "route": "diversion",
            "source": "police",
            "referrer_name": "PC Pat Constable",
            "reasons": "Shoplifting; first offence.",
            **overrides,
        },
    )


def screen(w, ref, *, by=None, **overrides):
    ref.refresh_from_db()
    values = dict(
        expected_version=ref.version,
        outcome="nfa",
        outcome_reasons="Screened with the school; signposted to youth club.",
    )
    values.update(overrides)
    return services.screen_referral(referral=ref, by=by or w.cyjs_worker, **values)


def day_before(value: date, days: int) -> date:
    return value - timedelta(days=days)
