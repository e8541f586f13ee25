import unicodedata

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from genbo.core.models import Municipality, OrganisationUnit

COMPETENCE_LABEL_MAX_LENGTH = 120


def normalise_competence_key(label: str) -> str:
    """Return the key under which two spellings of one competence meet.

    Unicode NFC, case-folded, trimmed, inner whitespace collapsed to one space:
    "Projektledning" and " projektledning " share the key "projektledning".
    """
    text = unicodedata.normalize("NFC", label)
    return " ".join(text.casefold().split())


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An employee; `is_staff` marks the secretariat staff."""

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=80)
    last_name = models.CharField(_("last name"), max_length=80)
    title = models.CharField(_("title"), max_length=120, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("municipality"),
    )
    unit = models.ForeignKey(
        OrganisationUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("organisation unit"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
        help_text=_("Approves requests to borrow the employee where the municipality requires it."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    presentation = models.TextField(_("presentation"), max_length=2000, blank=True)
    photo = models.ImageField(_("photo"), upload_to="photos/", blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    competences = models.ManyToManyField(
        "Competence", blank=True, related_name="people", verbose_name=_("competences")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("secretariat staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def clean(self) -> None:
        super().clean()
        # Sign-in looks addresses up in lower case, so they are stored that way.
        self.email = self.email.strip().lower()

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", args=[self.pk])

    @property
    def initials(self) -> str:
        return (self.first_name[:1] + self.last_name[:1]).upper()


class Competence(models.Model):
    label = models.CharField(_("label"), max_length=COMPETENCE_LABEL_MAX_LENGTH)
    # Case folding can make a label longer ("ß" becomes "ss"), at most three times as long.
    key = models.CharField(_("key"), max_length=3 * COMPETENCE_LABEL_MAX_LENGTH, unique=True)
    concept_id = models.CharField(
        _("JobTech concept id"), max_length=20, unique=True, null=True, blank=True
    )
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        self.label = " ".join(unicodedata.normalize("NFC", self.label).split())
        self.key = normalise_competence_key(self.label)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        key = normalise_competence_key(self.label)
        if Competence.objects.filter(key=key).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"label": _("The competence “%(label)s” already exists.") % {"label": self.label}}
            )


class Occupation(models.Model):
    """An occupation name from the JobTech Taxonomy, offered when a title is typed."""

    label = models.CharField(_("label"), max_length=200)
    concept_id = models.CharField(_("JobTech concept id"), max_length=20, unique=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    def __str__(self) -> str:
        return self.label
