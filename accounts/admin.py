from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import tokens
from .models import AccessEvent, Agency, ApiToken, Authority, BreakGlassAccess, ChildUserObjectPermission, Team, User


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "la_code", "bank_holiday_region", "office_hours_start", "office_hours_end", "break_glass_hours"]


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


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only but for revoking. Service tokens are made with `manage.py create_service_token`,
    which shows the key once; only its hash is stored, so no page can show it again."""

    list_display = ["user", "name", "scope_list", "created", "expiry", "last_used_at"]
    list_filter = ["user__role"]
    search_fields = ["user__username", "name"]
    fields = ["user", "name", "scopes", "created", "expiry", "last_used_at", "created_by"]
    readonly_fields = fields
    actions = ["revoke"]

    @admin.display(description="Scopes")
    def scope_list(self, token):
        return ", ".join(token.scopes) or "The user's own rights"

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        chosen = list(queryset.select_related("user"))
        self.log_deletions(request, chosen)
        for token in chosen:
            tokens.revoke_token(token=token)
        self.message_user(request, f"Revoked {len(chosen)} token(s): they no longer work", messages.SUCCESS)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
