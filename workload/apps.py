from django.apps import AppConfig


class WorkloadConfig(AppConfig):
    """Running the work: worktrays, Team work, caseloads. Reads only; writes go through casework and referrals services."""

    name = "workload"
    default_auto_field = "django.db.models.BigAutoField"
