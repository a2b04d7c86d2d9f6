"""Builders for the court and remand tests. Every name is fictional."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from casework.court import services
from casework.models import Involvement, JointWorkingProtocol
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, front_door_world


def court_world(**authority_fields):
    """front_door_world plus senior managers in CSC and CYJS, and a child known to CYJS and open to CSC
    (child in need, allocated to the CSC practitioner)."""
    w = front_door_world()
    w.csc_senior = UserFactory(role=Role.SENIOR_MANAGER, agency=w.csc, first_name="Sam", last_name="Seniorcsc")
    w.cyjs_senior = UserFactory(role=Role.SENIOR_MANAGER, agency=w.cyjs, first_name="Sid", last_name="Seniorcyjs")
    w.child = ChildFactory(first_name="Jordan", last_name="Examplechild")
    w.cyjs_involvement = InvolvementFactory(
        child=w.child,
        agency=w.cyjs,
        kind=Involvement.Kind.YJ_COURT_ORDER,
        allocated_worker=w.cyjs_worker,
        team=w.cyjs_team,
    )
    w.csc_involvement = InvolvementFactory(
        child=w.child, agency=w.csc, kind=Involvement.Kind.CIN, allocated_worker=w.csc_worker, team=w.csc_team
    )
    return w


def somerset_protocol(authority, **fields):
    """A saved protocol with Somerset's values (003 L150; somerset-vs-lancashire §5.3)."""
    fields.setdefault("bail_to_reside", JointWorkingProtocol.BailToReside.ALWAYS)
    fields.setdefault("section_20_ends_on_custody_under", None)
    return JointWorkingProtocol.objects.create(authority=authority, **fields)


def make_looked_after(w, child=None, *, worker=None, legal_basis=Involvement.LegalBasis.SECTION_20):
    """An open CSC looked-after involvement (s20 unless `legal_basis` says otherwise), allocated to the CSC worker."""
    return InvolvementFactory(
        child=child or w.child,
        agency=w.csc,
        kind=Involvement.Kind.CLA,
        allocated_worker=worker or w.csc_worker,
        team=w.csc_team,
        legal_basis=legal_basis,
    )


def hearing(w, *, child=None, hours_ago=3, **kwargs):
    kwargs.setdefault("court", "Preston Youth Court")
    kwargs.setdefault("purpose", "First appearance")
    return services.record_court_appearance(
        child=child or w.child, by=w.cyjs_worker, hearing_at=timezone.now() - timedelta(hours=hours_ago), **kwargs
    )


def remand(w, kind="local_authority", *, child=None, days_ago=0, **kwargs):
    if kind == "youth_detention":
        kwargs.setdefault("establishment", "sch")
    return services.start_remand(
        child=child or w.child,
        by=w.cyjs_worker,
        kind=kind,
        started_on=timezone.localdate() - timedelta(days=days_ago),
        **kwargs,
    )
