from django.contrib import admin

from genbo.notifications.models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "thread", "created_at", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "thread"]
    raw_id_fields = ["recipient", "actor", "thread", "post", "borrow_request"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "channel"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
