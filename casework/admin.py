from django.contrib import admin
from django.db.models import F

from accounts import access
from accounts.audit import record_access
from accounts.models import MANAGER_ROLES, AccessEvent, Agency, User

from .models import Child, Involvement, JointWorkingProtocol, Person, Relationship


class InvolvementInline(admin.TabularInline):
    model = Involvement
    extra = 0
    raw_id_fields = ["allocated_worker", "team"]
    # The legal basis is for looked-after involvements only (Involvement.clean refuses it on others).
    fields = ["agency", "kind", "legal_basis", "start", "end", "allocated_worker", "team", "is_lead_agency"]


class RelationshipInline(admin.TabularInline):
    model = Relationship
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    """For administrators fixing data. Opening a child here is access-logged like any page."""

    list_display = ["id", "last_name", "first_name", "date_of_birth", "restricted"]
    search_fields = ["last_name", "first_name", "nhs_number"]
    inlines = [InvolvementInline, RelationshipInline]
    exclude = ["possible_duplicates"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        child = self.get_object(request, object_id)
        if child is not None:
            record_access(
                user=request.user,
                child=child,
                what="admin:child",
                action=AccessEvent.Action.WRITE if request.method == "POST" else AccessEvent.Action.READ,
                decision=access.decide(request.user, child),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            # Keep optimistic locking honest: an edit begun on the page before this save is refused.
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "child_record"]
    raw_id_fields = ["child_record"]


@admin.register(JointWorkingProtocol)
class JointWorkingProtocolAdmin(admin.ModelAdmin):
    """Where an authority's CSC–youth justice protocol differs from the defaults (Lancashire's)."""

    list_display = ["authority", "bail_to_reside", "section_20_ends_on_custody_under", "csc_stays_open_after_custody", "csc_attends_court"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pace_transfer_lead":
            # 000 ¶12.2: a CYJS manager; the model's clean() checks they are of the protocol's authority.
            kwargs["queryset"] = (
                User.objects.filter(agency__kind=Agency.Kind.CYJS, role__in=MANAGER_ROLES, is_active=True)
                .select_related("agency__authority")
                .order_by("agency__authority__name", "last_name", "first_name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
