from django.core.management.base import BaseCommand, CommandError

from thresholds.services import ThresholdDataError, check_labels_cover, sync_frameworks


class Command(BaseCommand):
    help = "Load the threshold frameworks from thresholds/data/ (a changed framework gets a new version)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check-source", help="An indicator list (CSV with an id column) that every label must cover"
        )
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, check_source=None, quiet=False, **options):
        try:
            if check_source:
                check_labels_cover(check_source)
            counts = sync_frameworks()
        except ThresholdDataError as error:
            raise CommandError(str(error)) from error
        if not quiet:
            self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
