from django.contrib import admin

from accounts.admin_mixins import ChildAccessLoggedAdminMixin, ReadOnlyAdminMixin
from accounts.audit import record_search
from accounts.models import MANAGER_ROLES, Agency, User

from .models import Child, Involvement, JointWorkingProtocol, Person, Relationship


class InvolvementInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Involvement
    fields = ["agency", "kind", "legal_basis", "start", "end", "allocated_worker", "team", "is_lead_agency"]


class RelationshipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Relationship


@admin.register(Child)
class ChildAdmin(ReadOnlyAdminMixin, ChildAccessLoggedAdminMixin, admin.ModelAdmin):
    """For administrators looking into data; a correction goes through the child's services.

    Opening a child here is access-logged like any page, and so is each list or search.
    """

    list_display = ["id", "last_name", "first_name", "date_of_birth", "restricted"]
    search_fields = ["last_name", "first_name", "nhs_number"]
    inlines = [InvolvementInline, RelationshipInline]
    exclude = ["possible_duplicates"]
    access_log_what = "admin:child"

    def child_of(self, obj):
        return obj

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            record_search(
                user=request.user,
                what="admin:child-list",
                query=changelist.query,
                child_ids=[child.pk for child in changelist.result_list],
            )
        return response


@admin.register(Person)
class PersonAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "child_record"]


@admin.register(JointWorkingProtocol)
class JointWorkingProtocolAdmin(admin.ModelAdmin):
    """Where an authority's CSC–youth justice protocol differs from the defaults (Lancashire's)."""

    list_display = [
        "authority",
        "bail_to_reside",
        "section_20_ends_on_custody_under",
        "csc_stays_open_after_custody",
        "csc_attends_court",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "pace_transfer_lead":
            # 000 ¶12.2: a CYJS manager; the model's clean() checks they are of the protocol's authority.
            kwargs["queryset"] = (
                User.objects.filter(agency__kind=Agency.Kind.CYJS, role__in=MANAGER_ROLES, is_active=True)
                .select_related("agency__authority")
                .order_by("agency__authority__name", "last_name", "first_name")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
