from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    """Performance measures: definitions as data, monthly figures, the dashboard and its drill-down."""

    name = "performance"
    default_auto_field = "django.db.models.BigAutoField"
