"""Work out the performance dashboard's monthly figures now (the Celery task does it every 15 minutes)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Authority
from performance import months
from performance.services import refresh_monthly_figures
from performance.tasks import DASHBOARD_MONTHS


class Command(BaseCommand):
    help = "Work out the performance measures month by month (default: the 13 months the dashboard shows)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months", type=int, default=DASHBOARD_MONTHS, help="How many months back, this one included"
        )
        parser.add_argument("--authority", help="DfE local authority code, e.g. 888 (default: every authority)")

    def handle(self, *args, **options):
        from django.utils import timezone

        authority = None
        if options["authority"]:
            authority = Authority.objects.filter(la_code=options["authority"]).first()
            if authority is None:
                raise CommandError(f"No authority with the code {options['authority']}")
        if options["months"] < 1:
            raise CommandError("Give at least one month")
        chosen = months.recent(timezone.localdate(), options["months"])
        result = refresh_monthly_figures(months=chosen, authority=authority)
        self.stdout.write(
            f"Worked out {result.rows} figures for {result.authorities} "
            f"{'authority' if result.authorities == 1 else 'authorities'}, "
            f"{chosen[0]:%B %Y} to {chosen[-1]:%B %Y}."
        )
