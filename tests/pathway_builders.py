"""Helpers every pathway test module uses: logged-in clients, date fields as a page posts them,
and a record's statutory clocks. The slices' own worlds are in tests/<slice>_builders.py."""

from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.test import APIClient

from notifications.models import Deadline


def client_for(user):
    """A browser-like client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def api_for(user):
    """An API client authenticated as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def date_parts(name, value):
    """A GOV.UK date field's three boxes as posted (empty for None)."""
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}


def clocks(subject, rule_code, **filters):
    """The deadlines of one rule on a record (an assessment, an enquiry, a plan...)."""
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, rule_code=rule_code, **filters
    )
