"""Run the data quality check of this year's CIN census now (Celery beat runs it each night).

manage.py check_census_data_quality --authority 888
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Authority
from returns.data_quality.services import run_check


class Command(BaseCommand):
    help = "Check the year-to-date CIN census against the DfE's rules and store what is found (the data quality page)."

    def add_arguments(self, parser):
        parser.add_argument("--authority", help="The authority's DfE code (la_code); every authority if left out")

    def handle(self, *args, **options):
        authorities = Authority.objects.order_by("la_code")
        if options["authority"]:
            authorities = authorities.filter(la_code=options["authority"])
            if not authorities.exists():
                raise CommandError(f"No authority has the code {options['authority']}")
        for authority in authorities:
            run = run_check(authority=authority)
            self.stdout.write(
                f"Checked the {run.year} census for {authority.la_code}: {run.errors} errors, {run.queries} queries."
            )
