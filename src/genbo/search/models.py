"""The search index: one row per searchable object, readable through `visible_to`."""

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.models import Competence
from genbo.core.models import Municipality
from genbo.networks.models import Network, member_access_q

TITLE_MAX_LENGTH = 300
# Longer texts are cut before indexing, because the start of a text carries its subject.
BODY_MAX_LENGTH = 20000


class Kind(models.TextChoices):
    PERSON = "person", pgettext_lazy("search result kind", "People")
    NETWORK = "network", pgettext_lazy("search result kind", "Networks")
    MEETING = "meeting", pgettext_lazy("search result kind", "Meetings")
    THREAD = "thread", pgettext_lazy("search result kind", "Forum questions")
    POST = "post", pgettext_lazy("search result kind", "Forum replies")
    ITEM = "item", pgettext_lazy("search result kind", "Idébiblioteket")
    OFFER = "offer", pgettext_lazy("search result kind", "Expert offers")


# Kinds whose titles are names, where small typing errors are forgiven.
NAME_KINDS = (Kind.PERSON, Kind.NETWORK)


class SearchDocumentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SearchDocumentQuerySet":
        """Documents `user` may find: those without a network, and member content of the
        networks whose member content `user` may read, but no inactive person.

        The network's access is read at query time, so turning a network from open to
        closed, or a change of membership, needs no reindexing.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # A deactivated person's profile returns 404, so the person is hidden even when the
        # index still contains the document. Inactive accounts are few, and the partial
        # index accounts_user_inactive lists them without a scan of every employee.
        inactive = get_user_model().objects.filter(is_active=False).values("pk")
        visible = self.filter(Q(network__isnull=True) | member_access_q(user))
        return visible.exclude(kind=Kind.PERSON, object_id__in=inactive)


class SearchDocument(models.Model):
    """The searchable text of one person, network, meeting, forum post, item or offer.

    Each backend keeps its own text index next to this table: an FTS5 table on SQLite,
    a generated `tsvector` column on PostgreSQL (see the migrations).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    title = models.CharField(pgettext_lazy("search document", "title"), max_length=TITLE_MAX_LENGTH)
    body = models.TextField(_("text"), blank=True)
    # Competence labels and their synonyms, so that a synonym finds what is tagged, and
    # for a person the words of the e-mail address before the @.
    keywords = models.TextField(_("keywords"), blank=True)
    url = models.CharField(_("address"), max_length=500)
    # The network whose member content this is, or null for content every employee may read.
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("network"),
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities")
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="+", verbose_name=_("competences")
    )
    date = models.DateTimeField(_("date"), null=True, blank=True)
    indexed_at = models.DateTimeField(_("indexed"), auto_now=True)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="one_document_per_object")
        ]
        indexes = [models.Index(fields=["network"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
