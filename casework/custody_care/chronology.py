"""This part's chronology sources, registered with casework.chronology.selectors.register_source.

The care of a child in youth detention (000 ¶19–20; 003 L162–167) is in Section.CUSTODY_CARE, so a
viewer sees these entries only where the joint working protocol lets them read that section. Looked
after reviews and visits are CSC's (a joint visit always has the social worker); bail package
reviews and the custody planning meeting are CYJS's. One query a source.
"""

from accounts.models import Agency

from ..chronology.selectors import Entry, Source, register_source
from ..justice.sharing import Section
from ..models import BailPackageReview, CustodyPlanningMeeting, CustodyVisit, LookedAfterReview

CSC, CYJS = Agency.Kind.CSC, Agency.Kind.CYJS
NAMES = dict(Agency.Kind.choices)
PAGE = "custody-care"


def review_entries(child, agency_kinds):
    for review in LookedAfterReview.objects.filter(child=child).select_related("chair"):
        yield Entry(
            review.held_on,
            "looked_after_review",
            "Looked after reviews in custody",
            CSC,
            NAMES[CSC],
            "Looked after review held",
            f"Chaired by {review.chair_text}",
            PAGE,
            child.pk,
        )


def visit_entries(child, agency_kinds):
    for visit in CustodyVisit.objects.filter(child=child):
        yield Entry(
            visit.visited_on,
            "custody_visit",
            "Visits in custody",
            CSC,
            NAMES[CSC],
            visit.get_kind_display(),
            f"By {visit.visitors}",
            PAGE,
            child.pk,
        )


def bail_entries(child, agency_kinds):
    for review in BailPackageReview.objects.filter(child=child):
        outcome = "Bail could be offered" if review.bail_could_be_offered else "Bail could not be offered"
        yield Entry(
            review.reviewed_on,
            "bail_package_review",
            "Bail package reviews",
            CYJS,
            NAMES[CYJS],
            "Bail package reviewed",
            outcome,
            PAGE,
            child.pk,
        )


def planning_entries(child, agency_kinds):
    for meeting in CustodyPlanningMeeting.objects.filter(child=child):
        yield Entry(
            meeting.held_on,
            "custody_planning_meeting",
            "Custody planning meetings",
            CYJS,
            NAMES[CYJS],
            "Custody planning meeting held",
            "",
            PAGE,
            child.pk,
        )


for _source in (
    Source(
        "looked_after_review",
        "Looked after reviews in custody",
        review_entries,
        frozenset({CSC}),
        section=Section.CUSTODY_CARE,
    ),
    Source("custody_visit", "Visits in custody", visit_entries, frozenset({CSC}), section=Section.CUSTODY_CARE),
    Source(
        "bail_package_review", "Bail package reviews", bail_entries, frozenset({CYJS}), section=Section.CUSTODY_CARE
    ),
    Source(
        "custody_planning_meeting",
        "Custody planning meetings",
        planning_entries,
        frozenset({CYJS}),
        section=Section.CUSTODY_CARE,
    ),
):
    register_source(_source)
