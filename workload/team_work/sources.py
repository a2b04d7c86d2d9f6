"""Where a team's open work comes from: one query a kind of record, all with the same columns.

Each source answers rows of (team, kind, record, child, worker, detail, due, deadline, version)
for a set of teams. The ledger (`workload.team_work.ledger`) joins them with UNION ALL, for every
team and the children that changed, to write their rows of `workload.OpenWorkItem`, which the
pages read.

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


# The records listed as work besides involvements, whose clocks the sources read (by content type).
CLOCK_SUBJECTS = (
    Contact,
    Assessment,
    Section47Enquiry,
    ChildInNeedPlan,
    ChildProtectionPlan,
    YouthJusticeOrder,
    Remand,
    CustodyEpisode,
)


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


def _columns(query, *, team, kind, worker, detail, due=None, deadline=None):
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
    )
    return query.values(*COLUMNS)


def _held_team(team_ids, kinds=None):
    """The team (of `team_ids`) holding an open involvement of the child, for records without a worker."""
    involvements = Involvement.objects.filter(child_id=OuterRef("child_id"), end__isnull=True, team_id__in=team_ids)
    if kinds:
        involvements = involvements.filter(kind__in=kinds)
    return involvements.order_by("id")


def involvements(team_ids):
    query = Involvement.objects.filter(team_id__in=team_ids, end__isnull=True)
    return [_columns(query, team=F("team_id"), kind=INVOLVEMENT, worker=F("allocated_worker_id"), detail=F("kind"))]


def contacts(teams):
    team_ids = [team.pk for team in teams]
    awaiting_authorisation = Exists(Decision.objects.filter(contact_id=OuterRef("pk"), authorised_at__isnull=True))
    detail = Case(
        When(awaiting_authorisation, then=Value(AWAITING_AUTHORISATION)),
        When(rag="", then=Value(NOT_RATED)),
        default=F("rag"),
        output_field=TextField(),
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
        )
        for query, team in branches
    ]


def _worked_records(model, worker_field, open_filter, kind, team_ids, *, detail, due):
    """Two branches: records of the team's workers, and records without a worker of the team's children.

    A record without a worker is every holding team's: joined to the child's open involvements, it
    is a row for each team (and a row again for a second involvement with the same team, which the
    ledger's unique constraint folds into one)."""
    records = model.objects.filter(**open_filter)
    held = records.filter(
        **{f"{worker_field}__isnull": True},
        child__involvements__end__isnull=True,
        child__involvements__team_id__in=team_ids,
    )
    branches = (
        (records.filter(**{f"{worker_field}__team_id__in": team_ids}), F(f"{worker_field}__team_id")),
        (held, F("child__involvements__team_id")),
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
        )
        for query, team in branches
    ]


def assessments(team_ids):
    contact_due, contact_deadline = _due(Contact, "contact_id")
    own_due, own_deadline = _due(Assessment)
    # The 45-working-day clock belongs to the contact the assessment came from, when there is one.
    due = (Coalesce(contact_due, own_due), Coalesce(contact_deadline, own_deadline))
    return _worked_records(
        Assessment,
        "social_worker",
        {"status__in": (Assessment.Status.IN_PROGRESS, Assessment.Status.AWAITING_SIGN_OFF)},
        ASSESSMENT,
        team_ids,
        detail=F("status"),
        due=due,
    )


def enquiries(team_ids):
    return _worked_records(
        Section47Enquiry,
        "lead_social_worker",
        {"status": Section47Enquiry.Status.OPEN},
        ENQUIRY,
        team_ids,
        detail=F("status"),
        due=_due(Section47Enquiry),
    )


def cin_plans(team_ids):
    return _worked_records(
        ChildInNeedPlan,
        "lead_social_worker",
        {"status": ChildInNeedPlan.Status.ACTIVE},
        CIN_PLAN,
        team_ids,
        detail=F("status"),
        due=_due(ChildInNeedPlan),
    )


def cp_plans(team_ids):
    return _worked_records(
        ChildProtectionPlan,
        "lead_social_worker",
        {"status": ChildProtectionPlan.Status.ACTIVE},
        CP_PLAN,
        team_ids,
        detail=F("status"),
        due=_due(ChildProtectionPlan),
    )


def youth_justice(team_ids):
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
            )
        )
    return rows


def work_sources(teams) -> list[QuerySet]:
    """The queries of the teams' open work, ready for a UNION ALL."""
    team_ids = [team.pk for team in teams]
    queries: list[QuerySet] = []
    for source in (involvements, assessments, enquiries, cin_plans, cp_plans, youth_justice):
        queries += source(team_ids)
    queries += contacts(teams)
    return queries
