import secrets

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from genbo.accounts.models import (
    Competence,
    IdentityLink,
    IdentityProvider,
    Occupation,
    ScimGroup,
    ScimToken,
    User,
    hash_token,
)
from genbo.accounts.provisioning import user_deactivate, user_delete, user_reactivate
from genbo.core.audit import audit_record


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "municipality", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "municipality"]
    search_fields = ["email", "first_name", "last_name"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["competences", "manager"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "first_name",
                    "last_name",
                    "title",
                    "municipality",
                    "unit",
                    "manager",
                    "phone",
                    "languages",
                    "presentation",
                    "photo",
                    "competences",
                ]
            },
        ),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "first_name", "last_name", "password1", "password2"],
            },
        ),
    ]

    def save_model(self, request, obj, form, change):
        # Switching an account off or on goes through the services, so that sessions end,
        # the audit log is written and networks without a convener are reported.
        if change and "is_active" in form.changed_data:
            wanted = obj.is_active
            obj.is_active = not wanted
            super().save_model(request, obj, form, change)
            if wanted:
                user_reactivate(user=obj, actor=request.user, source="admin")
            else:
                user_deactivate(user=obj, actor=request.user, source="admin")
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        user_delete(user=obj, actor=request.user, source="admin")

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for user in queryset:
            user_delete(user=user, actor=request.user, source="admin")


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["label", "concept_id"]
    search_fields = ["label", "key"]
    readonly_fields = ["key"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["label", "concept_id"]
    search_fields = ["label"]


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    list_display = ["municipality", "kind", "issuer", "server_url", "enabled"]
    list_filter = ["kind", "enabled"]
    list_select_related = ["municipality"]
    fieldsets = [
        (None, {"fields": ["municipality", "kind", "enabled"]}),
        (_("OpenID Connect and SAML"), {"fields": ["issuer", "client_id", "metadata_url"]}),
        (_("LDAP"), {"fields": ["server_url", "bind_dn", "base_dn"]}),
        (None, {"fields": ["secret_variable", "attribute_mapping"]}),
    ]


@admin.register(IdentityLink)
class IdentityLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "municipality", "subject", "user_name", "updated_at"]
    list_filter = ["municipality"]
    search_fields = ["subject", "user_name", "user__email"]
    list_select_related = ["user", "municipality"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(ScimToken)
class ScimTokenAdmin(admin.ModelAdmin):
    list_display = ["municipality", "label", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]
    fields = ["municipality", "label", "revoked_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            token = secrets.token_urlsafe(32)
            obj.token_hash = hash_token(token)
            super().save_model(request, obj, form, change)
            audit_record(
                action="scim_token.issue",
                actor=request.user,
                target=obj,
                municipality=obj.municipality.slug,
            )
            messages.warning(
                request,
                gettext(
                    "Copy the token now and enter it in the provisioning settings: %(token)s "
                    "It is not shown again."
                )
                % {"token": token},
            )
            return
        super().save_model(request, obj, form, change)


@admin.register(ScimGroup)
class ScimGroupAdmin(admin.ModelAdmin):
    list_display = ["display_name", "municipality", "external_id"]
    list_filter = ["municipality"]
    search_fields = ["display_name", "external_id"]
    raw_id_fields = ["members"]
