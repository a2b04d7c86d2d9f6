from importlib import import_module

from django.apps import AppConfig

# Parts of casework that add entries to the child's chronology.
CHRONOLOGY_PARTS = ("custody", "court", "orders", "prevention", "hsb", "incidents", "joint", "custody_care", "history")


class CaseworkConfig(AppConfig):
    name = "casework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        for part in CHRONOLOGY_PARTS:
            import_module(f"casework.{part}.chronology")
