"""This part's chronology sources: court hearings (Section.COURT) and remands (Section.REMAND),
CYJS's records, shown only to viewers the authority's protocol lets read them."""

from accounts.models import Agency
from casework.text import one_line

from ..chronology.selectors import AGENCY_KIND_LABELS, Entry, Source, register_source
from ..justice.sharing import Section
from ..models import CourtAppearance, Remand

CYJS = Agency.Kind.CYJS
CYJS_ONLY = frozenset({CYJS})


def court_appearance_entries(child, agency_kinds):
    rows = CourtAppearance.objects.filter(child=child).select_related("agency")
    if agency_kinds is not None:
        rows = rows.filter(agency__kind__in=agency_kinds)
    for a in rows:
        summary = a.get_outcome_display() if a.outcome else (a.purpose or "Outcome not recorded yet")
        yield Entry(
            a.hearing_at,
            "court_appearance",
            "Court hearing",
            a.agency.kind,
            a.agency.name,
            f"Court hearing at {a.court}",
            one_line(summary),
            "court-appearance-detail",
            a.pk,
        )


def remand_entries(child, agency_kinds):
    if agency_kinds is not None and CYJS not in agency_kinds:
        return
    rows = Remand.objects.filter(child=child).select_related("created_by__agency")
    for r in rows:
        agency = r.created_by.agency
        name = agency.name if agency is not None and agency.kind == CYJS else AGENCY_KIND_LABELS[CYJS]
        status = "looked after" if r.looked_after else "not looked after"
        yield Entry(
            r.started_on,
            "remand",
            "Remand",
            CYJS,
            name,
            f"{r.get_kind_display()} started",
            f"The child is {status}",
            "remand-detail",
            r.pk,
        )
        if r.ended_on:
            yield Entry(
                r.ended_on, "remand", "Remand", CYJS, name, f"{r.get_kind_display()} ended", "", "remand-detail", r.pk
            )


register_source(
    Source("court_appearance", "Court hearings", court_appearance_entries, CYJS_ONLY, section=Section.COURT)
)
register_source(Source("remand", "Remands", remand_entries, CYJS_ONLY, section=Section.REMAND))
