from django.contrib import admin
from django.db import models

from genbo.core.admin import MemberContentAdminMixin
from genbo.networks.models import Meeting, Membership, Network


class MembershipInline(MemberContentAdminMixin, admin.TabularInline):
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
class MeetingAdmin(MemberContentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "network", "starts_at", "cancelled_at"]
    list_filter = ["network"]
    search_fields = ["title"]
    list_select_related = ["network"]
    readonly_fields = ["uid", "sequence", "minutes_approved_at", "minutes_approved_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
