"""Builders for the serious incidents slice's tests (000 ¶7 and its appendix; 003 ¶11). Every name is fictional."""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import Agency, Authority, Role
from casework.incidents import services
from casework.models import Involvement, JointWorkingProtocol
from casework.models.justice import DEFAULT_CSC_READS
from notifications.models import TimescaleRule
from notifications.rules import sync_rules
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, front_door_world

LANCASHIRE, SOMERSET = "888", "933"


def at(year, month, day, hour=10, minute=0):
    """A moment in the service's time zone (Europe/London)."""
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def incidents_world(*, la_code=None):
    """front_door_world plus CYJS and CSC senior managers and heads of service, a police officer who
    uses the system and a 15-year-old child open to CYJS only (allocated to the CYJS practitioner).

    `la_code` makes the authority Lancashire (888) or Somerset (933) and loads the timescale
    overrides for it (Somerset's 24-hour YJB notice)."""
    w = front_door_world()
    if la_code:
        w.authority.la_code = la_code
        w.authority.name = {LANCASHIRE: "Lancashire-like", SOMERSET: "Somershire"}.get(la_code, w.authority.name)
        w.authority.save()
        sync_rules(TimescaleRule, Authority)
    w.cyjs_senior = UserFactory(agency=w.cyjs, role=Role.SENIOR_MANAGER, first_name="Sian", last_name="Senior")
    w.cyjs_head = UserFactory(agency=w.cyjs, role=Role.HEAD_OF_SERVICE, first_name="Hari", last_name="Head")
    w.csc_senior = UserFactory(agency=w.csc, role=Role.SENIOR_MANAGER, first_name="Cass", last_name="Senior")
    w.csc_head = UserFactory(agency=w.csc, role=Role.HEAD_OF_SERVICE, first_name="Hana", last_name="Headley")
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
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=w.cyjs_worker,
        team=w.cyjs_team,
    )
    return w


def open_to_csc(w, child=None, *, end=None):
    return InvolvementFactory(
        child=child or w.child,
        agency=w.csc,
        kind=Involvement.Kind.CIN,
        allocated_worker=w.csc_worker,
        team=w.csc_team,
        end=end,
    )


def protocol_without_incidents(authority):
    """An authority whose protocol does not share serious incidents with CSC."""
    return JointWorkingProtocol.objects.create(
        authority=authority, csc_reads=[section for section in DEFAULT_CSC_READS if section != "incidents"]
    )


def start(w, *, by=None, child=None, **overrides):
    now = timezone.now()
    # Earlier today: a clock due "the same day" is then due today, whatever the time the tests run.
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    occurred = max(now - timedelta(hours=3), midnight)
    values = dict(
        occurred_at=occurred,
        aware_at=max(now - timedelta(hours=2), occurred),
        category=services.Category.ASSAULTED,
        summary="Jordan was stabbed in the leg outside a takeaway; treated in hospital and discharged.",
    )
    values.update(overrides)
    if (values.get("yjb_notifiable") or values.get("open_under_mappa")) and "charged_at" not in overrides:
        values["charged_at"] = values["aware_at"]  # charged as the service heard of it, unless a test says otherwise
    return services.start_incident(child=child or w.child, by=by or w.cyjs_worker, **values)


def through_qa(w, incident, *, manager=None, qa=None):
    services.verify_criteria(incident=incident, by=manager or w.cyjs_manager)
    return services.quality_assure(incident=incident, by=qa or w.cyjs_senior)


def submitted(w, incident, *, senior=None):
    through_qa(w, incident)
    return services.submit_incident(incident=incident, by=senior or w.cyjs_head)
