"""Front-door pages. Rules live in referrals.services; these only shape the pages.

Every read of a contact page writes one access-log row. A write is logged by the
service that makes it; a refused write is logged here.
"""

from .challenges import contact_challenge, disagreement_escalate, disagreement_resolve, disagreement_respond
from .contact import contact_check_request, contact_check_respond, contact_detail, contact_rag
from .decisions import contact_authorise, contact_decision, contact_feedback
from .queues import contact_allocate, my_referrals, triage_queue
from .referral_answers import referral_concerns, referral_consent, referral_household, referral_referrer
from .referral_check import referral_check, referral_sent
from .referral_child import referral_child, referral_child_details, referral_matches

__all__ = [
    "contact_allocate",
    "contact_authorise",
    "contact_challenge",
    "contact_check_request",
    "contact_check_respond",
    "contact_decision",
    "contact_detail",
    "contact_feedback",
    "contact_rag",
    "disagreement_escalate",
    "disagreement_resolve",
    "disagreement_respond",
    "my_referrals",
    "referral_check",
    "referral_child",
    "referral_child_details",
    "referral_concerns",
    "referral_consent",
    "referral_household",
    "referral_matches",
    "referral_referrer",
    "referral_sent",
    "triage_queue",
]
