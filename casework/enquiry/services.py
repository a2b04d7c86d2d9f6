"""Strategy discussions and section 47 enquiries (seed 001 L1925–1997; seed 000 ¶4.4–4.5, ¶13.5)."""

from django.db import transaction

from notifications.clocks import start_clock

from ..models import StrategyDiscussion
from ..recording import log_write


@transaction.atomic
def request_strategy_discussion(
    *, child, by, contact=None, assessment=None, about_harmful_sexual_behaviour=False, disclosed_at=None, agency=None
) -> StrategyDiscussion:
    """A strategy discussion is needed. About harmful sexual behaviour, it is due 24 hours
    from the disclosure (000 ¶4.5)."""
    discussion = StrategyDiscussion.objects.create(
        child=child,
        contact=contact,
        assessment=assessment,
        about_harmful_sexual_behaviour=about_harmful_sexual_behaviour,
        disclosed_at=disclosed_at,
        created_by=by,
    )
    if about_harmful_sexual_behaviour and disclosed_at:
        start_clock("hsb_strategy_meeting", discussion, child=child, started_at=disclosed_at, agency=agency)
    log_write(by, child, "strategy-discussion:request")
    return discussion


def conference_is_due(enquiry) -> bool:
    """May an initial conference be held on this enquiry? Yes when the concerns were
    substantiated, or when CSC agreed to another professional's request for one (001 L1992)."""
    from ..models import ConferenceRequest, Section47Enquiry

    if enquiry.outcome == Section47Enquiry.Outcome.SUBSTANTIATED:
        return True
    return enquiry.conference_requests.filter(status=ConferenceRequest.Status.AGREED).exists()
