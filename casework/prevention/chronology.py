"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

One query, carrying the prevention section, so a viewer sees it only if the authority's joint working
protocol lets them read prevention (casework.justice.sharing). Never the reasons or the screening notes:
only what happened and who holds the case.
"""

from accounts.models import Agency

from ..chronology.selectors import Entry, Source, register_source
from ..justice.sharing import Section
from ..models import PreventionReferral

CYJS = Agency.Kind.CYJS


def prevention_referral_entries(child, agency_kinds):
    """Referrals received, screened, the Prevent referral, follow-ups and closing (000 ¶13–14, ¶4.8; PP6)."""
    for r in PreventionReferral.objects.filter(child=child).select_related("agency"):
        name, label = r.agency.name, "Prevention and diversion"
        route = r.get_route_display().lower()
        yield Entry(
            r.received_on,
            "prevention_referral",
            label,
            CYJS,
            name,
            f"Referral received: {route}",
            f"From {r.referrer_name} ({r.get_source_display().lower()})",
            "prevention-referral-detail",
            r.pk,
        )
        if r.screened_on and r.outcome:
            yield Entry(
                r.screened_on,
                "prevention_referral",
                label,
                CYJS,
                name,
                "Referral screened",
                f"Outcome: {r.get_outcome_display()}",
                "prevention-referral-detail",
                r.pk,
            )
        if r.panel_on:
            yield Entry(
                r.panel_on,
                "prevention_referral",
                label,
                CYJS,
                name,
                "Child Resolution Panel",
                "",
                "prevention-referral-detail",
                r.pk,
            )
        if r.prevent_referral_on:
            yield Entry(
                r.prevent_referral_on,
                "prevention_referral",
                label,
                CYJS,
                name,
                "Prevent referral made",
                "",
                "prevention-referral-detail",
                r.pk,
            )
        if r.closed_on:
            yield Entry(
                r.closed_on,
                "prevention_referral",
                label,
                CYJS,
                name,
                "Referral closed",
                "",
                "prevention-referral-detail",
                r.pk,
            )


register_source(
    Source(
        "prevention_referral",
        "Prevention and diversion referrals",
        prevention_referral_entries,
        frozenset({CYJS}),
        section=Section.PREVENTION,
    )
)
