"""Builders for the youth justice order tests. Every name is fictional.

`orders_world()` is an authority on Lancashire's defaults (no saved protocol) unless
`somerset=True`, which saves a protocol row with Somerset's values (somerset-vs-lancashire §1.8, §5.3):
no age limit on s20 ending on custody and no CSC stay-open period after a DTO.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import Agency, Role
from casework.models import Involvement, JointWorkingProtocol
from casework.orders import services
from tests.factories import AgencyFactory, ChildFactory, InvolvementFactory, UserFactory, front_door_world

Kind = services.Kind


def born_for_age(age, on):
    """A date of birth making the child `age` (not yet `age + 1`) on `on`."""
    return on - relativedelta(years=age) - timedelta(days=40)


def orders_world(
    *,
    somerset=False,
    age=15,
    csc_kind=Involvement.Kind.CIN,
    made_days_ago=10,
    name=None,
    legal_basis=Involvement.LegalBasis.SECTION_20,
):
    """front_door_world plus a police officer, a CYJS head of service and a child open to CSC
    (allocated to the CSC practitioner, `csc_kind`; None for not known) and to CYJS. A looked-after
    `csc_kind` has `legal_basis` (s20 unless said otherwise; "" for not recorded)."""
    w = front_door_world()
    w.authority.name = name or ("Somershire" if somerset else "Lancashire-like")
    w.authority.save(update_fields=["name"])
    if somerset:
        w.protocol = JointWorkingProtocol.objects.create(
            authority=w.authority,
            bail_to_reside=JointWorkingProtocol.BailToReside.ALWAYS,
            section_20_ends_on_custody_under=None,
            csc_stays_open_after_custody=False,
        )
    w.police_agency = AgencyFactory(authority=w.authority, kind=Agency.Kind.POLICE, name="Testshire Police")
    w.police = UserFactory(agency=w.police_agency, first_name="Pat", last_name="Officer")
    w.cyjs_head = UserFactory(agency=w.cyjs, role=Role.HEAD_OF_SERVICE)
    w.made_on = timezone.localdate() - timedelta(days=made_days_ago)
    w.child = ChildFactory(first_name="Sam", last_name="Examplechild", date_of_birth=born_for_age(age, w.made_on))
    if csc_kind:
        w.csc_involvement = InvolvementFactory(
            child=w.child,
            agency=w.csc,
            kind=csc_kind,
            allocated_worker=w.csc_worker,
            team=w.csc_team,
            legal_basis=legal_basis if csc_kind == Involvement.Kind.CLA else "",
        )
    w.cyjs_involvement = InvolvementFactory(
        child=w.child, agency=w.cyjs, kind=Involvement.Kind.YJ_PREVENTION, allocated_worker=w.cyjs_worker
    )
    return w


def record(w, kind=Kind.YOUTH_REHABILITATION_ORDER, **overrides):
    values = dict(child=w.child, by=w.cyjs_worker, kind=kind, made_on=w.made_on)
    if kind in services.YouthJusticeOrder.CUSTODIAL:
        values["expected_release_on"] = w.made_on + timedelta(days=120)
        values["establishment_name"] = "Example Secure Children's Home"
    if kind in services.YouthJusticeOrder.CONSULTED_BEFORE_APPLYING:
        values["police_consulted_cyjs_on"] = w.made_on - timedelta(days=20)
        values["mash_consulted_on"] = w.made_on - timedelta(days=15)
    values.update(overrides)
    return services.record_order(**values)


def dto(w, **overrides):
    return record(w, Kind.DETENTION_AND_TRAINING_ORDER, **overrides)


def somerset_custody_world(**kwargs):
    """orders_world(somerset=True) with Somerset's local custody clocks switched on (003 L162, L189),
    as the demo's Somerset row has them: the release information countdown runs there."""
    w = orders_world(somerset=True, **kwargs)
    w.protocol.custody_local_clocks = True
    w.protocol.save(update_fields=["custody_local_clocks"])
    return w


def tell_release(
    w, order, items, *, by=None, told_on=None, told_by="Jo Youthworker, youth justice worker", version=None
):
    """Record that the child was told `items` (codes of services.RELEASE_ITEMS) about release."""
    return services.record_release_information(
        order=order,
        by=by or w.cyjs_worker,
        expected_version=order.version if version is None else version,
        items=items,
        told_on=told_on or timezone.localdate(),
        told_by=told_by,
    )
