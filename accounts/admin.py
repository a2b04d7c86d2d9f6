from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from . import tokens
from .admin_mixins import ChildAccessLoggedAdminMixin, ReadOnlyAdminMixin
from .models import (
    AccessEvent,
    AccessLogAnchor,
    Agency,
    ApiToken,
    Authority,
    BreakGlassAccess,
    ChildUserObjectPermission,
    Team,
    User,
)
from .services import check_grant_terms, grant_child_access


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "la_code",
        "bank_holiday_region",
        "office_hours_start",
        "office_hours_end",
        "break_glass_hours",
        "require_two_factor",
    ]


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


class GrantForm(forms.ModelForm):
    class Meta:
        model = ChildUserObjectPermission
        fields = ["user", "content_object", "reason", "expires_at"]
        labels = {"user": "Give access to", "content_object": "Child", "expires_at": "Access ends"}

    def clean(self):
        cleaned = super().clean()
        if self.has_error("reason") or self.has_error("expires_at"):
            return cleaned
        try:
            cleaned["reason"] = check_grant_terms(
                reason=cleaned.get("reason", ""), expires_at=cleaned.get("expires_at")
            )
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


@admin.register(ChildUserObjectPermission)
class GrantAdmin(ChildAccessLoggedAdminMixin, admin.ModelAdmin):
    """Grants are given through `grant_child_access`, as on the child's page: with a reason,
    the person told, and the grant logged. A grant once given is not edited here."""

    form = GrantForm
    list_display = ["user", "content_object", "granted_by", "granted_at", "expires_at"]
    raw_id_fields = ["user", "content_object"]
    access_log_what = "admin:grant"

    def child_of(self, obj):
        return obj.content_object

    def get_fields(self, request, obj=None):
        fields = ["user", "content_object", "reason", "expires_at"]
        return fields if obj is None else [*fields, "granted_by", "granted_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        grant = grant_child_access(
            granted_by=request.user,
            user=data["user"],
            child=data["content_object"],
            reason=data["reason"],
            expires_at=data["expires_at"],
        )
        # Admin goes on to name the saved object in its messages and history.
        for field in grant._meta.concrete_fields:
            setattr(obj, field.attname, getattr(grant, field.attname))
        obj._state.adding = False


@admin.register(BreakGlassAccess)
class BreakGlassAdmin(ReadOnlyAdminMixin, ChildAccessLoggedAdminMixin, admin.ModelAdmin):
    """Started and reviewed only through the services, which tell the line manager and log it."""

    list_display = ["user", "child", "started_at", "expires_at", "reviewed_at"]
    access_log_what = "admin:break-glass"


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "username", "child_id", "action", "what", "purpose", "outcome"]
    list_filter = ["outcome", "purpose", "action"]


@admin.register(AccessLogAnchor)
class AccessLogAnchorAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["anchored_at", "last_event_id", "event_count"]


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
