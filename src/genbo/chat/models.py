"""Chat rooms, the people in them and their messages."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from genbo.networks.models import Network, member_access_q

# The maximum message length in characters. A longer message is rejected, not cut.
MAX_MESSAGE_LENGTH = 4000
# The maximum number of people in a direct conversation, the author included.
MAX_DIRECT_PEOPLE = 8


def room_access_q(user, room_field: str = "") -> Q:
    """Return a filter that passes rows of rooms that `user` may read and write in.

    Topic rooms are open to every signed-in employee. A network's room follows the
    network's rule for member content (open networks for everyone, closed ones for
    active members only). A direct conversation is for its participants only.
    """
    prefix = f"{room_field}__" if room_field else ""
    participant = RoomMember.objects.filter(
        room=OuterRef(room_field or "pk"), user=user, is_participant=True
    )
    return (
        Q(**{f"{prefix}kind": Room.Kind.TOPIC})
        | (Q(**{f"{prefix}kind": Room.Kind.NETWORK}) & member_access_q(user, f"{prefix}network"))
        | (Q(**{f"{prefix}kind": Room.Kind.DIRECT}) & Q(Exists(participant)))
    )


class RoomQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RoomQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(room_access_q(user))


class Room(models.Model):
    class Kind(models.TextChoices):
        NETWORK = "network", pgettext_lazy("chat room kind", "Network room")
        TOPIC = "topic", pgettext_lazy("chat room kind", "Topic room")
        DIRECT = "direct", pgettext_lazy("chat room kind", "Direct conversation")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Topic rooms have a name; network rooms show their network's name and direct
    # conversations the names of the people in them.
    name = models.CharField(_("name"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    network = models.OneToOneField(
        Network,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_room",
        verbose_name=_("network"),
    )
    # The sorted participant ids of a direct conversation, such as "12-40", so that the
    # same people get the same conversation back.
    direct_key = models.CharField(
        max_length=120, null=True, blank=True, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_message_at = models.DateTimeField(_("latest message"), null=True, blank=True)

    objects = RoomQuerySet.as_manager()

    # The names of the people in a direct conversation other than the viewer, set by
    # chat.selectors.name_direct_rooms. The stored name lists the viewer as well.
    other_names = ""

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("chat room")
        verbose_name_plural = _("chat rooms")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="network", network__isnull=False)
                | (~Q(kind="network") & Q(network__isnull=True)),
                name="chat_room_network_iff_network_kind",
            )
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.NETWORK and self.network_id:
            return self.network.name
        return self.name or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("chat:room", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name shown to the viewer: the other people's names, when they are set."""
        return self.other_names or str(self)

    @property
    def group_name(self) -> str:
        """The channel-layer group that every open socket of this room joins."""
        return f"chat-room-{self.pk}"


class RoomMemberQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RoomMemberQuerySet":
        """Return the rows of `user` in rooms that `user` may still read."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user).filter(room_access_q(user, "room"))


class RoomMember(models.Model):
    """One person's place in a room: the room is in their list, with a read position.

    In a direct conversation the row is also the access: `is_participant` is set for the
    people in it. In network and topic rooms a row only lists the room for its user.
    """

    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="members", verbose_name=_("chat room")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="chat_rooms",
        verbose_name=_("employee"),
    )
    is_participant = models.BooleanField(_("participant"), default=False)
    last_read_id = models.BigIntegerField(_("last read message"), default=0)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    objects = RoomMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("room member")
        verbose_name_plural = _("room members")
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], name="one_chat_member_per_user")
        ]
        indexes = [models.Index(fields=["user", "room"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.room_id}"


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MessageQuerySet":
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(room_access_q(user, "room"))


class Message(models.Model):
    room = models.ForeignKey(
        Room, on_delete=models.CASCADE, related_name="messages", verbose_name=_("chat room")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="chat_messages",
        verbose_name=_("author"),
    )
    # Chosen by the sender's browser (a UUID), so that a message sent again after a lost
    # connection is stored once.
    client_id = models.UUIDField(_("client id"))
    body = models.TextField(_("text"), max_length=MAX_MESSAGE_LENGTH, blank=True)
    mentioned_ids = models.JSONField(_("mentioned people"), default=list, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], name="one_chat_message_per_client_id"
            )
        ]
        indexes = [models.Index(fields=["room", "id"])]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{reverse('chat:room', args=[self.room_id])}?before={self.pk + 1}#message-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
