from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from genbo.chat.models import Message, Room
from genbo.core.admin import MemberContentAdminMixin


@admin.register(Room)
class RoomAdmin(MemberContentAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "created_at", "last_message_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["network"]
    readonly_fields = ["kind", "network", "direct_key", "created_by", "created_at"]


@admin.register(Message)
class MessageAdmin(MemberContentAdminMixin, admin.ModelAdmin):
    list_display = ["excerpt", "room", "author", "created_at", "edited_at", "deleted_at"]
    list_select_related = ["room__network", "author"]
    readonly_fields = ["room", "author", "client_id", "mentioned_ids", "created_at"]
    raw_id_fields = ["author"]

    @admin.display(description=_("text"))
    def excerpt(self, message: Message) -> str:
        return message.body[:80]
