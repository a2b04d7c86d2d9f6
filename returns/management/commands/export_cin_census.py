"""Write the CIN census XML for one authority and collection year.

    manage.py export_cin_census --year 2026-27 --authority 888 --out cin-census-2026-27.xml

The current year gives the year to date. The export is written to the access log (as the command
line). Add --check to run the file through the year's DfE validation rules and print what they find.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Authority
from returns.cin_census.services import census
from returns.cin_census.validation import ERROR, validate_census
from returns.cin_census.years import CollectionYear


class Command(BaseCommand):
    help = "Write the children in need census XML for an authority and collection year (e.g. 2026-27)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="The collection year, e.g. 2026-27")
        parser.add_argument("--authority", required=True, help="The authority's DfE code (la_code), e.g. 888")
        parser.add_argument("--out", required=True, help="The .xml file to write")
        parser.add_argument("--check", action="store_true", help="Run the year's validation rules on the file")

    def handle(self, *args, **options):
        try:
            year = CollectionYear.parse(options["year"])
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        authority = Authority.objects.filter(la_code=options["authority"]).first()
        if authority is None:
            raise CommandError(f"No authority has the code {options['authority']}")
        children = 0
        with open(options["out"], "w", encoding="utf-8") as out:
            for piece in census(authority, year):
                children += piece.count("<Child>")
                out.write(piece)
        self.stdout.write(f"Wrote the {year} census for {authority.la_code}: {children} children, {options['out']}")
        if options["check"]:
            with open(options["out"], encoding="utf-8") as written:
                issues = validate_census(written.read(), year)
            errors = sum(1 for issue in issues if issue.kind == ERROR)
            self.stdout.write(f"Validation: {errors} errors, {len(issues) - errors} queries")
            for issue in issues:
                # Rule codes and the returns reference only: no names on the console.
                self.stdout.write(
                    f"{issue.kind} {issue.rule} {issue.child_reference or '(whole return)'} {issue.field}"
                )
