from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AccessEvent, Agency, Authority, BreakGlassAccess, ChildUserObjectPermission, Team, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "la_code", "bank_holiday_region", "office_hours_start", "office_hours_end", "break_glass_hours", "require_two_factor"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "authority"]
    list_filter = ["authority", "kind"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "manager"]
    list_filter = ["agency"]
    raw_id_fields = ["manager"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "agency", "team", "is_active"]
    list_filter = ["role", "agency", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Organisation", {"fields": ("agency", "team", "role", "line_manager", "job_title")}),
    )
    raw_id_fields = ["line_manager"]


@admin.register(ChildUserObjectPermission)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["user", "content_object", "granted_by", "granted_at", "expires_at"]
    raw_id_fields = ["user", "content_object", "granted_by"]


@admin.register(BreakGlassAccess)
class BreakGlassAdmin(admin.ModelAdmin):
    list_display = ["user", "child", "started_at", "expires_at", "reviewed_at"]
    readonly_fields = ["user", "child", "reason", "started_at", "expires_at"]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """Read-only: the database refuses changes anyway."""

    list_display = ["occurred_at", "username", "child_id", "action", "what", "purpose", "outcome"]
    list_filter = ["outcome", "purpose", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
