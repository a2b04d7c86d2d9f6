from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    """Statutory returns made from the records: the CIN census, Ofsted's Annex A, and their data quality."""

    name = "returns"
    default_auto_field = "django.db.models.BigAutoField"
