"""Write Ofsted's Annex A lists for one authority and period to an Excel workbook.

    manage.py export_annex_a --authority 888 --from 2026-04-01 --to 2027-03-31 --out annex-a.xlsx --by j.analyst

`--by` names the person running it (someone who may prepare returns in that authority): the
access log records who took each list, as it does for a download from /returns/annex-a/.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.access import may_prepare_returns
from accounts.models import Authority, User
from returns.annex_a import export
from returns.annex_a.columns import all_lists
from returns.annex_a.sources import Period, Scope


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"{text} is not a date: write it as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = "Write Ofsted's Annex A lists for an authority and period (both days included) to an Excel workbook."

    def add_arguments(self, parser):
        parser.add_argument("--authority", required=True, help="The authority's DfE code (la_code), e.g. 888")
        parser.add_argument("--from", dest="first", required=True, help="First day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="Last day, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="The .xlsx file to write")
        parser.add_argument("--by", required=True, help="Your username: the access log records who took the lists")

    def handle(self, *args, **options):
        authority = Authority.objects.filter(la_code=options["authority"]).first()
        if authority is None:
            raise CommandError(f"No authority has the code {options['authority']}")
        period = Period(first=_day(options["first"]), last=_day(options["last"]))
        if period.first > period.last:
            raise CommandError("The end date must be the same as the start date or after it")
        user = User.objects.filter(username=options["by"], is_active=True).select_related("agency").first()
        if user is None or not may_prepare_returns(user) or user.agency is None:
            raise CommandError(f"{options['by']} may not prepare returns")
        if user.agency.authority_id != authority.pk:
            raise CommandError(f"{options['by']} does not work for {authority.name}")
        scope = Scope.of(authority)
        for annex_list in all_lists():
            export.log_download(user, annex_list, scope=scope, period=period)
        with open(options["out"], "wb") as handle:
            export.write_workbook(handle, scope=scope, period=period)
        for count in export.counts(scope=scope, period=period):
            self.stdout.write(f"{count.annex_list.title}: {count.rows} rows")
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['out']}"))
