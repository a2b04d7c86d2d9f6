"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

One query, carrying the serious incidents section, so a viewer sees it only when the authority's
joint working protocol lets them read it (casework.justice.sharing). The briefing is CYJS's or the
CSC social worker's (000 ¶7.2), so entries come from either agency kind. Never the summary's text
beyond a short extract, and never the learning.
"""

from accounts.models import Agency
from casework.text import one_line

from ..chronology.selectors import Entry, Source, register_source
from ..justice.sharing import Section
from ..models import SeriousIncident

KINDS = frozenset({Agency.Kind.CYJS, Agency.Kind.CSC})
LABEL = "Serious incident"


def serious_incident_entries(child, agency_kinds):
    """The incident, its submission and the Youth Justice Board notification (000 ¶7; P8, P10)."""
    query = SeriousIncident.objects.filter(child=child).select_related("agency")
    if agency_kinds is not None:
        query = query.filter(agency__kind__in=list(agency_kinds))
    for i in query:
        kind, name = i.agency.kind, i.agency.name
        yield Entry(
            i.occurred_at,
            "serious_incident",
            LABEL,
            kind,
            name,
            f"Serious incident: {i.get_category_display()}",
            one_line(i.summary, 120),
            "serious-incident-detail",
            i.pk,
        )
        if i.submitted_at:
            yield Entry(
                i.submitted_at,
                "serious_incident",
                LABEL,
                kind,
                name,
                "Serious incident briefing submitted",
                "",
                "serious-incident-detail",
                i.pk,
            )
        if i.yjb_notified_at:
            yield Entry(
                i.yjb_notified_at,
                "serious_incident",
                LABEL,
                kind,
                name,
                "Youth Justice Board notified of a serious incident",
                "",
                "serious-incident-detail",
                i.pk,
            )


register_source(
    Source("serious_incident", "Serious incidents", serious_incident_entries, KINDS, section=Section.INCIDENTS)
)
