from django.contrib import admin

from genbo.networks.models import Meeting, Membership, Network


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "access", "created_at", "archived_at"]
    list_filter = ["access", "municipalities"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities"]
    autocomplete_fields = ["competences"]
    inlines = [MembershipInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "starts_at", "cancelled_at"]
    list_filter = ["network"]
    search_fields = ["title"]
    list_select_related = ["network"]
    readonly_fields = ["uid", "sequence", "minutes_approved_at", "minutes_approved_by"]
