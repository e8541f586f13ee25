from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    concept_id = models.CharField(_("JobTech concept id"), max_length=20, unique=True)
    requires_manager_approval = models.BooleanField(
        _("borrowing needs the manager's approval"),
        default=False,
        help_text=_(
            "When set, an employee's manager approves each accepted request to borrow the "
            "employee as an expert before it is confirmed."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class OrganisationUnit(models.Model):
    """An administration (förvaltning) or a unit (enhet) inside one."""

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("administration")
        UNIT = "unit", _("unit")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="units", verbose_name=_("municipality")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "parent", "name"], name="unique_unit_name_per_parent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality.name})"


class AuditEvent(models.Model):
    """A domain event that a municipality must be able to show later."""

    action = models.CharField(_("action"), max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    target = models.CharField(_("target"), max_length=200, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target}"
