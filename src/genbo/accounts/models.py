import hashlib
import secrets
import unicodedata
import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
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
        indexes = [
            # Every search query leaves out inactive people. They are few, so they are
            # read from this small index instead of a scan of every employee.
            models.Index(
                fields=["id"], condition=models.Q(is_active=False), name="accounts_user_inactive"
            ),
        ]

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


# Only variables with this prefix can be named, so that an admin user cannot make GENBO
# send another of its secrets, such as GENBO_SECRET_KEY, to a provider.
SECRET_VARIABLE_PATTERN = r"^GENBO_SSO_[A-Z0-9_]+$"


class IdentityProvider(models.Model):
    """A municipality's directory that employees sign in with or that GENBO reads users from.

    Secrets are not stored here: `secret_variable` names an environment variable (or,
    with the suffix _FILE, a file) that contains the OpenID Connect client secret or the LDAP
    bind password, so a database dump reveals no credential.
    """

    class Kind(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect (Microsoft Entra ID and other providers)")
        SAML = "saml", _("SAML 2.0 (ADFS)")
        LDAP = "ldap", _("LDAP (Active Directory)")

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    issuer = models.CharField(
        _("issuer"),
        max_length=300,
        blank=True,
        help_text=_(
            "OpenID Connect: the issuer URL; its /.well-known/openid-configuration is read. "
            "SAML: the identity provider's entity ID."
        ),
    )
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    metadata_url = models.CharField(
        _("SAML metadata URL"),
        max_length=300,
        blank=True,
        help_text=_("The address of the identity provider's SAML metadata document."),
    )
    secret_variable = models.CharField(
        _("secret variable"),
        max_length=100,
        blank=True,
        validators=[
            RegexValidator(
                SECRET_VARIABLE_PATTERN,
                _("The name must start with GENBO_SSO_ and contain only A–Z, 0–9 and _."),
            )
        ],
        help_text=_(
            "Name of the environment variable with the client secret or the LDAP bind "
            "password, such as GENBO_SSO_BJUV_SECRET. NAME_FILE may point at a file instead."
        ),
    )
    server_url = models.CharField(
        _("LDAP server"), max_length=300, blank=True, help_text=_("For example ldaps://dc1.bjuv.se")
    )
    bind_dn = models.CharField(_("bind DN"), max_length=300, blank=True)
    base_dn = models.CharField(
        _("base DN"), max_length=300, blank=True, help_text=_("Users are read below this DN.")
    )
    attribute_mapping = models.JSONField(
        _("attribute mapping"),
        default=dict,
        blank=True,
        help_text=_(
            "Maps GENBO fields (subject, email, first_name, last_name, title, department) "
            "to claim or attribute names. Empty fields use the defaults of the kind."
        ),
    )

    class Meta:
        ordering = ["municipality__name", "kind"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "kind"], name="one_provider_per_kind_and_municipality"
            ),
            # One issuer serves one municipality, so a token names its municipality.
            models.UniqueConstraint(
                fields=["kind", "issuer"],
                condition=~models.Q(issuer=""),
                name="one_municipality_per_issuer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name}: {self.get_kind_display()}"


class IdentityLink(models.Model):
    """The link from a person's identifier in a municipality's directory to a GENBO user.

    The subject is the directory's stable identifier (Entra ID `oid`, the AD
    `objectGUID`, the SCIM `externalId`), never the e-mail address, so a changed
    address updates the same user.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="identity_links",
        verbose_name=_("municipality"),
    )
    subject = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="identity_links", verbose_name=_("employee")
    )
    # The SCIM userName, unique per municipality; empty for links made by a sign-in.
    user_name = models.CharField(_("user name"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("identity link")
        verbose_name_plural = _("identity links")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "subject"], name="one_link_per_subject"
            ),
            models.UniqueConstraint(
                fields=["municipality", "user"], name="one_link_per_user_and_municipality"
            ),
            models.UniqueConstraint(
                fields=["municipality", "user_name"],
                condition=~models.Q(user_name=""),
                name="unique_scim_user_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}:{self.subject}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ScimToken(models.Model):
    """A bearer token that lets one municipality's provisioning service call the SCIM API.

    Only the SHA-256 of the token is stored; the token is shown once when it is made.
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="scim_tokens",
        verbose_name=_("municipality"),
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["municipality__name", "-created_at"]
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")

    def __str__(self) -> str:
        return f"{self.municipality.name}: {self.label or self.token_hash[:8]}"

    @classmethod
    def issue(cls, *, municipality: Municipality, label: str = "") -> tuple["ScimToken", str]:
        """Create a token for `municipality` and return it with its clear text."""
        token = secrets.token_urlsafe(32)
        row = cls.objects.create(
            municipality=municipality, token_hash=hash_token(token), label=label
        )
        return row, token


class ScimGroup(models.Model):
    """A group that a municipality's provisioning service keeps in GENBO."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="scim_groups",
        verbose_name=_("municipality"),
    )
    display_name = models.CharField(_("name"), max_length=255)
    external_id = models.CharField(_("external ID"), max_length=255, blank=True)
    members = models.ManyToManyField(
        User, blank=True, related_name="scim_groups", verbose_name=_("members")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "display_name"], name="unique_scim_group_name"
            )
        ]

    def __str__(self) -> str:
        return self.display_name
