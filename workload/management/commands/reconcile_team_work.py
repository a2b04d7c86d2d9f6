"""Write Team work's copy of every team's open work again from the records (the Celery task does it hourly)."""

from django.core.management.base import BaseCommand

from workload.team_work.ledger import reconcile


class Command(BaseCommand):
    help = "Write every team's open work again from the records, for Team work (after a bulk load, say)."

    def handle(self, *args, **options):
        result = reconcile()
        self.stdout.write(f"Wrote {result['rows']} items of open work in {result['seconds']} seconds.")
