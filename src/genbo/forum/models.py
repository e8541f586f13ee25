from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.accounts.models import Competence
from genbo.networks.models import Membership, Network, member_access_q

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 20000


def thread_access_q(user, thread_field: str = "") -> Q:
    """Return a filter that passes rows of threads that `user` may read.

    A thread without a network belongs to the whole forum. A network's discussion follows
    the network's rule for member content: open networks for every signed-in employee,
    closed ones for their active members only.
    """
    prefix = f"{thread_field}__" if thread_field else ""
    return Q(**{f"{prefix}network__isnull": True}) | member_access_q(
        user, network_field=f"{prefix}network"
    )


class Topic(models.Model):
    """A subject area of the forum (ämne), set up by the secretariat staff."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("web address"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position in lists"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", args=[self.slug])


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ThreadQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(thread_access_q(user))

    def listed(self) -> "ThreadQuerySet":
        """Threads that lists show: those whose question has not been deleted."""
        return self.filter(deleted_at__isnull=True)


class Thread(models.Model):
    topic = models.ForeignKey(
        Topic, on_delete=models.PROTECT, related_name="threads", verbose_name=_("topic")
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threads",
        verbose_name=_("network"),
    )
    title = models.CharField(pgettext_lazy("thread", "title"), max_length=TITLE_MAX_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_threads",
        verbose_name=_("asked by"),
    )
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="forum_threads", verbose_name=_("competences")
    )
    accepted_post = models.ForeignKey(
        "Post",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked as the answer"),
    )
    # Replies that are neither deleted nor hidden, kept up to date by the services.
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    # Raised by every service that changes what the list of posts shows (a reply, an edit,
    # a deletion, hiding, thanks, the accepted answer, the lock). The cached post lists of the
    # thread page carry it in their keys, so a change makes them unreachable at once.
    content_version = models.PositiveIntegerField(_("content version"), default=0, editable=False)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        ordering = ["-last_activity_at"]
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["topic", "-last_activity_at"]),
            models.Index(fields=["network", "-last_activity_at"]),
            models.Index(fields=["-last_activity_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:thread", args=[self.pk])

    @property
    def is_solved(self) -> bool:
        return self.accepted_post_id is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PostQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(thread_access_q(user, thread_field="thread"))


class Post(models.Model):
    """The question that opens a thread, or a reply to it."""

    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="posts", verbose_name=_("thread")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="forum_posts",
        verbose_name=_("written by"),
    )
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    # The people the post mentions who could see the thread when it was written; only
    # these mentions render as profile links.
    mentioned_ids = models.JSONField(_("mentioned employees"), default=list, blank=True)
    is_question = models.BooleanField(_("opens the thread"), default=False)
    vote_count = models.PositiveIntegerField(_("thanks"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    # A token sent with the form, so that a double submit stores the post once.
    idempotency_key = models.UUIDField(_("form token"), null=True, blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "idempotency_key"], name="one_post_per_form_token"
            )
        ]
        indexes = [models.Index(fields=["thread", "created_at", "id"])]

    def __str__(self) -> str:
        return f"{self.thread_id} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("forum:post", args=[self.pk])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class PostRevision(models.Model):
    """The text of a post as it was before an edit."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("post")
    )
    body = models.TextField(_("text"))
    edited_at = models.DateTimeField(_("edited"), default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("edited by"),
    )

    class Meta:
        ordering = ["-edited_at", "-pk"]
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")

    def __str__(self) -> str:
        return f"{self.post_id} {self.edited_at:%Y-%m-%d %H:%M}"


class PostVote(models.Model):
    """One employee's thanks for one post."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="votes", verbose_name=_("post")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="forum_votes",
        verbose_name=_("employee"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("thanks")
        verbose_name_plural = _("thanks")
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_vote_per_post")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.post_id}"


class ThreadFollow(models.Model):
    thread = models.ForeignKey(
        Thread, on_delete=models.CASCADE, related_name="follows", verbose_name=_("thread")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="thread_follows",
        verbose_name=_("employee"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="one_follow_per_thread")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.thread_id}"


def users_who_can_read(thread: Thread, users):
    """Filter the user queryset `users` to the active employees who may read `thread`."""
    users = users.filter(is_active=True)
    if thread.network_id is None or not thread.network.is_closed:
        return users
    return users.filter(
        memberships__network_id=thread.network_id,
        memberships__status=Membership.Status.ACTIVE,
    )
