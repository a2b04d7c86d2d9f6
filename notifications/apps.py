from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .caches import invalidate_on_change
        from .models import ClosureDay, TimescaleRule

        # Rules in force and closure days are cached per process: any change reloads them everywhere.
        for model in (TimescaleRule, ClosureDay):
            post_save.connect(invalidate_on_change, sender=model, dispatch_uid=f"timescales-cache-{model.__name__}")
            post_delete.connect(
                invalidate_on_change, sender=model, dispatch_uid=f"timescales-cache-del-{model.__name__}"
            )
