from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from . import (
            checks,  # noqa: F401  (registers the deploy checks)
            schema,  # noqa: F401  (registers the token scheme with drf-spectacular)
        )
        from .tokens import ended_by_sign_out

        user_logged_out.connect(ended_by_sign_out, dispatch_uid="accounts.tokens.ended_by_sign_out")
