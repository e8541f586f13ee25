"""Writes on notifications: creating them, sending their e-mail, marking them read."""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from genbo.core.header_counts import NOTIFICATIONS, forget_counts
from genbo.core.prepared import PreparedQuery
from genbo.notifications.mail import absolute_url, mail_preference_for, render_email
from genbo.notifications.models import (
    DEFAULT_CHANNELS,
    Channel,
    Kind,
    MailPreference,
    Newsletter,
    Notification,
    NotificationPreference,
    OutboxEmail,
    OutboxStatus,
)
from genbo.notifications.outbox import outbox_add, outbox_send

logger = logging.getLogger(__name__)


def channel_for(user, kind: str) -> str:
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return preference.channel if preference else DEFAULT_CHANNELS[Kind(kind)]


# Rows per INSERT. With server-side binding PostgreSQL takes at most 65,535 parameters in
# one statement, and a notification has a dozen columns.
STORE_BATCH_SIZE = 1000


def _store(rows: list[Notification]) -> None:
    Notification.objects.bulk_create(rows, batch_size=STORE_BATCH_SIZE)
    forget_counts(NOTIFICATIONS, [row.recipient_id for row in rows])


def notify(*, kind: str, recipient_ids, actor, post) -> list[Notification]:
    """Store one notification per recipient, with its e-mail in the outbox.

    The caller passes only recipients who may read the post's thread; the outbox job
    checks again when it sends.
    """
    rows = [
        Notification(
            recipient_id=recipient_id, kind=kind, actor=actor, thread_id=post.thread_id, post=post
        )
        for recipient_id in recipient_ids
    ]
    _store(rows)
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:
        # Backends that do not return ids from bulk_create; the e-mails are looked up again.
        ids = list(
            Notification.objects.filter(
                post=post, kind=kind, recipient_id__in=recipient_ids
            ).values_list("pk", flat=True)
        )
    store_notification_emails(ids)
    return rows


def notify_chat_mention(*, recipient_ids, actor, message) -> list[Notification]:
    """Store one notification per person mentioned in the chat `message`.

    The caller passes only people who may read the message's room; the outbox job checks
    again when it sends.
    """
    rows = [
        Notification(
            recipient_id=recipient_id, kind=Kind.CHAT_MENTION, actor=actor, chat_message=message
        )
        for recipient_id in recipient_ids
    ]
    _store(rows)
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:
        ids = list(
            Notification.objects.filter(
                chat_message=message, recipient_id__in=recipient_ids
            ).values_list("pk", flat=True)
        )
    store_notification_emails(ids)
    return rows


def _wants_email(notification: Notification) -> bool:
    return channel_for(notification.recipient, notification.kind) == Channel.APP_AND_EMAIL


def _can_still_read(notification: Notification) -> bool:
    return (
        Notification.objects.visible_to(notification.recipient).filter(pk=notification.pk).exists()
    )


def notify_request(*, recipient_ids, actor, borrow_request, event: str) -> list[Notification]:
    """Store one notification per recipient about a step in `borrow_request`.

    The e-mails go to the outbox for recipients who are still a party to the request and
    want e-mail for borrowing requests.
    """
    rows = [
        Notification(
            recipient_id=recipient_id,
            kind=Kind.BORROW_REQUEST,
            actor=actor,
            borrow_request=borrow_request,
            event=event,
        )
        for recipient_id in recipient_ids
    ]
    _store(rows)
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:
        ids = list(
            Notification.objects.filter(
                borrow_request=borrow_request, event=event, recipient_id__in=recipient_ids
            ).values_list("pk", flat=True)
        )
    store_notification_emails(ids)
    return rows


def notify_network_without_convener(*, network, former_convener) -> list[Notification]:
    """Ask the active members of `network` to take over after its last convener left.

    The e-mails go to the outbox for members who want e-mail for this kind.
    """
    from genbo.networks.models import Membership

    recipient_ids = list(
        Membership.objects.filter(
            network=network, status=Membership.Status.ACTIVE, user__is_active=True
        )
        .exclude(user=former_convener)
        .values_list("user_id", flat=True)
    )
    rows = [
        Notification(
            recipient_id=recipient_id,
            kind=Kind.NO_CONVENER,
            actor=former_convener,
            network=network,
            event="no_convener",
        )
        for recipient_id in recipient_ids
    ]
    _store(rows)
    ids = list(
        Notification.objects.filter(
            network=network, kind=Kind.NO_CONVENER, recipient_id__in=recipient_ids
        ).values_list("pk", flat=True)
    )
    store_notification_emails(ids)
    return rows


def _render_email(notification: Notification) -> tuple[str, str, str]:
    context = {
        "notification": notification,
        "thread": notification.thread,
        "borrow_request": notification.borrow_request,
        "network": notification.network,
        "actor": notification.actor,
        "recipient": notification.recipient,
        "post_url": absolute_url(notification.get_absolute_url()),
    }
    if notification.borrow_request_id:
        name = "request_notification"
    elif notification.chat_message_id:
        name = "chat_notification"
    elif notification.network_id:
        name = "network_notification"
    else:
        name = "notification"
    language = mail_preference_for(notification.recipient).language
    return render_email(name, context, language=language)


def store_notification_emails(notification_ids) -> int:
    """Store in the outbox the e-mail of each notification whose recipient wants e-mail
    and may read it; the outbox job sends them after the commit.

    Returns the number of e-mails stored.
    """
    notifications = Notification.objects.filter(
        pk__in=notification_ids, recipient__is_active=True
    ).select_related(
        "recipient__mail_preference",
        "actor",
        "thread",
        "thread__network",
        "borrow_request__offer",
        "chat_message__room__network",
        "network",
    )
    stored = 0
    for notification in notifications:
        if not (_wants_email(notification) and _can_still_read(notification)):
            continue
        subject, text, html = _render_email(notification)
        row = outbox_add(
            key=f"notification:{notification.pk}",
            recipient=notification.recipient,
            category=f"notification.{notification.kind}",
            subject=subject,
            text=text,
            html=html,
            notification=notification,
        )
        stored += row is not None
    return stored


def send_notification_emails(notification_ids) -> int:
    """Send now the stored e-mails of these notifications that are due; return how many
    were sent. Access is checked again, so a recipient who lost access gets nothing.
    """
    row_ids = OutboxEmail.objects.filter(
        notification_id__in=notification_ids, status=OutboxStatus.PENDING
    ).values_list("pk", flat=True)
    return sum(outbox_send(row_id) == OutboxStatus.SENT for row_id in row_ids)


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValueError("A notification can only be marked read by its recipient.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        forget_counts(NOTIFICATIONS, [user.pk])
    return notification


def notifications_mark_all_read(*, user) -> int:
    forget_counts(NOTIFICATIONS, [user.pk])
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preferences_for(user) -> dict[str, str]:
    """Return the chosen channel per kind, with the defaults for kinds not chosen."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind.value: chosen.get(kind.value, DEFAULT_CHANNELS[kind]) for kind in Kind}


@transaction.atomic
def preferences_save(*, user, channels: dict[str, str]) -> None:
    for kind, channel in channels.items():
        if kind not in Kind.values or channel not in Channel.values:
            raise ValueError(f"Unknown notification kind or channel: {kind!r}, {channel!r}")
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": channel}
        )


def _unread_of(user_id: int):
    # An unsaved active user takes the recipient's place while the query compiles.
    recipient = get_user_model()(pk=user_id, is_active=True)
    return Notification.objects.visible_to(recipient).unread()


# The header's count, compiled once per process. At full volume, building and running the
# query with its four access rules took 4.3 ms of CPU, and running the compiled one 0.2 ms.
_unread_notifications = PreparedQuery(_unread_of, "user_id")


def unread_count(user) -> int:
    # The same condition as in Notification.objects.visible_to, which returns none then.
    if not user.is_authenticated or not user.is_active:
        return 0
    return _unread_notifications.count(user_id=user.pk)


MAIL_PREFERENCE_FIELDS = {"meeting_invitations", "meeting_reminders", "newsletter", "language"}


def mail_preferences_save(*, user, **values) -> MailPreference:
    """Store `user`'s e-mail choices; only the given fields change."""
    unknown = set(values) - MAIL_PREFERENCE_FIELDS
    if unknown:
        raise ValueError(f"Unknown e-mail settings: {sorted(unknown)}")
    preference, _created = MailPreference.objects.get_or_create(user=user)
    for name, value in values.items():
        setattr(preference, name, value)
    preference.full_clean()
    preference.save()
    return preference


def newsletter_unsubscribe(*, user) -> bool:
    """Turn the newsletter off for `user`; return False when it was off already."""
    preference = mail_preferences_save(user=user)
    if preference.newsletter == Newsletter.OFF:
        return False
    mail_preferences_save(user=user, newsletter=Newsletter.OFF)
    logger.info("User %s unsubscribed from the newsletter", user.pk)
    return True
