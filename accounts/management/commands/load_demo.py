"""Fictional demo data: two authorities, their agencies and teams, demo users
and a handful of children covering the main access situations.

Every person, name, address and NHS number here is invented (NHS numbers are
in the 999 test range). Idempotent: a second run changes nothing.
Organisation and user rows are brought back to the values below; case records
(children, people, involvements, contacts) are only created when missing, so
changes made while trying the app out are kept.

Organisations, users, children and involvements are written directly; contacts
and the child protection records go through the services (see _demo_pathway),
so their clocks and access-log rows are real.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.demo_history import load_history
from accounts.demo_history.front_door import POLICE, REFERRERS, SCHOOL, decided_referral
from accounts.demo_history.people import upns
from accounts.demo_history.writer import HistoryWriter
from accounts.management.commands import _demo_pathway as demo_pathway
from accounts.models import Agency, Authority, Role, Team, User
from casework.history.context import changes_by_system
from casework.models import Child, Involvement, JointWorkingProtocol, Person, Relationship
from casework.models.justice import somerset_disagreement_ladder
from casework.validators import nhs_number_is_valid
from notifications.calendar import add_working_days
from notifications.clocks import calendar_for
from referrals import services as front_door
from referrals.models import Contact, Decision

AUTHORITIES = [("888", "Lancashire"), ("933", "Somerset")]

AGENCY_NAMES = {
    Agency.Kind.CSC: "{} Children's Social Care",
    Agency.Kind.CYJS: "{} Child and Youth Justice Service",
    Agency.Kind.MASH: "{} Multi-Agency Safeguarding Hub",
    Agency.Kind.POLICE: "{} Police",
    Agency.Kind.HEALTH: "{} Health",
    Agency.Kind.EDUCATION: "{} Education",
}

# Teams of the demo authority: (agency kind, team name, manager's username).
TEAMS = [
    (Agency.Kind.CSC, "CSC Locality Team North", "csc.manager"),
    (Agency.Kind.CYJS, "CYJS Team Central", "cyjs.manager"),
    (Agency.Kind.MASH, "MASH Team", "mash.manager"),
]

DEMO_AUTHORITY = "888"  # every demo user works for Lancashire

# username: (first name, last name, role, agency kind, team name or None, line manager or None, job title)
USERS = {
    "csc.senior": ("Sam", "Demo-Senior", Role.SENIOR_MANAGER, Agency.Kind.CSC, None, None, "Service manager"),
    "csc.manager": (
        "Jo",
        "Demo-Manager",
        Role.TEAM_MANAGER,
        Agency.Kind.CSC,
        "CSC Locality Team North",
        "csc.senior",
        "Team manager",
    ),
    "csc.worker": (
        "Alex",
        "Demo-Worker",
        Role.PRACTITIONER,
        Agency.Kind.CSC,
        "CSC Locality Team North",
        "csc.manager",
        "Social worker",
    ),
    "csc.worker2": (
        "Morgan",
        "Demo-Fieldworker",
        Role.PRACTITIONER,
        Agency.Kind.CSC,
        "CSC Locality Team North",
        "csc.manager",
        "Social worker",
    ),
    "csc.worker3": (
        "Riley",
        "Demo-Caseholder",
        Role.PRACTITIONER,
        Agency.Kind.CSC,
        "CSC Locality Team North",
        "csc.manager",
        "Senior social worker",
    ),
    "cyjs.head": ("Robin", "Demo-Head", Role.HEAD_OF_SERVICE, Agency.Kind.CYJS, None, None, "Head of service"),
    "cyjs.manager": (
        "Chris",
        "Demo-Lead",
        Role.TEAM_MANAGER,
        Agency.Kind.CYJS,
        "CYJS Team Central",
        "cyjs.head",
        "Team manager",
    ),
    "cyjs.worker": (
        "Jamie",
        "Demo-Caseworker",
        Role.PRACTITIONER,
        Agency.Kind.CYJS,
        "CYJS Team Central",
        "cyjs.manager",
        "Youth justice officer",
    ),
    "cyjs.worker2": (
        "Taylor",
        "Demo-Mentor",
        Role.PRACTITIONER,
        Agency.Kind.CYJS,
        "CYJS Team Central",
        "cyjs.manager",
        "Youth justice officer",
    ),
    "cyjs.worker3": (
        "Jesse",
        "Demo-Prevention",
        Role.PRACTITIONER,
        Agency.Kind.CYJS,
        "CYJS Team Central",
        "cyjs.manager",
        "Prevention worker",
    ),
    "mash.manager": ("Pat", "Demo-Hubmanager", Role.MASH_MANAGER, Agency.Kind.MASH, "MASH Team", None, "MASH manager"),
    "mash.worker": (
        "Drew",
        "Demo-Triage",
        Role.MASH_WORKER,
        Agency.Kind.MASH,
        "MASH Team",
        "mash.manager",
        "MASH social worker",
    ),
    "mash.worker2": (
        "Avery",
        "Demo-Screener",
        Role.MASH_WORKER,
        Agency.Kind.MASH,
        "MASH Team",
        "mash.manager",
        "MASH social worker",
    ),
    "chair": (
        "Kim",
        "Demo-Chair",
        Role.CONFERENCE_CHAIR,
        Agency.Kind.CSC,
        None,
        "csc.senior",
        "Child protection chair",
    ),
    "auditor": ("Lee", "Demo-Auditor", Role.AUDITOR, Agency.Kind.CSC, None, None, "Quality assurance auditor"),
    "admin": ("Max", "Demo-Admin", Role.ADMINISTRATOR, Agency.Kind.CSC, None, None, "System administrator"),
}

# The referral that began each hand-written child's social care work: (first name, last name,
# referrer, decision outcome, concern categories). Written on the day the work began.
REFERRALS = [
    ("Ruby", "Fictional", SCHOOL, Decision.Outcome.ASSESSMENT, ["neglect"]),
    ("Jordan", "Example", POLICE, Decision.Outcome.STRATEGY_DISCUSSION, ["physical"]),
    ("Casey", "Specimen", SCHOOL, Decision.Outcome.STRATEGY_DISCUSSION, ["physical"]),
    *[
        ("Ava", "Placeholder", POLICE, Decision.Outcome.ASSESSMENT, ["domestic_abuse"]),
        ("Leo", "Placeholder", POLICE, Decision.Outcome.ASSESSMENT, ["domestic_abuse"]),
        ("Mia", "Placeholder", POLICE, Decision.Outcome.ASSESSMENT, ["domestic_abuse"]),
    ],
]
assert all(referrer in REFERRERS for _first, _last, referrer, *_ in REFERRALS)

FAMILY_ADDRESS = "1 Fictional Row\nExampletown"
FAMILY_POSTCODE = "ZZ1 1ZZ"  # not a real postcode area


def _upsert(model, lookup, values):
    """Create the row, or bring its fields to `values`; save only if something differs.

    Returns (obj, changed).
    """
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if created:
        return obj, True
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
    return obj, bool(changed)


class Command(BaseCommand):
    help = "Load fictional demo authorities, users and children. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even with DEBUG off (a demo server). Never on a live system: the passwords are public.",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the year of generated history for Lancashire (quicker; for tests that do not need it).",
        )

    def handle(self, *args, quiet=False, allow_without_debug=False, no_history=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "Demo users have a published password: refusing with DEBUG off. "
                "Use --allow-without-debug for a demonstration server."
            )
        self.changes = 0
        self._upns = upns(DEMO_AUTHORITY, first=900_000_001)
        with changes_by_system("Demo data"):
            with transaction.atomic():
                agencies = self._organisations()
                self._protocols()
                users = self._users(agencies)
                self._children(agencies, users)
            # Authority overrides of timescale rules need the authorities to exist first.
            call_command("load_timescale_rules", quiet=True)
            # Assessments, strategy discussions, an enquiry and a plan, through the services.
            with transaction.atomic():
                self._referrals(agencies)
                demo_pathway.load(users, self._count)
            if not no_history:
                # A year of contacts, plans and youth justice work, so dashboards have trends.
                self._count(bool(load_history()))
        if not quiet:
            self._report()

    # Organisations ------------------------------------------------------

    def _count(self, changed):
        self.changes += int(changed)

    def _organisations(self):
        """Returns {(la_code, kind): Agency}."""
        agencies = {}
        for la_code, name in AUTHORITIES:
            authority, changed = _upsert(
                # Demo users sign in with the published password alone.
                Authority,
                {"la_code": la_code},
                {"name": name, "require_two_factor": False},
            )
            self._count(changed)
            for kind, pattern in AGENCY_NAMES.items():
                agency, changed = _upsert(
                    Agency, {"authority": authority, "name": pattern.format(name)}, {"kind": kind}
                )
                self._count(changed)
                agencies[(la_code, kind)] = agency
        return agencies

    def _protocols(self):
        """Somerset's joint working protocol differs from the defaults (Lancashire's): seed 003
        treats bail to reside as looked after always, ends s20 accommodation on custody at any
        age and keeps no CSC stay-open period after a DTO (somerset-vs-lancashire §5.3); its joint
        working disagreements go practitioners → managers → Operations Manager (003 L97)."""
        somerset = Authority.objects.get(la_code="933")
        protocol, created = JointWorkingProtocol.objects.get_or_create(
            authority=somerset,
            defaults={
                "bail_to_reside": JointWorkingProtocol.BailToReside.ALWAYS,
                "section_20_ends_on_custody_under": None,
                "csc_stays_open_after_custody": False,
                "disagreement_ladder": somerset_disagreement_ladder(),
                # 003 L116: CSC attends court where it has PR by an interim or full care order.
                "csc_attends_court": JointWorkingProtocol.CscAttendsCourt.CARE_ORDER,
                # 003 L162: the custody planning meeting (10 WD) and the joint CSC and YJS visit (7 WD).
                "custody_local_clocks": True,
            },
        )
        if not created and protocol.disagreement_ladder != somerset_disagreement_ladder():
            # A demo database loaded before the ladder was a setting has Lancashire's four stages.
            protocol.disagreement_ladder = somerset_disagreement_ladder()
            protocol.save(update_fields=["disagreement_ladder"])
            created = True
        self._count(created)

    def _users(self, agencies):
        teams = {}
        for kind, team_name, _manager in TEAMS:
            team, changed = _upsert(Team, {"agency": agencies[(DEMO_AUTHORITY, kind)], "name": team_name}, {})
            self._count(changed)
            teams[team_name] = team

        users = {}
        password = settings.DEMO_PASSWORD
        # Hash once and share the hash (one password for every demo user), and
        # check each distinct stored hash once: password hashing is slow on purpose.
        encoded, checked = None, {}
        for username, (first, last, role, kind, team_name, _lm, job_title) in USERS.items():
            is_admin = role == Role.ADMINISTRATOR
            user, changed = _upsert(
                User,
                {"username": username},
                {
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.invalid",
                    "role": role,
                    "agency": agencies[(DEMO_AUTHORITY, kind)],
                    "team": teams[team_name] if team_name else None,
                    "job_title": job_title,
                    "is_active": True,
                    "is_staff": is_admin,
                    "is_superuser": is_admin,
                },
            )
            self._count(changed)
            if user.password not in checked:
                checked[user.password] = user.has_usable_password() and check_password(password, user.password)
            if not checked[user.password]:
                encoded = encoded or make_password(password)
                user.password = encoded
                user.save(update_fields=["password"])
                checked[encoded] = True
                self._count(True)
            users[username] = user

        # A partner system for trying the API: it has no password, only the service tokens an
        # administrator makes for it (manage.py create_service_token --user police-system ...).
        system, changed = _upsert(
            User,
            {"username": "police-system"},
            {
                "first_name": "Police custody",
                "last_name": "system",
                "role": Role.SERVICE_ACCOUNT,
                "agency": agencies[(DEMO_AUTHORITY, Agency.Kind.POLICE)],
                "job_title": "Partner system",
                "is_active": True,
            },
        )
        self._count(changed)
        if system.has_usable_password():
            system.set_unusable_password()
            system.save(update_fields=["password"])
            self._count(True)

        # Line managers and team managers once every user exists.
        for username, (*_, line_manager, _job_title) in USERS.items():
            _, changed = _upsert(
                User, {"username": username}, {"line_manager": users[line_manager] if line_manager else None}
            )
            self._count(changed)
        for _kind, team_name, manager in TEAMS:
            team = teams[team_name]
            if team.manager_id != users[manager].pk:
                team.manager = users[manager]
                team.save(update_fields=["manager"])
                self._count(True)
        return users

    # Case records -------------------------------------------------------

    def _child(self, first_name, last_name, date_of_birth, **values):
        nhs_number = values.get("nhs_number")
        if nhs_number and not nhs_number_is_valid(nhs_number):
            raise ValueError("demo NHS number fails the modulus-11 check")  # a mistake in this file
        # What the census asks of every child: sex (as recorded before the DfE split it from
        # gender) and disability.
        values.setdefault("sex", {"1": "M", "2": "F"}.get(values.get("gender", ""), "U"))
        values.setdefault("disabilities", ["NONE"])
        # Every hand-written child is of school age, with a pupil number: the council's code and
        # a serial far from the generated history's (accounts/demo_history/people.py).
        values.setdefault("upn", next(self._upns))
        child, created = Child.objects.get_or_create(
            first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, defaults=values
        )
        self._count(created)
        return child

    def _involvement(self, child, agency, kind, start, *, worker=None, team=None, lead=False, legal_basis=""):
        # Keyed on (child, agency, kind): a demo involvement closed while trying
        # the app out stays closed. A looked-after ("cla") involvement needs its legal basis
        # (Involvement.LegalBasis); the remand in _demo_pathway opens one through the service.
        _, created = Involvement.objects.get_or_create(
            child=child,
            agency=agency,
            kind=kind,
            defaults={
                "start": start,
                "allocated_worker": worker,
                "team": team,
                "is_lead_agency": lead,
                "legal_basis": legal_basis,
            },
        )
        self._count(created)

    def _children(self, agencies, users):
        csc = agencies[(DEMO_AUTHORITY, Agency.Kind.CSC)]
        cyjs = agencies[(DEMO_AUTHORITY, Agency.Kind.CYJS)]
        csc_worker, cyjs_worker = users["csc.worker"], users["cyjs.worker"]
        csc_team, cyjs_team = csc_worker.team, cyjs_worker.team
        Kind = Involvement.Kind
        today = timezone.localdate()

        def weeks_ago(n):
            # Start dates only apply when an involvement is first created.
            return today - timedelta(weeks=n)

        # Known only to children's social care.
        child = self._child(
            "Ruby",
            "Fictional",
            date(2015, 3, 12),
            gender="2",
            ethnicity="WBRI",
            nhs_number="9990000115",
            created_by=csc_worker,
        )
        # Referred 50 working days ago: its assessment (_demo_pathway) is past its 45 working days.
        referred_on = add_working_days(today, -50, calendar=calendar_for(csc.authority))
        self._involvement(child, csc, Kind.CIN, referred_on, worker=csc_worker, team=csc_team, lead=True)

        # Known only to the youth justice service.
        child = self._child(
            "Tyler",
            "Sample",
            date(2009, 7, 30),
            gender="1",
            ethnicity="MWBC",
            nhs_number="9990001480",
            yot_reference="DEMO-YJ-0001",
            created_by=cyjs_worker,
        )
        self._involvement(
            child, cyjs, Kind.YJ_COURT_ORDER, weeks_ago(20), worker=cyjs_worker, team=cyjs_team, lead=True
        )

        # Worked jointly: child protection and remand; youth justice leads.
        child = self._child(
            "Jordan",
            "Example",
            date(2010, 1, 18),
            gender="1",
            ethnicity="BCRB",
            nhs_number="9990002851",
            yot_reference="DEMO-YJ-0002",
            created_by=csc_worker,
        )
        self._involvement(child, csc, Kind.CP, weeks_ago(12), worker=csc_worker, team=csc_team)
        self._involvement(child, cyjs, Kind.YJ_REMAND, weeks_ago(3), worker=cyjs_worker, team=cyjs_team, lead=True)

        # Restricted record.
        child = self._child(
            "Casey",
            "Specimen",
            date(2012, 10, 5),
            gender="9",
            ethnicity="NOBT",
            restricted=True,
            created_by=csc_worker,
        )
        self._involvement(child, csc, Kind.CP, weeks_ago(8), worker=csc_worker, team=csc_team, lead=True)

        # Three siblings at one address with their mother.
        siblings = [
            self._child(
                first,
                "Placeholder",
                dob,
                gender=gender,
                ethnicity="WOTH",
                nhs_number=nhs,
                address=FAMILY_ADDRESS,
                postcode=FAMILY_POSTCODE,
                created_by=csc_worker,
            )
            for first, dob, gender, nhs in [
                ("Ava", date(2013, 5, 2), "2", "9990004226"),
                ("Leo", date(2016, 8, 21), "1", "9990005591"),
                ("Mia", date(2020, 12, 9), "2", "9990006962"),
            ]
        ]
        mother, created = Person.objects.get_or_create(
            first_name="Morgan", last_name="Placeholder", date_of_birth=date(1990, 4, 14), child_record=None
        )
        self._count(created)
        as_person = {}
        for sibling in siblings:
            person, created = Person.objects.get_or_create(
                child_record=sibling,
                defaults={
                    "first_name": sibling.first_name,
                    "last_name": sibling.last_name,
                    "date_of_birth": sibling.date_of_birth,
                },
            )
            self._count(created)
            as_person[sibling.pk] = person
        for sibling in siblings:
            self._relationship(sibling, mother, Relationship.Kind.PARENT)
            for other in siblings:
                if other.pk != sibling.pk:
                    self._relationship(sibling, as_person[other.pk], Relationship.Kind.SIBLING)
            self._involvement(sibling, csc, Kind.CIN, weeks_ago(16), worker=csc_worker, team=csc_team, lead=True)

        # Open contacts at the front door about children new to the service: the contact
        # records the child and MASH's involvement, as a real one does.
        mash_worker = users["mash.worker"]
        self._contact(
            {
                "first_name": "Sky",
                "last_name": "Fictional",
                "date_of_birth": date(2018, 6, 27),
                "nhs_number": "9990008337",
            },
            mash_worker,
            "A school nurse",
            "health",
            ["neglect"],
            rag="red",
        )
        for first, dob, category, rag in (
            ("Robin", date(2012, 2, 14), "missing", "amber"),
            ("Ash", date(2020, 9, 3), "domestic_abuse", "green"),
        ):
            self._contact(
                {"first_name": first, "last_name": "Sample", "date_of_birth": dob},
                mash_worker,
                "A teacher",
                "education",
                [category],
                rag=rag,
            )

    def _referrals(self, agencies):
        """The referral that began each hand-written child's social care work, decided on the day
        it began, written as the generated history writes its referrals (accounts/demo_history), so
        the census has each episode's referral date, source and the child's main need. Only where
        the child has no referral on or before that day."""
        csc = agencies[(DEMO_AUTHORITY, Agency.Kind.CSC)]
        writer = None
        for first_name, last_name, referrer, outcome, categories in REFERRALS:
            involvement = (
                Involvement.objects.filter(
                    child__first_name=first_name,
                    child__last_name=last_name,
                    agency=csc,
                    kind__in=[Involvement.Kind.CIN, Involvement.Kind.CP],
                )
                .select_related("child")
                .order_by("start")
                .first()
            )
            if involvement is None:
                continue
            referred = timezone.make_aware(datetime.combine(involvement.start, time(10)))
            if Decision.objects.filter(
                contact__child=involvement.child,
                contact__received_at__lt=referred + timedelta(days=1),
                outcome__in=Decision.REFERRAL_OUTCOMES,
            ).exists():
                continue
            writer = writer or HistoryWriter(authority=csc.authority, today=timezone.localdate())
            decided_referral(
                writer,
                involvement.child,
                referred,
                referrer=referrer,
                outcome=outcome,
                categories=categories,
                rationale="Fictional demo rationale: the information gathered supports this decision.",
            )
        if writer is not None:
            writer.write_rows()
            self._count(True)

    def _contact(self, child, mash_worker, referrer, agency, categories, *, rag):
        """An open contact at the front door about a new child, made through the same service as a real one."""
        if child.get("nhs_number") and not nhs_number_is_valid(child["nhs_number"]):
            raise ValueError("demo NHS number fails the modulus-11 check")  # a mistake in this file
        keys = {k: child[k] for k in ("first_name", "last_name", "date_of_birth")}
        if Contact.objects.filter(**{f"child__{k}": v for k, v in keys.items()}).exists():
            return
        details = front_door.ContactDetails(
            received_at=timezone.now() - timedelta(hours=2),
            referrer={
                "name": referrer,
                "agency": agency,
                "role": "safeguarding lead",
                "contact": "via the school office",
            },
            child=child,
            concerns="Fictional demo concern for trying the triage screen.",
            categories=categories,
            consent=Contact.Consent.GIVEN,
        )
        contact = front_door.receive_contact(received_by=mash_worker, details=details)
        front_door.set_rag(contact=contact, by=mash_worker, rag=rag)
        self._count(True)

    def _relationship(self, child, person, kind):
        _, created = Relationship.objects.get_or_create(
            child=child, person=person, kind=kind, defaults={"lives_with_child": True}
        )
        self._count(created)

    # Output -------------------------------------------------------------

    def _report(self):
        # Sign-in names only: never children's names or other case details.
        write = self.stdout.write
        write("Demo data loaded." if self.changes else "Demo data already up to date.")
        write("Sign in as one of (password: the DEMO_PASSWORD setting, default safeguarding-demo):")
        width = max(map(len, USERS))
        for username, (_first, _last, role, *_rest) in USERS.items():
            write(f"  {username.ljust(width)}  {Role(role).label}")
