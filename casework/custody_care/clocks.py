"""The timescale rules that run for a child in custody (notifications/data/timescales.toml). Their
deadlines are the custody care section's, so `casework.justice.sharing` needs the codes without
the services that start them."""

LAC_REVIEW = "lac_review_in_custody"
FIRST_VISIT = "custody_first_statutory_visit"
NEXT_VISIT = "custody_statutory_visit_next"
JOINT_VISIT = "custody_joint_visit"
PLANNING_MEETING = "dto_planning_meeting"
CLOCKS = (LAC_REVIEW, FIRST_VISIT, NEXT_VISIT, JOINT_VISIT, PLANNING_MEETING)
