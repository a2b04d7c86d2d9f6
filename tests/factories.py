"""Test data builders. Every name here is fictional."""

from datetime import date, timedelta

import factory
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import Agency, Authority, BreakGlassAccess, ChildUserObjectPermission, Role, Team, User
from casework.models import Child, Involvement, Person, Relationship
from referrals.models import Contact

PASSWORD = "a-test-password-1"


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("la_code",)

    name = factory.Sequence(lambda n: f"Testshire {n}")
    la_code = factory.Sequence(lambda n: f"{900 + n % 99}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    authority = factory.SubFactory(AuthorityFactory)
    kind = Agency.Kind.CSC
    name = factory.LazyAttributeSequence(lambda o, n: f"{o.kind} agency {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.PRACTITIONER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: f"Child{n}")
    last_name = "Fictional"
    date_of_birth = date(2012, 3, 4)


class InvolvementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Involvement

    child = factory.SubFactory(ChildFactory)
    agency = factory.SubFactory(AgencyFactory)
    kind = Involvement.Kind.CIN
    start = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    end = None


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Adult"
    last_name = "Fictional"


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    child = factory.SubFactory(ChildFactory)
    person = factory.SubFactory(PersonFactory)
    kind = Relationship.Kind.PARENT


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    child = factory.SubFactory(ChildFactory)
    received_at = factory.LazyFunction(timezone.now)


def grant(*, user, child, expires_at=None, reason="Joint work on the child's plan agreed today"):
    permission = Permission.objects.get(codename="view_child", content_type__app_label="casework")
    return ChildUserObjectPermission.objects.create(
        user=user, content_object=child, permission=permission, reason=reason, expires_at=expires_at
    )


def break_glass(*, user, child, expires_at=None):
    now = timezone.now()
    expires_at = expires_at or now + timedelta(hours=24)
    return BreakGlassAccess.objects.create(
        user=user,
        child=child,
        reason="Out of hours police call about this child",
        started_at=min(now, expires_at - timedelta(hours=24)),
        expires_at=expires_at,
    )


def authority_with_agencies(**authority_fields):
    """One authority with a CSC, a MASH and a CYJS agency, returned as (csc, mash, cyjs)."""
    authority = AuthorityFactory(**authority_fields)
    return tuple(
        AgencyFactory(authority=authority, kind=kind) for kind in (Agency.Kind.CSC, Agency.Kind.MASH, Agency.Kind.CYJS)
    )


def worker_in_new_team(agency, *, role=Role.PRACTITIONER, manager_role=Role.TEAM_MANAGER):
    """A worker in a new team of the agency whose team manager is also their line manager.

    Returns (worker, team, manager).
    """
    manager = UserFactory(role=manager_role, agency=agency)
    team = TeamFactory(agency=agency, manager=manager)
    manager.team = team
    manager.save(update_fields=["team"])
    worker = UserFactory(role=role, agency=agency, team=team, line_manager=manager)
    return worker, team, manager


def front_door_world():
    """An authority with CSC, MASH and CYJS teams (worker + manager each), a school with a
    teacher and a partner-system account, and a senior manager and head of service in MASH."""
    from types import SimpleNamespace

    csc, mash, cyjs = authority_with_agencies()
    mash_worker, mash_team, mash_manager = worker_in_new_team(
        mash, role=Role.MASH_WORKER, manager_role=Role.MASH_MANAGER
    )
    csc_worker, csc_team, csc_manager = worker_in_new_team(csc)
    cyjs_worker, cyjs_team, cyjs_manager = worker_in_new_team(cyjs)
    school = AgencyFactory(authority=csc.authority, kind=Agency.Kind.EDUCATION, name="Example Primary School")
    return SimpleNamespace(
        authority=csc.authority,
        csc=csc,
        mash=mash,
        cyjs=cyjs,
        school=school,
        mash_worker=mash_worker,
        mash_team=mash_team,
        mash_manager=mash_manager,
        csc_worker=csc_worker,
        csc_team=csc_team,
        csc_manager=csc_manager,
        cyjs_worker=cyjs_worker,
        cyjs_team=cyjs_team,
        cyjs_manager=cyjs_manager,
        teacher=UserFactory(
            agency=school, first_name="Terry", last_name="Teacher", job_title="Designated safeguarding lead"
        ),
        service=UserFactory(role=Role.SERVICE_ACCOUNT, agency=school),
        senior=UserFactory(role=Role.SENIOR_MANAGER, agency=mash),
        head=UserFactory(role=Role.HEAD_OF_SERVICE, agency=mash),
    )
