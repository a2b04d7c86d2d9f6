from django.core.management.base import BaseCommand, CommandError

from accounts.audit import verify_chain


class Command(BaseCommand):
    help = "Check the access log's hash chain. Exits non-zero naming the first altered row."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(
                f"Access log row {report.first_bad_id} {report.problem} "
                f"({report.rows_checked} rows before it are intact)."
            )
        self.stdout.write(f"Access log intact: {report.rows_checked} rows checked.")
