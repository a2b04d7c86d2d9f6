"""Which youth justice sections each agency reads, per authority (casework.justice.sharing)."""

import pytest

from accounts.models import Agency, Role
from casework.justice.sharing import may_read_section, may_write_youth_justice, protocol_for, readable_sections
from casework.models import JointWorkingProtocol
from tests.factories import AgencyFactory, UserFactory, authority_with_agencies

pytestmark = pytest.mark.django_db
Section = JointWorkingProtocol.Section


@pytest.fixture
def agencies():
    csc, mash, cyjs = authority_with_agencies()
    return csc, mash, cyjs


def test_cyjs_reads_and_writes_every_section(agencies):
    cyjs_worker = UserFactory(agency=agencies[2])
    assert readable_sections(cyjs_worker) == frozenset(Section.values)
    assert may_write_youth_justice(cyjs_worker)


def test_by_default_csc_reads_all_but_the_screening_notes_and_writes_none(agencies):
    csc_worker = UserFactory(agency=agencies[0])
    assert readable_sections(csc_worker) == frozenset(Section.values) - {Section.SCREENING}
    assert not may_write_youth_justice(csc_worker)


def test_an_authority_can_share_less_with_csc(agencies):
    csc = agencies[0]
    JointWorkingProtocol.objects.create(authority=csc.authority, csc_reads=[Section.COURT, Section.REMAND])
    csc_worker = UserFactory(agency=csc)
    assert readable_sections(csc_worker) == {Section.COURT, Section.REMAND}
    assert not may_read_section(csc_worker, Section.CUSTODY)


def test_other_agencies_read_no_youth_justice_section(agencies):
    mash_worker = UserFactory(agency=agencies[1], role=Role.MASH_WORKER)
    police = UserFactory(agency=AgencyFactory(authority=agencies[0].authority, kind=Agency.Kind.POLICE))
    assert readable_sections(mash_worker) == frozenset()
    assert readable_sections(police) == frozenset()


def test_defaults_are_lancashires_when_no_protocol_is_saved(agencies):
    protocol = protocol_for(agencies[0].authority)
    assert protocol.pk is None
    assert protocol.bail_to_reside == JointWorkingProtocol.BailToReside.WHEN_AUTHORITY_PLACES
    assert protocol.section_20_ends_on_custody_under == 16
    assert protocol.csc_stays_open_after_custody is True


def test_a_saved_protocol_changing_other_settings_keeps_the_default_sharing(agencies):
    csc = agencies[0]
    JointWorkingProtocol.objects.create(
        authority=csc.authority, bail_to_reside=JointWorkingProtocol.BailToReside.ALWAYS
    )
    assert readable_sections(UserFactory(agency=csc)) == frozenset(Section.values) - {Section.SCREENING}


def test_the_child_record_links_to_youth_justice_only_for_those_who_read_it(agencies):
    from casework.models import Involvement
    from tests.factories import ChildFactory, InvolvementFactory
    from tests.pathway_builders import client_for

    csc, mash, cyjs = agencies
    child = ChildFactory()
    InvolvementFactory(child=child, agency=csc, kind=Involvement.Kind.CIN)
    InvolvementFactory(child=child, agency=cyjs, kind=Involvement.Kind.YJ_COURT_ORDER)
    health = AgencyFactory(authority=csc.authority, kind=Agency.Kind.HEALTH)
    InvolvementFactory(child=child, agency=health, kind=Involvement.Kind.OTHER)
    link = f"/children/{child.pk}/youth-justice/"
    for user, shown in (
        (UserFactory(agency=cyjs), True),
        (UserFactory(agency=csc), True),
        (UserFactory(agency=health), False),
    ):
        page = client_for(user).get(f"/children/{child.pk}/")
        assert page.status_code == 200
        assert (link in page.content.decode()) is shown, user.agency.kind
