from django.contrib import admin
from django.db import models, transaction

from genbo.core.admin import MemberContentAdminMixin
from genbo.networks import services
from genbo.networks.models import Meeting, Membership, Network


class MembershipInline(MemberContentAdminMixin, admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    """Networks and their memberships, saved with the same effects as the portal's pages.

    A network that becomes closed, is archived or deleted, or a membership that ends,
    takes effect at once: chat sockets recheck their access, header counts are counted
    again and the search index follows.
    """

    list_display = ["name", "access", "created_at", "archived_at"]
    list_filter = ["access", "municipalities"]
    search_fields = ["name", "purpose"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["municipalities"]
    autocomplete_fields = ["competences"]
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Run after the many-to-many fields are saved, so the search document has them.
        services.network_saved_in_admin(
            network=form.instance,
            by=request.user,
            created=not change,
            fields=list(form.changed_data),
            # The form's initial values are the stored row before this change.
            was_closed=change and form.initial.get("access") == Network.Access.CLOSED,
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        # Read the stored rows first, because validation has changed the instances.
        ids = [inline.instance.pk for inline in formset.forms if inline.instance.pk]
        previous = Membership.objects.in_bulk(ids)
        memberships = formset.save()
        for membership in formset.deleted_objects:
            services.membership_deleted_in_admin(membership=membership, by=request.user)
        for membership in memberships:
            services.membership_saved_in_admin(
                membership=membership, by=request.user, previous=previous.get(membership.pk)
            )

    def delete_model(self, request, obj):
        services.network_delete(network=obj, by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for network in queryset:
            services.network_delete(network=network, by=request.user)


@admin.register(Meeting)
class MeetingAdmin(MemberContentAdminMixin, admin.ModelAdmin):
    list_display = ["title", "network", "starts_at", "cancelled_at"]
    list_filter = ["network"]
    search_fields = ["title"]
    list_select_related = ["network"]
    readonly_fields = ["uid", "sequence", "minutes_approved_at", "minutes_approved_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
