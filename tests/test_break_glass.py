"""Break-glass (emergency) access through the pages: asking, being told off, review and expiry."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.models import AccessEvent, BreakGlassAccess, Role
from accounts.services import review_break_glass
from notifications.models import Notification
from tests.factories import ChildFactory, InvolvementFactory, UserFactory, authority_with_agencies, worker_in_new_team

pytestmark = pytest.mark.django_db

REASON = "The police called out of hours about this child and I need the address now"


def make_case(**authority_fields):
    """A CSC practitioner with a line manager, and a child only the youth justice service works with."""
    csc, _mash, cyjs = authority_with_agencies(**authority_fields)
    worker, team, manager = worker_in_new_team(csc)
    child = ChildFactory()
    InvolvementFactory(child=child, agency=cyjs)
    return SimpleNamespace(csc=csc, worker=worker, team=team, manager=manager, child=child)


@pytest.fixture
def case():
    return make_case()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def ask(client, child, reason):
    return client.post(f"/children/{child.pk}/break-glass/", {"reason": reason})


def test_record_is_refused_before_break_glass(case):
    response = signed_in(case.worker).get(f"/children/{case.child.pk}/")
    assert response.status_code == 403
    assert "Get emergency access" in response.content.decode()


@pytest.mark.parametrize(
    "reason, error",
    [
        ("", "Enter the reason you need access"),
        ("   ", "Enter the reason you need access"),
        ("Emergency", "Explain the reason in at least a sentence"),
        ("Police called urgently", "Explain the reason in at least a sentence"),  # three words
    ],
)
def test_a_missing_or_thin_reason_is_refused_and_nothing_is_saved(case, reason, error):
    client = signed_in(case.worker)
    response = ask(client, case.child, reason)
    assert response.status_code == 403
    content = response.content.decode()
    assert "There is a problem" in content
    assert (
        f'<p id="id_reason-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {error}</p>'
        in content
    )
    assert not BreakGlassAccess.objects.exists()
    assert not Notification.objects.filter(recipient=case.manager).exists()
    assert signed_in(case.worker).get(f"/children/{case.child.pk}/").status_code == 403
    refused = AccessEvent.objects.filter(what="break-glass:refused", child=case.child).get()
    assert (refused.outcome, refused.purpose) == ("denied", "none")


@pytest.mark.parametrize("authority_fields, hours", [({}, 24), ({"name": "Somersetlike", "break_glass_hours": 4}, 4)])
def test_a_good_reason_opens_the_record_for_the_authoritys_period_and_tells_the_manager(authority_fields, hours):
    case = make_case(**authority_fields)
    client = signed_in(case.worker)
    with time_machine.travel(timezone.now(), tick=False):
        started = timezone.now()
        response = ask(client, case.child, REASON)
        assert response.status_code == 302
        assert response["Location"] == f"/children/{case.child.pk}/"

        access = BreakGlassAccess.objects.get()
        assert (access.user, access.child, access.reason) == (case.worker, case.child, REASON)
        assert access.started_at == started
        assert access.expires_at == started + timedelta(hours=hours)
        assert access.reviewed_at is None

        response = client.get(f"/children/{case.child.pk}/")
        assert response.status_code == 200
        assert "You are using emergency access until" in response.content.decode()
        latest = AccessEvent.objects.order_by("-id").first()
        assert (latest.what, latest.outcome, latest.purpose) == ("page:child-record", "allowed", "break_glass")

    started_event = AccessEvent.objects.get(what="break-glass:start")
    assert (started_event.user, started_event.child_id, started_event.purpose) == (
        case.worker,
        case.child.pk,
        "break_glass",
    )
    notice = Notification.objects.get(recipient=case.manager)
    assert notice.link == f"/break-glass/{access.pk}/"
    assert not Notification.objects.exclude(recipient=case.manager).exists()


def test_break_glass_ends_when_it_expires(case):
    client = signed_in(case.worker)
    assert ask(client, case.child, REASON).status_code == 302
    access = BreakGlassAccess.objects.get()

    with time_machine.travel(access.expires_at - timedelta(minutes=1), tick=False):
        assert signed_in(case.worker).get(f"/children/{case.child.pk}/").status_code == 200

    with time_machine.travel(access.expires_at + timedelta(minutes=1), tick=False):
        client = signed_in(case.worker)  # the first session has itself expired by now
        response = client.get(f"/children/{case.child.pk}/")
        assert response.status_code == 403
        assert "Get emergency access" in response.content.decode()
        latest = AccessEvent.objects.order_by("-id").first()
        assert (latest.outcome, latest.purpose) == ("denied", "none")


def test_manager_sees_and_reviews_break_glass(case):
    assert ask(signed_in(case.worker), case.child, REASON).status_code == 302
    access = BreakGlassAccess.objects.get()
    manager = signed_in(case.manager)

    listing = manager.get("/break-glass/")
    assert listing.status_code == 200
    assert list(listing.context["page"].object_list) == [access]
    assert f'href="/break-glass/{access.pk}/"' in listing.content.decode()

    page = manager.get(f"/break-glass/{access.pk}/")
    assert page.status_code == 200
    assert REASON in page.content.decode()

    # An empty comment is refused and nothing is saved.
    response = manager.post(f"/break-glass/{access.pk}/", {"comment": "  "})
    assert response.status_code == 200
    assert "Enter a comment on this access" in response.content.decode()
    access.refresh_from_db()
    assert (access.reviewed_at, access.reviewed_by, access.review_comment) == (None, None, "")

    response = manager.post(f"/break-glass/{access.pk}/", {"comment": "Justified: the police needed the address"})
    assert response.status_code == 302
    assert response["Location"] == "/break-glass/"
    access.refresh_from_db()
    assert access.reviewed_by == case.manager
    assert access.reviewed_at is not None
    assert access.review_comment == "Justified: the police needed the address"

    assert list(manager.get("/break-glass/").context["page"].object_list) == []
    assert list(manager.get("/break-glass/", {"show": "all"}).context["page"].object_list) == [access]
    # A second review cannot overwrite the first.
    manager.post(f"/break-glass/{access.pk}/", {"comment": "Changed my mind"})
    access.refresh_from_db()
    assert access.review_comment == "Justified: the police needed the address"


def test_a_manager_who_does_not_manage_the_user_cannot_review(case):
    assert ask(signed_in(case.worker), case.child, REASON).status_code == 302
    access = BreakGlassAccess.objects.get()
    _worker, _team, other_manager = worker_in_new_team(case.csc)
    client = signed_in(other_manager)

    assert client.get(f"/break-glass/{access.pk}/").status_code == 404
    assert client.post(f"/break-glass/{access.pk}/", {"comment": "Looks fine to me"}).status_code == 404
    assert list(client.get("/break-glass/").context["page"].object_list) == []
    access.refresh_from_db()
    assert access.reviewed_at is None


def test_practitioner_cannot_open_the_review_pages(case):
    assert ask(signed_in(case.worker), case.child, REASON).status_code == 302
    access = BreakGlassAccess.objects.get()
    client = signed_in(case.worker)
    assert client.get("/break-glass/").status_code == 403
    assert client.get(f"/break-glass/{access.pk}/").status_code == 404
    assert client.post(f"/break-glass/{access.pk}/", {"comment": "Reviewing my own access"}).status_code == 404
    access.refresh_from_db()
    assert access.reviewed_at is None


def test_someone_who_can_already_see_the_record_is_sent_to_it(case):
    own = ChildFactory()
    InvolvementFactory(child=own, agency=case.csc)
    response = ask(signed_in(case.worker), own, REASON)
    assert response.status_code == 302
    assert response["Location"] == f"/children/{own.pk}/"
    assert not BreakGlassAccess.objects.exists()


@pytest.mark.parametrize("role", [Role.SERVICE_ACCOUNT, Role.AUDITOR])
def test_roles_without_break_glass_cannot_start_it(case, role):
    user = UserFactory(role=role, agency=case.csc)
    response = ask(signed_in(user), case.child, REASON)
    assert response.status_code in (403, 404)
    assert not BreakGlassAccess.objects.exists()


def test_a_manager_cannot_review_their_own_break_glass(case):
    """A team manager manages their own team, but must not mark their own emergency access reviewed."""
    senior = UserFactory(role=Role.SENIOR_MANAGER, agency=case.csc)
    case.manager.line_manager = senior
    case.manager.save(update_fields=["line_manager"])
    assert case.team.manager == case.manager and case.manager.team == case.team

    assert ask(signed_in(case.manager), case.child, REASON).status_code == 302
    access = BreakGlassAccess.objects.get()
    assert Notification.objects.filter(recipient=senior).count() == 1
    assert not Notification.objects.filter(recipient=case.manager).exists()

    own = signed_in(case.manager)
    assert list(own.get("/break-glass/").context["page"].object_list) == []
    assert own.get(f"/break-glass/{access.pk}/").status_code == 404
    assert own.post(f"/break-glass/{access.pk}/", {"comment": "I was right to do this"}).status_code == 404
    access.refresh_from_db()
    assert access.reviewed_at is None

    # Their own manager reviews it.
    response = signed_in(senior).post(f"/break-glass/{access.pk}/", {"comment": "Agreed, the police needed it"})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.reviewed_by == senior


def test_the_review_service_refuses_an_empty_comment_too(case):
    """The page's form catches a blank comment first; the service must not rely on it."""
    assert ask(signed_in(case.worker), case.child, REASON).status_code == 302
    access = BreakGlassAccess.objects.get()
    with pytest.raises(ValidationError) as error:
        review_break_glass(manager=case.manager, break_glass=access, comment="   ")
    assert error.value.message_dict == {"comment": ["Enter a comment on this access"]}
    access.refresh_from_db()
    assert access.reviewed_at is None
