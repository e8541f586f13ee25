from django.contrib import admin

from genbo.core.models import AuditEvent, Municipality, OrganisationUnit


class MemberContentAdminMixin:
    """Show in the admin only rows that the signed-in staff member may see in the portal.

    The access rule has no exception for the admin: a closed network's content reaches
    its members only, and secretariat staff are not members by being staff.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "concept_id", "requires_manager_approval"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrganisationUnit)
class OrganisationUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "municipality", "parent"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]
    list_select_related = ["municipality", "parent"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "target"]
    list_filter = ["action"]
    search_fields = ["action", "target"]
    list_select_related = ["actor"]
    readonly_fields = ["created_at", "action", "actor", "target", "data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
