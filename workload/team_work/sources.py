"""Where a team's open work comes from: one query a kind of record, all with the same columns.

Each source answers rows of (team, kind, record, child, worker, detail, due, deadline, version,
awaiting me) for a set of teams, filtered by team first so that its cost follows the
team's size, not the authority's. `workload.team_work.sql` joins them with UNION ALL to count
and page them in a fixed number of queries.

Which records are a team's:
- its open involvements (`Involvement.team`);
- open contacts allocated to its members, or held by it without a worker (a CSC team a contact
  went to, seed 000 ¶8.4), or, for a MASH team, held by its front door without a worker;
- assessments in progress or waiting for sign-off, open section 47 enquiries and active child in
  need and child protection plans whose worker is in the team, or, with no worker, of a child whose
  open involvement the team holds;
- open youth justice orders of an open involvement the team holds, and open remands and police custody
  episodes of a child whose open youth justice involvement the team holds.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from accounts.models import Agency
from casework.assessment.selectors import waiting_for_sign_off_by
from casework.models import (
    Assessment,
    ChildInNeedPlan,
    ChildProtectionPlan,
    CustodyEpisode,
    Involvement,
    Remand,
    Section47Enquiry,
    YouthJusticeOrder,
)
from casework.permissions import may_sign_off
from notifications.models import Deadline, TimescaleRule
from referrals.models import Contact, Decision

COLUMNS = (
    "w_team",
    "w_kind",
    "w_id",
    "w_child",
    "w_worker",
    "w_detail",
    "w_due",
    "w_deadline",
    "w_version",
    "w_awaiting",
)

INVOLVEMENT, CONTACT, ASSESSMENT, ENQUIRY = "involvement", "contact", "assessment", "enquiry"
CIN_PLAN, CP_PLAN, ORDER, REMAND, CUSTODY = "cin_plan", "cp_plan", "order", "remand", "custody"
YOUTH_JUSTICE_KINDS = (ORDER, REMAND, CUSTODY)
YOUTH_JUSTICE_INVOLVEMENTS = (
    Involvement.Kind.YJ_PREVENTION,
    Involvement.Kind.YJ_DIVERSION,
    Involvement.Kind.YJ_COURT_ORDER,
    Involvement.Kind.YJ_REMAND,
    Involvement.Kind.YJ_CUSTODY,
)
AWAITING_AUTHORISATION, NOT_RATED = "awaiting_authorisation", "not_rated"
RULES_OF_KIND = f"SELECT id FROM {TimescaleRule._meta.db_table} WHERE kind = %s"


def _deadline_rules() -> str:
    """The rules that are deadlines, read once a query on PostgreSQL (ARRAY makes it an InitPlan);
    SQLite, the zero-setup local database, has no arrays and plans a plain IN well enough."""
    if connection.vendor == "postgresql":
        return f"rule_id = ANY(ARRAY({RULES_OF_KIND}))"
    return f"rule_id IN ({RULES_OF_KIND})"


def _open_clocks(model, subject_ref) -> QuerySet:
    """The record's running clocks (not waiting periods, which are never due), soonest first.

    The rules that are deadlines are read once a query (ARRAY makes it an InitPlan): joined to the
    rules instead, PostgreSQL read all of them again for every row of the team's work."""
    return (
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(model),
            subject_id=subject_ref,
            status__in=Deadline.OPEN_STATUSES,
        )
        .extra(where=[_deadline_rules()], params=[TimescaleRule.Kind.DEADLINE])
        .order_by("due_at")
    )


def _due(model, subject_ref="pk"):
    clocks = _open_clocks(model, OuterRef(subject_ref))
    return Subquery(clocks.values("due_at")[:1]), Subquery(clocks.values("id")[:1])


def _columns(query, *, team, kind, worker, detail, due=None, deadline=None, awaiting=None, viewer=None):
    """The common columns, in `COLUMNS` order, so every source can be joined with UNION ALL."""
    query = query.annotate(
        w_team=team,
        w_kind=Value(kind, output_field=TextField()),
        w_id=F("pk"),
        w_child=F("child_id"),
        w_worker=Cast(worker, IntegerField()),
        w_detail=Cast(detail, TextField()),
        w_due=due if due is not None else Value(None, output_field=DateTimeField()),
        w_deadline=Cast(deadline, IntegerField()) if deadline is not None else Value(None, IntegerField()),
        w_version=Cast(F("version"), IntegerField()),
        w_awaiting=awaiting if awaiting is not None else Value(False, output_field=BooleanField()),
    )
    return query.values(*COLUMNS)


def _held_team(team_ids, kinds=None):
    """The team (of `team_ids`) holding an open involvement of the child, for records without a worker."""
    involvements = Involvement.objects.filter(child_id=OuterRef("child_id"), end__isnull=True, team_id__in=team_ids)
    if kinds:
        involvements = involvements.filter(kind__in=kinds)
    return involvements.order_by("id")


def involvements(team_ids, viewer=None):
    query = Involvement.objects.filter(team_id__in=team_ids, end__isnull=True)
    return [
        _columns(
            query, team=F("team_id"), kind=INVOLVEMENT, worker=F("allocated_worker_id"), detail=F("kind"), viewer=viewer
        )
    ]


def contacts(teams, viewer=None):
    team_ids = [team.pk for team in teams]
    awaiting_authorisation = Exists(Decision.objects.filter(contact_id=OuterRef("pk"), authorised_at__isnull=True))
    detail = Case(
        When(awaiting_authorisation, then=Value(AWAITING_AUTHORISATION)),
        When(rag="", then=Value(NOT_RATED)),
        default=F("rag"),
        output_field=TextField(),
    )
    awaiting_me = (
        awaiting_authorisation
        if viewer is not None and viewer.is_manager
        else Value(False, output_field=BooleanField())
    )
    due, deadline = _due(Contact)
    open_contacts = Contact.objects.filter(status=Contact.Status.OPEN)
    branches = [
        (open_contacts.filter(allocated_to__team_id__in=team_ids), F("allocated_to__team_id")),
        (open_contacts.filter(allocated_to__isnull=True, team_id__in=team_ids), F("team_id")),
    ]
    for team in teams:
        if team.agency.kind == Agency.Kind.MASH:
            held = open_contacts.filter(allocated_to__isnull=True, team__isnull=True, agency_id=team.agency_id)
            branches.append((held, Value(team.pk, output_field=IntegerField())))
    return [
        _columns(
            query,
            team=team,
            kind=CONTACT,
            worker=F("allocated_to_id"),
            detail=detail,
            due=due,
            deadline=deadline,
            awaiting=awaiting_me,
            viewer=viewer,
        )
        for query, team in branches
    ]


def _worked_records(model, worker_field, open_filter, kind, team_ids, viewer, *, detail, due, awaiting=None):
    """Two branches: records of the team's workers, and records without a worker of the team's children."""
    records = model.objects.filter(**open_filter)
    held = Subquery(_held_team(team_ids).values("team_id")[:1])
    branches = (
        (records.filter(**{f"{worker_field}__team_id__in": team_ids}), F(f"{worker_field}__team_id")),
        (
            records.filter(**{f"{worker_field}__isnull": True}).filter(
                Exists(_held_team(team_ids).filter(child_id=OuterRef("child_id")))
            ),
            held,
        ),
    )
    return [
        _columns(
            query,
            team=team,
            kind=kind,
            worker=F(f"{worker_field}_id"),
            detail=detail,
            due=due[0],
            deadline=due[1],
            awaiting=awaiting,
            viewer=viewer,
        )
        for query, team in branches
    ]


def assessments(team_ids, viewer=None):
    contact_due, contact_deadline = _due(Contact, "contact_id")
    own_due, own_deadline = _due(Assessment)
    # The 45-working-day clock belongs to the contact the assessment came from, when there is one.
    due = (Coalesce(contact_due, own_due), Coalesce(contact_deadline, own_deadline))
    awaiting = Value(False, output_field=BooleanField())
    if viewer is not None and may_sign_off(viewer):
        awaiting = waiting_for_sign_off_by(viewer)
    return _worked_records(
        Assessment,
        "social_worker",
        {"status__in": (Assessment.Status.IN_PROGRESS, Assessment.Status.AWAITING_SIGN_OFF)},
        ASSESSMENT,
        team_ids,
        viewer,
        detail=F("status"),
        due=due,
        awaiting=awaiting,
    )


def enquiries(team_ids, viewer=None):
    return _worked_records(
        Section47Enquiry,
        "lead_social_worker",
        {"status": Section47Enquiry.Status.OPEN},
        ENQUIRY,
        team_ids,
        viewer,
        detail=F("status"),
        due=_due(Section47Enquiry),
    )


def cin_plans(team_ids, viewer=None):
    return _worked_records(
        ChildInNeedPlan,
        "lead_social_worker",
        {"status": ChildInNeedPlan.Status.ACTIVE},
        CIN_PLAN,
        team_ids,
        viewer,
        detail=F("status"),
        due=_due(ChildInNeedPlan),
    )


def cp_plans(team_ids, viewer=None):
    return _worked_records(
        ChildProtectionPlan,
        "lead_social_worker",
        {"status": ChildProtectionPlan.Status.ACTIVE},
        CP_PLAN,
        team_ids,
        viewer,
        detail=F("status"),
        due=_due(ChildProtectionPlan),
    )


def youth_justice(team_ids, viewer=None):
    """Open orders of the team's involvements; open remands and custody of its youth justice children."""
    order_due, order_deadline = _due(YouthJusticeOrder)
    # Orders of the team's open involvements, found through those (involvement_team_open_idx): asked of
    # all its involvements, PostgreSQL read every involvement of the authority to find a team's few orders.
    held = Involvement.objects.filter(team_id__in=team_ids, end__isnull=True).values("pk")
    orders = YouthJusticeOrder.objects.filter(ended_on__isnull=True, involvement__in=held)
    held = _held_team(team_ids, YOUTH_JUSTICE_INVOLVEMENTS)
    rows = [
        _columns(
            orders,
            team=F("involvement__team_id"),
            kind=ORDER,
            worker=F("involvement__allocated_worker_id"),
            detail=F("kind"),
            due=order_due,
            deadline=order_deadline,
            viewer=viewer,
        )
    ]
    for model, kind, open_filter, detail in (
        (Remand, REMAND, {"ended_on__isnull": True}, F("kind")),
        (CustodyEpisode, CUSTODY, {"left_custody_at__isnull": True}, Value("in_custody")),
    ):
        due, deadline = _due(model)
        query = model.objects.filter(**open_filter).filter(Exists(held))
        rows.append(
            _columns(
                query,
                team=Subquery(held.values("team_id")[:1]),
                kind=kind,
                worker=Subquery(held.values("allocated_worker_id")[:1]),
                detail=detail,
                due=due,
                deadline=deadline,
                viewer=viewer,
            )
        )
    return rows


KIND_SOURCES = {
    INVOLVEMENT: involvements,
    ASSESSMENT: assessments,
    ENQUIRY: enquiries,
    CIN_PLAN: cin_plans,
    CP_PLAN: cp_plans,
}


def work_sources(teams, *, viewer=None, kinds=None) -> list[QuerySet]:
    """The queries of the teams' open work (only of `kinds`, if given), ready for a UNION ALL.

    With `viewer`, each row says whether it waits for them (an assessment to sign off, a decision to
    authorise). Which children they may see is asked on the outer query (`sql.seen_by`)."""
    team_ids = [team.pk for team in teams]
    wanted = set(kinds) if kinds else None
    queries: list[QuerySet] = []
    for kind, source in KIND_SOURCES.items():
        if wanted is None or kind in wanted:
            queries += source(team_ids, viewer)
    if wanted is None or CONTACT in wanted:
        queries += contacts(teams, viewer)
    if wanted is None or wanted & set(YOUTH_JUSTICE_KINDS):
        queries += [q for q in youth_justice(team_ids, viewer) if wanted is None or _kind_of(q) in wanted]
    return queries


def _kind_of(query) -> str:
    return query.query.annotations["w_kind"].value
