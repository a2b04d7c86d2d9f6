"""Builders for the custody slice's tests (police custody, the appropriate adult's form, PACE requests).
Every name is fictional."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from accounts.models import Agency, Role
from casework.custody import services
from casework.models import Involvement, JointWorkingProtocol
from casework.models.justice import DEFAULT_CSC_READS
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, front_door_world


def at(year, month, day, hour=10, minute=0):
    """A moment in the service's time zone (Europe/London)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def custody_world(**authority_fields):
    """front_door_world plus a CYJS duty worker (in the CYJS team), a CYJS senior manager and head of service,
    a police officer who uses the system, and a 15-year-old child open to CYJS (allocated to the CYJS practitioner)."""
    w = front_door_world()
    if authority_fields:
        for name, value in authority_fields.items():
            setattr(w.authority, name, value)
        w.authority.save()
    w.duty = UserFactory(
        agency=w.cyjs,
        team=w.cyjs_team,
        line_manager=w.cyjs_manager,
        first_name="Dee",
        last_name="Dutyworker",
        job_title="CYJS duty worker",
    )
    w.cyjs_senior = UserFactory(agency=w.cyjs, role=Role.SENIOR_MANAGER, first_name="Sian", last_name="Senior")
    w.cyjs_head = UserFactory(agency=w.cyjs, role=Role.HEAD_OF_SERVICE, first_name="Hari", last_name="Head")
    w.police_agency = AgencyFactory(authority=w.authority, kind=Agency.Kind.POLICE, name="Testshire Police")
    w.police = UserFactory(agency=w.police_agency, first_name="Pat", last_name="Constable")
    w.child = ChildFactory(
        first_name="Jordan",
        last_name="Examplechild",
        date_of_birth=timezone.localdate() - timedelta(days=15 * 365 + 100),
    )
    w.cyjs_involvement = InvolvementFactory(
        child=w.child,
        agency=w.cyjs,
        kind=Involvement.Kind.YJ_DIVERSION,
        allocated_worker=w.cyjs_worker,
        team=w.cyjs_team,
    )
    return w


def open_to_csc(w, *, kind=Involvement.Kind.CIN, allocated=True, end=None):
    """The child open to (or recently closed by) CSC; allocated to the CSC practitioner by default."""
    return InvolvementFactory(
        child=w.child,
        agency=w.csc,
        kind=kind,
        allocated_worker=w.csc_worker if allocated else None,
        team=w.csc_team,
        end=end,
    )


def somerset_protocol(authority):
    """Somerset-like settings (seed 003; somerset-vs-lancashire §5.3): bail to reside always makes the child
    looked after, no age limit on s20 ending, and CSC also reads the appropriate adult screening."""
    return JointWorkingProtocol.objects.create(
        authority=authority,
        bail_to_reside=JointWorkingProtocol.BailToReside.ALWAYS,
        section_20_ends_on_custody_under=None,
        csc_stays_open_after_custody=False,
        csc_reads=[*DEFAULT_CSC_READS, "screening"],
    )


def episode(w, *, by=None, child=None, **overrides):
    values = dict(
        arrested_at=timezone.now() - timedelta(hours=5),
        custody_suite="Exampletown police station",
        offence_summary="Theft from a shop",
        appropriate_adult=services.AA.AA_SERVICE,
        appropriate_adult_name="Sam Adult",
        police_safeguarding_report=False,
        seen_by_liaison_and_diversion=True,
    )
    values.update(overrides)
    return services.record_custody_episode(child=child or w.child, by=by or w.duty, **values)


def received(w, custody=None, *, by=None, **overrides):
    custody = custody or episode(w)
    values = dict(form_received_at=timezone.now() - timedelta(hours=1), concern_flagged_by_aa=True)
    values.update(overrides)
    return services.receive_aa_form(episode=custody, by=by or w.duty, **values)


def screen(w, screening, *, by=None, **overrides):
    screening.refresh_from_db()
    values = dict(
        expected_version=screening.version,
        route="mash",
        findings="Jordan said he was made to carry parcels for older men. No parent came to the station.",
        consent="given",
        categories=["cce"],
    )
    values.update(overrides)
    return services.screen_aa_form(screening=screening, by=by or w.duty, **values)


def pace_request(w, custody=None, *, by=None, **overrides):
    custody = custody or episode(w)
    values = dict(requested_at=timezone.now() - timedelta(hours=2))
    values.update(overrides)
    return services.request_pace_accommodation(episode=custody, by=by or w.duty, **values)


def birthday_for_age(years, *, on=None):
    on = on or timezone.localdate()
    return date(on.year - years, 1, 1)
