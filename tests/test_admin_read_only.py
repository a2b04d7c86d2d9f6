"""Django admin shows case records but is not a second way to change them.

Case records change only through their services (which check, log, notify and
start clocks); admin offers no add, change or delete for them, and a POST is
refused. Configuration stays editable. A grant given in admin goes through
`grant_child_access`, and opening a child in admin is decided and logged.
"""

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import AccessEvent, ChildUserObjectPermission, Role
from casework.models import Child, Person
from notifications.models import ClosureDay, Notification
from tests.factories import (
    ChildFactory,
    InvolvementFactory,
    RelationshipFactory,
    TeamFactory,
    UserFactory,
    break_glass,
    grant,
)
from tests.pathway_builders import client_for

pytestmark = pytest.mark.django_db

# Case data: every model of these apps, and these records of the others.
CASE_APPS = {"casework", "referrals"}
CASE_RECORDS = {
    "accounts.accessevent",
    "accounts.accessloganchor",
    "accounts.breakglassaccess",
    "accounts.childuserobjectpermission",
    "notifications.deadline",
    "notifications.deadlinenotice",
    "notifications.notification",
    "thresholds.thresholdassessment",
}
CONFIGURATION = {"casework.jointworkingprotocol"}
EDITABLE_CONFIGURATION = {
    "accounts.authority",
    "accounts.agency",
    "accounts.team",
    "accounts.user",
    "casework.jointworkingprotocol",
    "notifications.closureday",
    "notifications.timescalerule",
}


def label(model):
    return model._meta.label_lower


def is_case_record(model):
    return label(model) not in CONFIGURATION and (model._meta.app_label in CASE_APPS or label(model) in CASE_RECORDS)


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True, agency=None)


@pytest.fixture
def as_admin(administrator):
    return client_for(administrator)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class TestEveryCaseRecordIsReadOnly:
    def test_no_registered_case_record_can_be_added_changed_or_deleted(self, administrator):
        request = RequestFactory().get("/admin/")
        request.user = administrator
        case_admins = {m: a for m, a in admin.site._registry.items() if is_case_record(m)}
        assert {label(m) for m in case_admins} >= {"casework.child", "casework.person", "notifications.deadline"}
        for model, model_admin in case_admins.items():
            assert model_admin.has_view_permission(request), label(model)
            assert not model_admin.has_change_permission(request), label(model)
            assert not model_admin.has_delete_permission(request), label(model)
            # Grants may be given in admin, but only through the service (TestGrants).
            if label(model) != "accounts.childuserobjectpermission":
                assert not model_admin.has_add_permission(request), label(model)
            for inline in model_admin.get_inline_instances(request):
                assert not inline.has_add_permission(request, None), (label(model), inline)
                assert not inline.has_change_permission(request), (label(model), inline)
                assert not inline.has_delete_permission(request), (label(model), inline)

    def test_configuration_stays_editable(self, administrator):
        request = RequestFactory().get("/admin/")
        request.user = administrator
        for name in EDITABLE_CONFIGURATION:
            model_admin = admin.site._registry[apps.get_model(name)]
            assert model_admin.has_change_permission(request), name
            assert model_admin.has_add_permission(request), name


class TestChildInAdmin:
    def test_the_child_page_shows_the_record_and_its_involvements_without_a_form(self, as_admin):
        involvement = InvolvementFactory()
        child = involvement.child
        RelationshipFactory(child=child)
        page = as_admin.get(admin_url(Child, "change", child.pk))
        assert page.status_code == 200
        html = page.content.decode()
        assert child.first_name in html
        assert 'name="first_name"' not in html
        assert 'name="involvements-0-start"' not in html
        assert 'name="_save"' not in html
        assert involvement.agency.name in html

    def test_a_change_posted_anyway_is_refused(self, as_admin):
        child = ChildFactory(first_name="Original")
        response = as_admin.post(
            admin_url(Child, "change", child.pk),
            {"first_name": "Changed", "last_name": "Fictional", "date_of_birth": "2012-03-04"},
        )
        assert response.status_code == 403
        child.refresh_from_db()
        assert child.first_name == "Original"

    def test_adding_is_refused(self, as_admin):
        assert as_admin.get(admin_url(Child, "add")).status_code == 403
        response = as_admin.post(
            admin_url(Child, "add"), {"first_name": "New", "last_name": "Fictional", "date_of_birth": "2012-03-04"}
        )
        assert response.status_code == 403
        assert not Child.objects.exists()

    def test_deleting_is_refused_one_by_one_and_in_bulk(self, as_admin):
        child = ChildFactory()
        assert as_admin.post(admin_url(Child, "delete", child.pk), {"post": "yes"}).status_code == 403
        as_admin.post(
            admin_url(Child, "changelist"), {"action": "delete_selected", "_selected_action": [child.pk], "post": "yes"}
        )
        assert Child.objects.filter(pk=child.pk).exists()

    def test_opening_a_child_is_logged_as_administration(self, as_admin, administrator):
        child = ChildFactory()
        as_admin.get(admin_url(Child, "change", child.pk))
        event = AccessEvent.objects.get(child=child)
        assert (event.user, event.what, event.action, event.purpose, event.outcome) == (
            administrator,
            "admin:child",
            "read",
            "admin",
            "allowed",
        )

    def test_a_refused_change_is_logged_as_an_attempt(self, as_admin):
        child = ChildFactory()
        as_admin.post(admin_url(Child, "change", child.pk), {"first_name": "Changed"})
        event = AccessEvent.objects.get(child=child)
        assert (event.action, event.detail) == ("write", "refused: read-only in admin")

    def test_the_list_and_its_searches_are_logged(self, as_admin):
        found, other = ChildFactory(last_name="Searchable"), ChildFactory(last_name="Elsewhere")
        as_admin.get(admin_url(Child, "changelist"), {"q": "Searchable"})
        event = AccessEvent.objects.get(what="admin:child-list")
        assert event.action == "search"
        assert event.detail == f"query: Searchable\nreturned: {found.pk}"
        assert str(other.pk) not in event.detail.split("returned: ")[1].split(",")

    def test_staff_without_access_to_the_child_are_refused_and_logged(self):
        staff = UserFactory(role=Role.PRACTITIONER, is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_child", content_type__app_label="casework"))
        child = ChildFactory()
        assert client_for(staff).get(admin_url(Child, "change", child.pk)).status_code == 403
        event = AccessEvent.objects.get(child=child)
        assert (event.user, event.outcome) == (staff, "denied")


class TestOtherCaseRecords:
    def test_a_person_can_be_viewed_not_changed_or_deleted(self, as_admin):
        person = RelationshipFactory().person
        assert as_admin.get(admin_url(Person, "change", person.pk)).status_code == 200
        assert as_admin.post(admin_url(Person, "change", person.pk), {"first_name": "Changed"}).status_code == 403
        assert as_admin.post(admin_url(Person, "delete", person.pk), {"post": "yes"}).status_code == 403
        person.refresh_from_db()
        assert person.first_name == "Adult"

    def test_break_glass_can_be_viewed_not_changed_and_the_look_is_logged(self, as_admin):
        practitioner = UserFactory()
        access = break_glass(user=practitioner, child=ChildFactory())
        url = reverse("admin:accounts_breakglassaccess_change", args=[access.pk])
        assert as_admin.get(url).status_code == 200
        assert as_admin.post(url, {"review_comment": "Looks fine to me"}).status_code == 403
        access.refresh_from_db()
        assert access.review_comment == ""
        assert AccessEvent.objects.filter(child=access.child, what="admin:break-glass").exists()


class TestConfigurationStaysEditable:
    def test_a_team_can_be_renamed(self, as_admin):
        team = TeamFactory(name="Old name")
        response = as_admin.post(
            admin_url(team.__class__, "change", team.pk), {"name": "New name", "agency": team.agency_id}
        )
        assert response.status_code == 302
        team.refresh_from_db()
        assert team.name == "New name"

    def test_a_closure_day_can_be_added(self, as_admin):
        team = TeamFactory()
        response = as_admin.post(
            admin_url(ClosureDay, "add"),
            {"authority": team.agency.authority_id, "date": "2027-01-05", "reason": "Office move"},
        )
        assert response.status_code == 302
        assert ClosureDay.objects.filter(date=date(2027, 1, 5), reason="Office move").exists()


REASON = "Joint work with youth justice agreed at today's strategy meeting"


class TestGrants:
    def add(self, client, **data):
        return client.post(
            reverse("admin:accounts_childuserobjectpermission_add"),
            {"reason": REASON, "expires_at_0": "", "expires_at_1": ""} | data,
        )

    def test_a_grant_given_in_admin_goes_through_the_service(self, as_admin, administrator):
        practitioner, child = UserFactory(), ChildFactory()
        response = self.add(as_admin, user=practitioner.pk, content_object=child.pk)
        assert response.status_code == 302
        given = ChildUserObjectPermission.objects.get(user=practitioner, content_object=child)
        assert (given.reason, given.granted_by, given.permission.codename) == (REASON, administrator, "view_child")
        assert Notification.objects.filter(recipient=practitioner).count() == 1
        event = AccessEvent.objects.get(what="grant:create")
        assert (event.user, event.child, event.purpose, event.detail) == (
            administrator,
            child,
            "admin",
            f"granted to user {practitioner.pk}",
        )

    def test_a_grant_without_a_proper_reason_is_refused_on_the_form(self, as_admin):
        practitioner, child = UserFactory(), ChildFactory()
        response = self.add(as_admin, user=practitioner.pk, content_object=child.pk, reason="because")
        assert response.status_code == 200
        assert "Explain the reason in at least a sentence" in response.content.decode()
        assert not ChildUserObjectPermission.objects.exists()
        assert not Notification.objects.exists()

    def test_a_grant_ending_in_the_past_is_refused_on_the_form(self, as_admin):
        practitioner, child = UserFactory(), ChildFactory()
        response = self.add(
            as_admin, user=practitioner.pk, content_object=child.pk, expires_at_0="2020-01-01", expires_at_1="09:00"
        )
        assert "The end date must be in the future" in response.content.decode()
        assert not ChildUserObjectPermission.objects.exists()

    def test_a_grant_once_given_cannot_be_edited_or_deleted_here(self, as_admin):
        given = grant(user=UserFactory(), child=ChildFactory())
        url = reverse("admin:accounts_childuserobjectpermission_change", args=[given.pk])
        assert as_admin.get(url).status_code == 200
        assert as_admin.post(url, {"reason": "A different reason that is long enough"}).status_code == 403
        delete = reverse("admin:accounts_childuserobjectpermission_delete", args=[given.pk])
        assert as_admin.post(delete, {"post": "yes"}).status_code == 403
        given.refresh_from_db()
        assert given.reason.startswith("Joint work")
