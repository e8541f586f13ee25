"""Writes on notifications: creating them, sending their e-mail, marking them read."""

import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from genbo.notifications.models import (
    DEFAULT_CHANNELS,
    Channel,
    Kind,
    Notification,
    NotificationPreference,
)

logger = logging.getLogger(__name__)


def channel_for(user, kind: str) -> str:
    preference = NotificationPreference.objects.filter(user=user, kind=kind).first()
    return preference.channel if preference else DEFAULT_CHANNELS[Kind(kind)]


def notify(*, kind: str, recipient_ids, actor, post) -> list[Notification]:
    """Store one notification per recipient and send the e-mails after the commit.

    The caller passes only recipients who may read the post's thread; the e-mail step
    checks again when it sends.
    """
    rows = [
        Notification(
            recipient_id=recipient_id, kind=kind, actor=actor, thread_id=post.thread_id, post=post
        )
        for recipient_id in recipient_ids
    ]
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:
        # Backends that do not return ids from bulk_create; the e-mails are looked up again.
        ids = list(
            Notification.objects.filter(
                post=post, kind=kind, recipient_id__in=recipient_ids
            ).values_list("pk", flat=True)
        )
    # NOTE: the e-mail is sent in the request's process after the commit. It belongs in a
    # background job with retries once Celery is part of the set-up.
    transaction.on_commit(partial(send_notification_emails, ids))
    return rows


def _wants_email(notification: Notification) -> bool:
    return channel_for(notification.recipient, notification.kind) == Channel.APP_AND_EMAIL


def _can_still_read(notification: Notification) -> bool:
    return (
        Notification.objects.visible_to(notification.recipient).filter(pk=notification.pk).exists()
    )


def notify_request(*, recipient_ids, actor, borrow_request, event: str) -> list[Notification]:
    """Store one notification per recipient about a step in `borrow_request`.

    The e-mails are sent after the commit, to recipients who are still a party to the
    request and want e-mail for borrowing requests.
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
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows if row.pk is not None]
    if not ids:
        ids = list(
            Notification.objects.filter(
                borrow_request=borrow_request, event=event, recipient_id__in=recipient_ids
            ).values_list("pk", flat=True)
        )
    transaction.on_commit(partial(send_notification_emails, ids))
    return rows


def notify_network_without_convener(*, network, former_convener) -> list[Notification]:
    """Ask the active members of `network` to take over after its last convener left.

    The e-mails are sent after the commit, to members who want e-mail for this kind.
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
    Notification.objects.bulk_create(rows)
    ids = list(
        Notification.objects.filter(
            network=network, kind=Kind.NO_CONVENER, recipient_id__in=recipient_ids
        ).values_list("pk", flat=True)
    )
    transaction.on_commit(partial(send_notification_emails, ids))
    return rows


def _build_email(notification: Notification) -> EmailMultiAlternatives:
    base_url = settings.GENBO_BASE_URL.rstrip("/")
    context = {
        "notification": notification,
        "thread": notification.thread,
        "borrow_request": notification.borrow_request,
        "network": notification.network,
        "actor": notification.actor,
        "recipient": notification.recipient,
        "post_url": base_url + notification.get_absolute_url(),
        "settings_url": base_url + reverse("notifications:settings"),
    }
    prefix = ""
    if notification.borrow_request_id:
        prefix = "request_"
    elif notification.network_id:
        prefix = "network_"
    # Employees have no stored language yet, so e-mails use the portal's default, Swedish.
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(f"notifications/email/{prefix}subject.txt", context).split()
        )
        text = render_to_string(f"notifications/email/{prefix}notification.txt", context)
        html = render_to_string(f"notifications/email/{prefix}notification.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[notification.recipient.email])
    message.attach_alternative(html, "text/html")
    return message


def send_notification_emails(notification_ids) -> int:
    """Send the e-mail for each notification whose recipient wants e-mail and may read it.

    Returns the number of e-mails sent. A failure to send is logged, not raised, because
    the notification in GENBO is already stored.
    """
    notifications = Notification.objects.filter(
        pk__in=notification_ids, recipient__is_active=True
    ).select_related(
        "recipient", "actor", "thread", "thread__network", "borrow_request__offer", "network"
    )
    messages = [
        _build_email(notification)
        for notification in notifications
        if _wants_email(notification) and _can_still_read(notification)
    ]
    if not messages:
        return 0
    try:
        sent = get_connection().send_messages(messages)
    except OSError as error:
        logger.error(
            "Sending %d notification e-mails failed: %s (notifications %s)",
            len(messages),
            error,
            list(notification_ids),
        )
        return 0
    return sent or 0


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValueError("A notification can only be marked read by its recipient.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
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


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.visible_to(user).unread().count()
