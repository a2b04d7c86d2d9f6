"""The census file: the DfE's CIN census XML, written as it is read, one child at a time.

Element names and order follow the DfE's CIN census specification (Message > Header,
Children > Child > ChildIdentifiers, ChildCharacteristics, CINdetails > Assessments,
CINPlanDates, Section47, ChildProtectionPlans > Reviews). Codes are written as the records
store them; a missing item is left out rather than made up, so the validation rules report it.
"""

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from io import StringIO
from xml.sax.saxutils import XMLGenerator

from returns import codes

from .episodes import Episode, episodes_in_year
from .gather import CensusChild, ChildIdentity
from .years import CollectionYear

SOFTWARE_CODE = "Local Authority"
RELEASE = "1"


class _Xml:
    def __init__(self, out):
        self.out = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def open(self, name):
        self.out.startElement(name, {})

    def close(self, name):
        self.out.endElement(name)

    def item(self, name, value):
        """An element with text; nothing at all when there is no value."""
        if value is None or value == "":
            return
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        self.out.startElement(name, {})
        self.out.characters(str(value))
        self.out.endElement(name)


def _header(xml: _Xml, *, la_code: str, year: CollectionYear, made_at: datetime) -> None:
    xml.open("Header")
    xml.open("CollectionDetails")
    xml.item("Collection", "CIN")
    xml.item("Year", year.census_year)
    xml.item("ReferenceDate", year.end)
    xml.close("CollectionDetails")
    xml.open("Source")
    xml.item("SourceLevel", "L")
    xml.item("LEA", la_code)
    xml.item("SoftwareCode", SOFTWARE_CODE)
    xml.item("Release", RELEASE)
    xml.item("SerialNo", "001")
    xml.item("DateTime", made_at.replace(microsecond=0, tzinfo=None).isoformat())
    xml.close("Source")
    xml.close("Header")


def _identity(xml: _Xml, child: ChildIdentity, year: CollectionYear) -> None:
    # A child born after the year ended was unborn on its reference date; so was their death.
    born_in_time = child.birth_date is not None and child.birth_date <= year.end
    if child.birth_date is not None and not born_in_time:
        child = replace(child, birth_date=None, expected_birth_date=child.birth_date, sex="U")
    if child.death_date is not None and child.death_date > year.end:
        child = replace(child, death_date=None)
    xml.open("ChildIdentifiers")
    xml.item("LAchildID", child.reference)
    xml.item("UPN", child.upn)
    xml.item("FormerUPN", child.former_upn)
    xml.item("UPNunknown", child.upn_unknown)
    xml.item("PersonBirthDate", child.birth_date)
    xml.item("ExpectedPersonBirthDate", child.expected_birth_date)
    xml.item("Sex", child.sex)
    xml.item("PersonDeathDate", child.death_date)
    xml.close("ChildIdentifiers")
    xml.open("ChildCharacteristics")
    xml.item("Ethnicity", child.ethnicity)
    if child.disabilities:
        xml.open("Disabilities")
        for code in child.disabilities:
            xml.item("Disability", code)
        xml.close("Disabilities")
    xml.close("ChildCharacteristics")


def _episode(xml: _Xml, episode: Episode) -> None:
    xml.open("CINdetails")
    xml.item("CINreferralDate", episode.referral_on)
    xml.item("ReferralSource", episode.source)
    xml.item("PrimaryNeedCode", episode.primary_need)
    xml.item("CINclosureDate", episode.closed_on)
    xml.item("ReasonForClosure", episode.closure_code)
    for assessment in episode.assessments:
        xml.open("Assessments")
        xml.item("AssessmentActualStartDate", assessment.start)
        xml.item("AssessmentAuthorisationDate", assessment.authorised)
        if assessment.authorised:
            xml.open("FactorsIdentifiedAtAssessment")
            for factor in assessment.factors:
                xml.item("AssessmentFactors", factor)
            xml.close("FactorsIdentifiedAtAssessment")
        xml.close("Assessments")
    for cin_plan in episode.cin_plans:
        xml.open("CINPlanDates")
        xml.item("CINPlanStartDate", cin_plan.start)
        xml.item("CINPlanEndDate", cin_plan.end)
        xml.close("CINPlanDates")
    for enquiry in episode.enquiries:
        xml.open("Section47")
        xml.item("S47ActualStartDate", enquiry.start)
        xml.item("InitialCPCtarget", enquiry.icpc_target)
        xml.item("DateOfInitialCPC", enquiry.icpc_on)
        xml.item("ICPCnotRequired", enquiry.icpc_not_required)
        xml.close("Section47")
    xml.item("ReferralNFA", episode.no_further_action)
    for plan in episode.cp_plans:
        xml.open("ChildProtectionPlans")
        xml.item("CPPstartDate", plan.start)
        xml.item("CPPendDate", plan.end)
        xml.item("InitialCategoryOfAbuse", codes.mapped("abuse_category", plan.initial_category))
        xml.item("LatestCategoryOfAbuse", codes.mapped("abuse_category", plan.latest_category))
        xml.item("NumberOfPreviousCPP", plan.previous_plans)
        for review in plan.reviews:
            xml.open("Reviews")
            xml.item("CPPreviewDate", review)
            xml.close("Reviews")
        xml.close("ChildProtectionPlans")
    xml.close("CINdetails")


def census_xml(
    children: Iterable[CensusChild], *, la_code: str, year: CollectionYear, made_at: datetime
) -> Iterator[str]:
    """The census file in pieces (one per child), for a file or a streaming response."""
    buffer = StringIO()
    xml = _Xml(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    xml.out.startDocument()
    xml.open("Message")
    _header(xml, la_code=la_code, year=year, made_at=made_at)
    xml.open("Children")
    yield flush()
    for child in children:
        episodes = episodes_in_year(child.history, year)
        if not episodes:
            continue
        xml.open("Child")
        _identity(xml, child.identity, year)
        for episode in episodes:
            _episode(xml, episode)
        xml.close("Child")
        yield flush()
    xml.close("Children")
    xml.close("Message")
    xml.out.endDocument()
    yield flush()
