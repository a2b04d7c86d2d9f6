"""Builders for the lead agency and joint disagreement tests. Every name is fictional.

`joint_world()` is an authority on Lancashire's defaults (no saved protocol, so CSC reads the joint
section) with, in each of CSC and CYJS, a practitioner and team manager (front_door_world), a
senior manager and a head of service, plus a police officer, and a child open to both agencies:
CSC (child in need, allocated to the CSC practitioner) for 400 days and CYJS (a court order,
allocated to the CYJS practitioner) from `cyjs_started_on`. `somerset=True` saves a protocol row
with Somerset's values (somerset-vs-lancashire §5.3), including its three-step disagreement ladder (003 L97).
"""

from datetime import date, timedelta

from django.utils import timezone

from accounts.models import Agency, Role
from casework.joint import services
from casework.models import Involvement, JointWorkingProtocol
from casework.models.justice import somerset_disagreement_ladder
from notifications.models import TimescaleRule
from notifications.rules import rule_in_force
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, front_door_world

# A Monday with no bank holiday near it: 10 working days later is Monday 16 March 2026.
CYJS_STARTED = date(2026, 3, 2)


def joint_world(*, somerset=False, cyjs_started_on=CYJS_STARTED, jointly=True, name=None):
    w = front_door_world()
    w.authority.name = name or f"{'Somershire' if somerset else 'Lancashire-like'} {w.authority.la_code}"
    w.authority.save(update_fields=["name"])
    if somerset:
        w.protocol = JointWorkingProtocol.objects.create(
            authority=w.authority,
            bail_to_reside=JointWorkingProtocol.BailToReside.ALWAYS,
            section_20_ends_on_custody_under=None,
            csc_stays_open_after_custody=False,
            disagreement_ladder=somerset_disagreement_ladder(),
        )
    w.police_agency = AgencyFactory(authority=w.authority, kind=Agency.Kind.POLICE, name="Testshire Police")
    w.police = UserFactory(agency=w.police_agency, first_name="Pat", last_name="Officer")
    w.csc_senior = UserFactory(agency=w.csc, role=Role.SENIOR_MANAGER, first_name="Sian", last_name="Csc-Senior")
    w.csc_head = UserFactory(agency=w.csc, role=Role.HEAD_OF_SERVICE, first_name="Hana", last_name="Csc-Head")
    w.cyjs_senior = UserFactory(agency=w.cyjs, role=Role.SENIOR_MANAGER, first_name="Sol", last_name="Yj-Senior")
    w.cyjs_head = UserFactory(agency=w.cyjs, role=Role.HEAD_OF_SERVICE, first_name="Hal", last_name="Yj-Head")
    w.csc_manager.first_name, w.csc_manager.last_name = "Cora", "Csc-Manager"
    w.csc_manager.save(update_fields=["first_name", "last_name"])
    w.cyjs_manager.first_name, w.cyjs_manager.last_name = "Yan", "Yj-Manager"
    w.cyjs_manager.save(update_fields=["first_name", "last_name"])
    w.child = ChildFactory(first_name="Sam", last_name="Examplechild")
    w.csc_involvement = InvolvementFactory(
        child=w.child, agency=w.csc, kind=Involvement.Kind.CIN, allocated_worker=w.csc_worker, team=w.csc_team
    )
    w.cyjs_involvement = None
    if jointly:
        w.cyjs_involvement = InvolvementFactory(
            child=w.child,
            agency=w.cyjs,
            kind=Involvement.Kind.YJ_COURT_ORDER,
            allocated_worker=w.cyjs_worker,
            team=w.cyjs_team,
            start=cyjs_started_on,
        )
    return w


def decide(
    w, *, by=None, lead=None, reasons="CYJS supervises the court order; no child protection concerns", decided_on=None
):
    return services.decide_lead_agency(
        child=w.child,
        by=by or w.csc_manager,
        lead_agency=lead or w.cyjs,
        reasons=reasons,
        decided_on=decided_on or timezone.localdate() - timedelta(days=1),
    )


def plan(
    w, decision, *, by=None, held_on=None, task_split="CYJS: order work. CSC: family support and CIN visits", **extra
):
    return services.record_planning_meeting(
        decision=decision,
        by=by or w.cyjs_worker,
        expected_version=decision.version,
        held_on=held_on or timezone.localdate(),
        task_split=task_split,
        **extra,
    )


def raise_one(w, *, by=None, about="We think CSC should lead: there are new welfare concerns at home", decision=None):
    return services.raise_disagreement(child=w.child, by=by or w.cyjs_manager, about=about, decision=decision)


def override_rule(code, authority, **changes):
    """A per-authority version of a timescale rule (as an authority's local setting)."""
    default = rule_in_force(code)
    values = {f: getattr(default, f) for f in TimescaleRule.VERSIONED_FIELDS}
    values.update(changes)
    return TimescaleRule.objects.create(**values, code=code, authority=authority, version=1)
