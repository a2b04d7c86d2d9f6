"""Recording why a child is looked after (casework/involvements): s20, interim or full care order.

What a custodial sentence does to looked-after status depends on it (000 ¶20.2–20.4); the
remand bases come from the court remand. Service, page and API, access log, optimistic locking.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccessEvent, Role
from casework.involvements import services
from casework.models import Child, Involvement
from casework.services import ConcurrentEditError
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies, worker_in_new_team
from tests.pathway_builders import api_for, client_for

pytestmark = pytest.mark.django_db
Basis = Involvement.LegalBasis


@pytest.fixture
def w():
    csc, _mash, cyjs = authority_with_agencies()
    worker, team, manager = worker_in_new_team(csc)
    child = ChildFactory()
    looked_after = InvolvementFactory(
        child=child, agency=csc, kind=Involvement.Kind.CLA, allocated_worker=worker, team=team
    )
    colleague = UserFactory(agency=csc, role=Role.PRACTITIONER)
    InvolvementFactory(child=child, agency=cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
    cyjs_worker = UserFactory(agency=cyjs)
    return type(
        "World",
        (),
        dict(
            child=child, inv=looked_after, worker=worker, manager=manager, colleague=colleague, cyjs_worker=cyjs_worker
        ),
    )


def test_the_allocated_worker_records_it_and_the_write_is_logged(w):
    services.record_legal_basis(w.inv, by=w.worker, legal_basis=Basis.SECTION_20, expected_version=1)
    w.inv.refresh_from_db()
    assert (w.inv.legal_basis, w.inv.version) == (Basis.SECTION_20, 2)
    event = AccessEvent.objects.filter(child=w.child, what="involvement:legal-basis").get()
    assert event.action == "write" and "from not recorded to Accommodated by agreement (section 20)" in event.detail


def test_a_manager_changes_it_but_a_colleague_or_another_agency_may_not(w):
    services.record_legal_basis(w.inv, by=w.manager, legal_basis=Basis.CARE_ORDER)
    for outsider in (w.colleague, w.cyjs_worker):
        with pytest.raises(PermissionDenied):
            services.record_legal_basis(w.inv, by=outsider, legal_basis=Basis.SECTION_20)
    w.inv.refresh_from_db()
    assert w.inv.legal_basis == Basis.CARE_ORDER


@pytest.mark.parametrize("basis", [Basis.REMAND_LA, Basis.REMAND_YDA, "", "made_up"])
def test_only_the_bases_a_social_worker_records(w, basis):
    with pytest.raises(ValidationError) as error:
        services.record_legal_basis(w.inv, by=w.worker, legal_basis=basis)
    assert "legal_basis" in error.value.message_dict


def test_not_on_a_closed_or_other_kind_of_involvement(w):
    cin = InvolvementFactory(child=w.child, agency=w.inv.agency, kind=Involvement.Kind.CIN, allocated_worker=w.worker)
    with pytest.raises(ValidationError):
        services.record_legal_basis(cin, by=w.worker, legal_basis=Basis.SECTION_20)


def test_a_stale_version_is_refused(w):
    services.record_legal_basis(w.inv, by=w.worker, legal_basis=Basis.SECTION_20, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        services.record_legal_basis(w.inv, by=w.manager, legal_basis=Basis.CARE_ORDER, expected_version=1)
    w.inv.refresh_from_db()
    assert w.inv.legal_basis == Basis.SECTION_20


def test_the_page_links_from_the_record_and_saves(w):
    client = client_for(w.worker)
    record = client.get(f"/children/{w.child.pk}/").content.decode()
    assert f"/involvements/{w.inv.pk}/legal-basis/" in record
    page = client.get(f"/involvements/{w.inv.pk}/legal-basis/")
    assert page.status_code == 200
    assert "<title>Record why the child is looked after" in page.content.decode()
    empty = client.post(f"/involvements/{w.inv.pk}/legal-basis/", {"version": 1})
    assert "Choose why the child is looked after" in empty.content.decode()
    response = client.post(
        f"/involvements/{w.inv.pk}/legal-basis/", {"version": 1, "legal_basis": Basis.INTERIM_CARE_ORDER}
    )
    assert response.status_code == 302
    w.inv.refresh_from_db()
    assert w.inv.legal_basis == Basis.INTERIM_CARE_ORDER
    stale = client.post(f"/involvements/{w.inv.pk}/legal-basis/", {"version": 1, "legal_basis": Basis.CARE_ORDER})
    assert "Someone else changed this record" in stale.content.decode()


def test_the_page_is_refused_to_a_colleague_and_the_link_not_offered(w):
    client = client_for(w.colleague)
    assert f"/involvements/{w.inv.pk}/legal-basis/" not in client.get(f"/children/{w.child.pk}/").content.decode()
    assert client.get(f"/involvements/{w.inv.pk}/legal-basis/").status_code == 403


def test_the_api(w):
    url = f"/api/v1/involvements/{w.inv.pk}/legal-basis/"
    assert api_for(w.worker).post(url, {"version": 1, "legal_basis": "remand_la"}, format="json").status_code == 400
    response = api_for(w.worker).post(url, {"version": 1, "legal_basis": Basis.CARE_ORDER}, format="json")
    assert response.status_code == 200 and response.data["legal_basis"] == Basis.CARE_ORDER
    assert (
        api_for(w.worker).post(url, {"version": 1, "legal_basis": Basis.SECTION_20}, format="json").status_code == 409
    )
    assert (
        api_for(w.colleague).post(url, {"version": 2, "legal_basis": Basis.SECTION_20}, format="json").status_code
        == 403
    )
    outsider = UserFactory(agency=authority_with_agencies()[0])
    assert (
        api_for(outsider).post(url, {"version": 2, "legal_basis": Basis.SECTION_20}, format="json").status_code == 404
    )
    assert Child.objects.get(pk=w.child.pk).involvements.get(pk=w.inv.pk).legal_basis == Basis.CARE_ORDER
