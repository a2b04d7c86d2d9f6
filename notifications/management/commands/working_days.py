"""Working-day arithmetic for support staff and scripts, using the app's own calendar."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Authority
from notifications.calendar import add_working_days, working_days_between
from notifications.clocks import calendar_for


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{text!r} is not a date like 2026-12-24") from exc


class Command(BaseCommand):
    help = (
        "add START N: the Nth working day after START (START is day 0). "
        "count START END: working days after START up to and including END."
    )

    def add_arguments(self, parser):
        parser.add_argument("operation", choices=["add", "count"])
        parser.add_argument("first")
        parser.add_argument("second")
        parser.add_argument("--authority", help="DfE local authority code, e.g. 888; default England and Wales")

    def handle(self, *args, operation, first, second, authority=None, **options):
        found = None
        if authority:
            found = Authority.objects.filter(la_code=authority).first()
            if found is None:
                raise CommandError(f"No authority with code {authority}")
        calendar = calendar_for(found)
        start = _date(first)
        if operation == "add":
            try:
                n = int(second)
            except ValueError as exc:
                raise CommandError(f"{second!r} is not a whole number") from exc
            self.stdout.write(add_working_days(start, n, calendar=calendar).isoformat())
        else:
            self.stdout.write(str(working_days_between(start, _date(second), calendar=calendar)))
