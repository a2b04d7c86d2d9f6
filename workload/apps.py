from django.apps import AppConfig


class WorkloadConfig(AppConfig):
    """Running the work: worktrays, Team work, caseloads. Reads the records; writes only its own copy
    of each team's open work (`workload.team_work.ledger`), kept as the records change."""

    name = "workload"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .team_work import receivers

        receivers.connect()
