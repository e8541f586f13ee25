from django.contrib import admin

from genbo.notifications.models import (
    DigestDelivery,
    MailPreference,
    Notification,
    NotificationPreference,
    OutboxEmail,
)


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


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["idempotency_key", "category", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "category"]
    search_fields = ["idempotency_key"]
    raw_id_fields = ["recipient", "notification", "meeting"]
    readonly_fields = ["claimed_at", "sent_at", "last_error"]


@admin.register(MailPreference)
class MailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "meeting_invitations", "meeting_reminders", "newsletter", "language"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["user", "week", "item_count", "created_at"]
    list_filter = ["week"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
