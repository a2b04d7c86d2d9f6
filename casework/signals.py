"""Signals a service sends when it changes records without `save()`, which `post_save` never sees."""

from django.dispatch import Signal

# Sent with `child_ids` after a queryset update of records about those children; sender: the model.
records_changed = Signal()
