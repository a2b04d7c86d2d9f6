from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.tokens import create_service_token, known_scopes


class Command(BaseCommand):
    help = "Make an API token for a partner system's service account. The key is printed once and never stored."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the service account's username, e.g. police-system")
        parser.add_argument("--scopes", required=True, help="comma-separated, e.g. read,contacts:write")
        parser.add_argument("--name", help="the system that will use it (default: the username)")
        parser.add_argument("--days", type=int, help="expire after this many days (default: until revoked)")
        parser.add_argument("--by", help="username of the administrator making it, for the record")

    def handle(self, *args, **options):
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist as error:
            raise CommandError(f"No user named {options['user']}") from error
        created_by = None
        if options["by"]:
            created_by = User.objects.filter(username=options["by"]).first()
            if created_by is None:
                raise CommandError(f"No user named {options['by']}")
        scopes = [scope.strip() for scope in options["scopes"].split(",") if scope.strip()]
        try:
            issued = create_service_token(
                user=user,
                name=options["name"] or user.username,
                scopes=scopes,
                created_by=created_by,
                valid_for=timedelta(days=options["days"]) if options["days"] else None,
            )
        except ValidationError as error:
            problems = "; ".join(message for messages in error.message_dict.values() for message in messages)
            raise CommandError(f"{problems}. Scopes: {', '.join(known_scopes())}") from error
        expires = issued.token.expiry.strftime("%-d %b %Y %H:%M") if issued.token.expiry else "when revoked"
        self.stderr.write(f"Token for {user.username} ({', '.join(issued.token.scopes)}), ends {expires}.")
        self.stderr.write("Give this key to the system now: it is not stored and cannot be shown again.")
        self.stdout.write(issued.key)
