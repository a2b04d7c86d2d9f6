"""Run the test identity provider: migrate, add its people and one client, then serve on loopback.

python -m tests.oidc_provider.serve  (settings from the environment: see settings.py)
Prints "port N" once it is listening; serves until killed.
"""

import json
import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # no request lines on the test output
        pass


def main():
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    setup = json.loads(os.environ["OIDC_PROVIDER_SETUP"])
    for person in setup["people"]:
        User.objects.create_user(person["username"], email=person["email"], password=setup["password"])
    Application.objects.create(
        name="Casework",
        client_id=setup["client_id"],
        client_secret=setup["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=setup["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=QuietHandler)
    print(f"port {server.server_port}", flush=True)
    sys.stdout.close()
    server.serve_forever()


if __name__ == "__main__":
    main()
