from django.contrib import admin
from django.db import transaction

from accounts.admin_mixins import ChildAccessLoggedAdminMixin, ReadOnlyAdminMixin

from .models import ClosureDay, Deadline, Notification, TimescaleRule


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "reason", "authority"]
    list_filter = ["authority"]


@admin.register(TimescaleRule)
class TimescaleRuleAdmin(admin.ModelAdmin):
    """Saving a change makes a new version, so clocks already running keep their due dates."""

    list_display = ["code", "authority", "version", "is_current", "amount", "unit", "direction", "title", "clock"]
    list_filter = ["is_current", "reference_only", "authority", "unit"]
    search_fields = ["code", "title"]
    readonly_fields = ["version", "is_current", "created_at"]

    @admin.display(description="Clock")
    def clock(self, rule):
        return rule.REFERENCE_ONLY_TEXT if rule.reference_only else "Started by its workflow"

    def get_readonly_fields(self, request, obj=None):
        # A retired version is history: it cannot be edited at all.
        if obj is not None and not obj.is_current:
            return [f.name for f in obj._meta.fields]
        return self.readonly_fields

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        if not change:
            latest = TimescaleRule.objects.filter(code=obj.code, authority=obj.authority).order_by("-version").first()
            if latest:
                TimescaleRule.objects.filter(pk=latest.pk).update(is_current=False)
                obj.version = latest.version + 1
            super().save_model(request, obj, form, change)
            return
        if not form.has_changed():
            return
        old = TimescaleRule.objects.select_for_update().get(pk=obj.pk)
        TimescaleRule.objects.filter(pk=old.pk).update(is_current=False)
        obj.pk = None
        obj._state.adding = True
        obj.version = old.version + 1
        obj.is_current = True
        super().save_model(request, obj, form, change)


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdminMixin, ChildAccessLoggedAdminMixin, admin.ModelAdmin):
    """Clocks start and stop only through the services that record the work."""

    list_display = ["rule_code", "child_id", "due_at", "status", "responsible"]
    list_filter = ["status", "rule_code"]
    access_log_what = "admin:deadline"


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["recipient", "subject", "created_at", "read_at"]
