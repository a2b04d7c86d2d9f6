import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_runs_on_postgresql():
    # The suite is meant to run on real PostgreSQL (make test sets DATABASE_URL).
    assert connection.vendor == "postgresql"
