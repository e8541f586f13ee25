from django.contrib import admin

from genbo.experts.models import BorrowRequest, ExpertOffer, RequestEvent, UnavailablePeriod


class UnavailablePeriodInline(admin.TabularInline):
    model = UnavailablePeriod
    extra = 0


@admin.register(ExpertOffer)
class ExpertOfferAdmin(admin.ModelAdmin):
    list_display = ["title", "expert", "is_active", "online", "updated_at"]
    list_filter = ["is_active", "online"]
    search_fields = ["title", "expert__email", "expert__last_name"]
    list_select_related = ["expert"]
    raw_id_fields = ["expert"]
    autocomplete_fields = ["competences"]
    filter_horizontal = ["on_site_municipalities"]
    inlines = [UnavailablePeriodInline]


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    readonly_fields = ["actor", "action", "from_state", "to_state", "note", "created_at"]
    can_delete = False


@admin.register(BorrowRequest)
class BorrowRequestAdmin(admin.ModelAdmin):
    list_display = ["offer", "requester", "state", "proposed_start", "expected_hours"]
    list_filter = ["state", "format"]
    list_select_related = ["offer", "requester"]
    raw_id_fields = ["offer", "requester", "manager", "requesting_unit"]
    readonly_fields = ["state", "uid", "sequence"]
    inlines = [RequestEventInline]
