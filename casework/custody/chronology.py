"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

Each is one query and carries its youth justice section, so a viewer sees only the sections the
authority's joint working protocol lets them read (casework.justice.sharing).
"""

from accounts.models import Agency
from casework.text import one_line

from ..chronology.selectors import Entry, Source, register_source
from ..justice.sharing import Section
from ..models import AppropriateAdultScreening, CustodyEpisode, PaceAccommodationRequest

CYJS = Agency.Kind.CYJS
CYJS_ONLY = frozenset({CYJS})


def custody_episode_entries(child, agency_kinds):
    """Arrest and leaving police custody (000 ¶10–11)."""
    for e in CustodyEpisode.objects.filter(child=child).select_related("agency"):
        adult = e.get_appropriate_adult_display() if e.appropriate_adult else "not recorded"
        summary = f"At {e.custody_suite}. Appropriate adult: {adult}."
        if e.offence_summary:
            summary = f"{summary} {one_line(e.offence_summary, 120)}"
        yield Entry(
            e.arrested_at,
            "custody_episode",
            "Police custody",
            CYJS,
            e.agency.name,
            "Arrested and taken into police custody",
            summary,
            "custody-detail",
            e.pk,
        )
        if e.left_custody_at:
            yield Entry(
                e.left_custody_at,
                "custody_episode",
                "Police custody",
                CYJS,
                e.agency.name,
                "Left police custody",
                e.get_outcome_display() if e.outcome else "",
                "custody-detail",
                e.pk,
            )


def aa_screening_entries(child, agency_kinds):
    """The appropriate adult's form arriving and its screening (000 ¶11.3). Never the findings."""
    for s in AppropriateAdultScreening.objects.filter(child=child).select_related("episode__agency"):
        name = s.episode.agency.name
        flagged = "The appropriate adult raised a safeguarding concern" if s.concern_flagged_by_aa else ""
        yield Entry(
            s.form_received_at,
            "aa_screening",
            "Appropriate adult's form",
            CYJS,
            name,
            "Appropriate adult's form received",
            flagged,
            "aa-screening",
            s.episode_id,
        )
        if s.screened_at:
            yield Entry(
                s.screened_at,
                "aa_screening",
                "Appropriate adult's form",
                CYJS,
                name,
                "Appropriate adult's form screened",
                s.get_route_display(),
                "aa-screening",
                s.episode_id,
            )


def pace_request_entries(child, agency_kinds):
    """Requests for accommodation and where the child went (000 ¶12)."""
    for p in PaceAccommodationRequest.objects.filter(child=child).select_related("episode__agency"):
        name = p.episode.agency.name
        secure = " A secure bed was asked for." if p.secure_requested else ""
        yield Entry(
            p.requested_at,
            "pace_request",
            "PACE accommodation",
            CYJS,
            name,
            "Police asked for accommodation",
            f"Asked of: {p.requested_of}.{secure}",
            "pace-request-record",
            p.pk,
        )
        if p.outcome and p.outcome_at:
            yield Entry(
                p.outcome_at,
                "pace_request",
                "PACE accommodation",
                CYJS,
                name,
                f"Accommodation: {p.get_outcome_display().lower()}",
                one_line(p.reason) if p.held_inappropriately else "",
                "pace-request-record",
                p.pk,
            )


register_source(
    Source("custody_episode", "Police custody", custody_episode_entries, CYJS_ONLY, section=Section.CUSTODY)
)
register_source(
    Source("aa_screening", "Appropriate adult's forms", aa_screening_entries, CYJS_ONLY, section=Section.SCREENING)
)
register_source(
    Source("pace_request", "PACE accommodation requests", pace_request_entries, CYJS_ONLY, section=Section.PACE)
)
