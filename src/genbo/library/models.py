"""Idébiblioteket: shared files, links, tips and finished projects, and meeting attachments."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.models import Competence
from genbo.core.models import Municipality
from genbo.networks.models import Meeting, Network, member_access_q

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 20000
COMMENT_MAX_LENGTH = 5000
URL_MAX_LENGTH = 2000
FILE_NAME_MAX_LENGTH = 200


def item_access_q(user, prefix: str = "") -> Q:
    """Return a filter that passes items `user` may read: those without a network, and
    those of networks whose member content `user` may read.

    `prefix` is the path from the filtered model to the item, such as "item_file__item__".
    """
    network_field = f"{prefix}network"
    return Q(**{f"{network_field}__isnull": True}) | member_access_q(
        user, network_field=network_field
    )


def _signed_in(user) -> bool:
    return user.is_authenticated and user.is_active


class ItemQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ItemQuerySet":
        if not _signed_in(user):
            return self.none()
        return self.filter(item_access_q(user))


class Item(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", pgettext_lazy("library item kind", "File")
        LINK = "link", pgettext_lazy("library item kind", "Link")
        TIP = "tip", pgettext_lazy("library item kind", "Tip")
        PROJECT = "project", pgettext_lazy("library item kind", "Project")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(pgettext_lazy("library item", "title"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=TEXT_MAX_LENGTH, blank=True)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="library_items", verbose_name=_("competences")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_items",
        verbose_name=_("municipality"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="library_items",
        verbose_name=_("author"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="library_items",
        verbose_name=_("network"),
        help_text=_("Items of a closed network are shown only to its members."),
    )
    # Projects only.
    background = models.TextField(_("background"), max_length=TEXT_MAX_LENGTH, blank=True)
    what_was_done = models.TextField(_("what was done"), max_length=TEXT_MAX_LENGTH, blank=True)
    results = models.TextField(_("results"), max_length=TEXT_MAX_LENGTH, blank=True)
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_projects",
        verbose_name=_("contact person"),
    )
    municipalities_involved = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="library_projects",
        verbose_name=_("municipalities involved"),
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    # Kept in step by the services with F() expressions, so lists need no counting.
    useful_count = models.PositiveIntegerField(_("marked useful"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="library_item_period_in_order",
                violation_error_message=_("The period must end on or after its start."),
            )
        ]
        indexes = [
            models.Index(fields=["kind", "created_at"]),
            models.Index(fields=["useful_count", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:item", args=[self.pk])

    @property
    def takes_files(self) -> bool:
        return self.kind in (self.Kind.FILE, self.Kind.PROJECT)

    @property
    def takes_links(self) -> bool:
        return self.kind in (self.Kind.LINK, self.Kind.PROJECT)


class StoredFileFields(models.Model):
    """One uploaded file as it lies in storage, with what was checked when it came in."""

    original_name = models.CharField(_("file name"), max_length=FILE_NAME_MAX_LENGTH)
    # A random name under library/<yyyy>/<mm>/; nothing of the uploaded name reaches storage.
    storage_name = models.CharField(_("storage name"), max_length=300, unique=True)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content_type = models.CharField(_("content type"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class ItemFileQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ItemFileQuerySet":
        if not _signed_in(user):
            return self.none()
        return self.filter(item_access_q(user, prefix="item__"))


class ItemFile(models.Model):
    """A document of an item; each upload to it is a FileVersion, and old ones are kept."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="files", verbose_name=_("library item")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ItemFileQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("library file")
        verbose_name_plural = _("library files")

    def __str__(self) -> str:
        return f"{self.item_id}/{self.pk}"


class FileVersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "FileVersionQuerySet":
        if not _signed_in(user):
            return self.none()
        return self.filter(item_access_q(user, prefix="item_file__item__"))


class FileVersion(StoredFileFields):
    item_file = models.ForeignKey(
        ItemFile, on_delete=models.CASCADE, related_name="versions", verbose_name=_("file")
    )
    number = models.PositiveIntegerField(_("version"), default=1)

    objects = FileVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        constraints = [
            models.UniqueConstraint(fields=["item_file", "number"], name="one_version_number")
        ]

    def get_absolute_url(self) -> str:
        return reverse("library:download", args=[self.pk])


class Link(models.Model):
    """A web address given by the user; the server never fetches it."""

    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="links", verbose_name=_("library item")
    )
    url = models.URLField(pgettext_lazy("link", "web address"), max_length=URL_MAX_LENGTH)
    title = models.CharField(
        pgettext_lazy("link", "title"), max_length=TITLE_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title or self.url


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CommentQuerySet":
        if not _signed_in(user):
            return self.none()
        return self.filter(item_access_q(user, prefix="item__"))


class Comment(models.Model):
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="comments", verbose_name=_("library item")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="library_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["item", "created_at"])]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.body[:40]}"


class UsefulMark(models.Model):
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="useful_marks", verbose_name=_("library item")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_useful_marks",
        verbose_name=_("employee"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("useful mark")
        verbose_name_plural = _("useful marks")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_useful_mark_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} – {self.item_id}"


class MeetingAttachmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingAttachmentQuerySet":
        if not _signed_in(user):
            return self.none()
        return self.filter(member_access_q(user, network_field="meeting__network"))


class MeetingAttachment(StoredFileFields):
    """An agenda document or presentation, readable by everyone who may see the meeting."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("meeting")
    )

    objects = MeetingAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("meeting attachment")
        verbose_name_plural = _("meeting attachments")

    def get_absolute_url(self) -> str:
        return reverse("library:attachment", args=[self.pk])
