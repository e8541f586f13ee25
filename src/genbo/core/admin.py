from django.contrib import admin

from genbo.core.models import AuditEvent, Municipality, OrganisationUnit


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "concept_id"]
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
