from django.contrib import admin

from genbo.library.models import Comment, FileVersion, Item, ItemFile, Link, MeetingAttachment


class LinkInline(admin.TabularInline):
    model = Link
    extra = 0


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "author", "network", "useful_count", "created_at"]
    list_filter = ["kind", "municipality"]
    search_fields = ["title"]
    raw_id_fields = ["author", "contact_person", "network"]
    inlines = [LinkInline]


@admin.register(FileVersion)
class FileVersionAdmin(admin.ModelAdmin):
    list_display = ["original_name", "number", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["item_file", "uploaded_by"]
    readonly_fields = ["storage_name", "sha256", "content_type", "size"]


@admin.register(MeetingAttachment)
class MeetingAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "meeting", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["meeting", "uploaded_by"]
    readonly_fields = ["storage_name", "sha256", "content_type", "size"]


admin.site.register(ItemFile)
admin.site.register(Comment)
