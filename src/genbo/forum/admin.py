from django.contrib import admin

from genbo.core.admin import MemberContentAdminMixin
from genbo.forum.models import Post, PostRevision, Thread, Topic
from genbo.forum.services import thread_content_changed


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Thread)
class ThreadAdmin(MemberContentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "topic", "network", "reply_count", "created_at", "locked_at"]
    list_filter = ["topic"]
    search_fields = ["title"]
    list_select_related = ["topic", "network"]
    raw_id_fields = ["author", "network", "accepted_post"]
    autocomplete_fields = ["competences"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        thread_content_changed(obj.pk)


class PostRevisionInline(admin.TabularInline):
    model = PostRevision
    extra = 0
    readonly_fields = ["body", "edited_at", "edited_by"]
    can_delete = False


@admin.register(Post)
class PostAdmin(MemberContentAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "author", "created_at", "deleted_at", "hidden_at"]
    list_select_related = ["author"]
    raw_id_fields = ["thread", "author", "hidden_by"]
    readonly_fields = ["vote_count", "mentioned_ids"]
    inlines = [PostRevisionInline]

    # Changes made here bypass the services, so they raise the thread's content version
    # themselves. Otherwise the thread page would serve its cached posts unchanged.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        thread_content_changed(obj.thread_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        thread_content_changed(obj.thread_id)

    def delete_queryset(self, request, queryset):
        thread_ids = set(queryset.values_list("thread_id", flat=True))
        super().delete_queryset(request, queryset)
        for thread_id in thread_ids:
            thread_content_changed(thread_id)
