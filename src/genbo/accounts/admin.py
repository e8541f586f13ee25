from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from genbo.accounts.models import Competence, Occupation, User


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


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ["label", "concept_id"]
    search_fields = ["label", "key"]
    readonly_fields = ["key"]


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["label", "concept_id"]
    search_fields = ["label"]
