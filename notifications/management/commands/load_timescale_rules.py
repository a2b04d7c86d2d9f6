from django.core.management.base import BaseCommand

from accounts.models import Authority
from notifications.models import TimescaleRule
from notifications.rules import sync_rules


class Command(BaseCommand):
    help = "Bring timescale rules in line with notifications/data/timescales.toml (changed rules get a new version)."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet=False, **options):
        counts = sync_rules(TimescaleRule, Authority)
        if not quiet:
            self.stdout.write(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
