"""Writes on forum threads and posts: asking, replying, answers, thanks, follows, moderation."""

import logging
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from genbo.core.audit import audit_record
from genbo.core.names import BIDI_CONTROLS
from genbo.forum.mentions import MAX_MENTIONS_PER_POST, mentioned_ids, with_real_names
from genbo.forum.models import (
    Post,
    PostRevision,
    PostVote,
    Thread,
    ThreadFollow,
    Topic,
    users_who_can_read,
)
from genbo.networks.models import Membership, Network
from genbo.notifications.models import Kind
from genbo.notifications.services import notify
from genbo.search.services import index_object

logger = logging.getLogger(__name__)


# Characters that take no space: a body of only these looks empty. The bidirectional
# controls are dropped when a body is rendered, so they count as nothing as well.
INVISIBLE_CHARACTERS = (
    dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad")) | BIDI_CONTROLS
)


def _clean_text(*, title: str | None = None, body: str) -> None:
    errors = {}
    if title is not None and not title.translate(INVISIBLE_CHARACTERS).strip():
        errors["title"] = _("Write a title.")
    if not body.translate(INVISIBLE_CHARACTERS).strip():
        errors["body"] = _("Write something in the text field.")
    elif len(mentioned_ids(body)) > MAX_MENTIONS_PER_POST:
        errors["body"] = _("You can mention at most %(limit)d colleagues in one post.") % {
            "limit": MAX_MENTIONS_PER_POST
        }
    if errors:
        raise ValidationError(errors)


def _readable_mentions(thread: Thread, body: str, *, author) -> tuple[str, list[int]]:
    """Return `body` with real names in its mentions, and the ids of the people mentioned.

    Only people who exist and may read `thread` count; other mentions stay plain text.
    """
    ids = [user_id for user_id in mentioned_ids(body) if user_id != author.pk]
    if not ids:
        return body, []
    readers = list(users_who_can_read(thread, get_user_model().objects.filter(pk__in=ids)))
    found = {reader.pk for reader in readers}
    return with_real_names(body, readers), [user_id for user_id in ids if user_id in found]


def _follow(thread: Thread, user) -> None:
    ThreadFollow.objects.bulk_create(
        [ThreadFollow(thread=thread, user=user)], ignore_conflicts=True
    )


def thread_content_changed(thread_id: int) -> None:
    """Raise the content version of a thread, so that no cached list of its posts is served.

    Call it in the transaction of every change to what the posts of the thread page show.
    """
    Thread.objects.filter(pk=thread_id).update(content_version=F("content_version") + 1)


def _existing_post(author, idempotency_key) -> Post | None:
    if idempotency_key is None:
        return None
    return Post.objects.filter(author=author, idempotency_key=idempotency_key).first()


def can_accept(thread: Thread, user) -> bool:
    """Tell whether `user` may mark an answer: the asker or a convener of the thread's network."""
    if thread.author_id is not None and thread.author_id == user.pk:
        return True
    if thread.network_id is None:
        return False
    return Membership.objects.filter(
        network_id=thread.network_id,
        user=user,
        role=Membership.Role.CONVENER,
        status=Membership.Status.ACTIVE,
    ).exists()


def thread_create(
    *,
    author,
    topic: Topic,
    title: str,
    body: str,
    network: Network | None = None,
    competences=(),
    idempotency_key: uuid.UUID | None = None,
) -> Thread:
    """Start a thread with its question; the asker follows it and mentioned readers hear of it.

    A second call with the same `idempotency_key` returns the thread of the first call.
    """
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing.thread
    try:
        with transaction.atomic():
            return _thread_create(
                author=author,
                topic=topic,
                title=title,
                body=body,
                network=network,
                competences=competences,
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        # Two requests with one token ran at once, and the other one stored the question.
        existing = _existing_post(author, idempotency_key)
        if existing is None:
            raise
        return existing.thread


def _thread_create(*, author, topic, title, body, network, competences, idempotency_key) -> Thread:
    title = " ".join(title.split())
    _clean_text(title=title, body=body)
    now = timezone.now()
    thread = Thread(
        topic=topic,
        network=network,
        title=title,
        author=author,
        created_at=now,
        last_activity_at=now,
    )
    thread.full_clean(exclude=["accepted_post"])
    thread.save()
    thread.competences.set(competences)
    post = Post(
        thread=thread,
        author=author,
        body=body,
        is_question=True,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    # The database checks the form token's uniqueness, and thread_create turns its error
    # into the thread that the other request stored.
    post.full_clean(exclude=["mentioned_ids"], validate_constraints=False)
    post.body, post.mentioned_ids = _readable_mentions(thread, body, author=author)
    post.save()
    _follow(thread, author)
    index_object(thread)
    if post.mentioned_ids:
        notify(kind=Kind.MENTION, recipient_ids=post.mentioned_ids, actor=author, post=post)
    return thread


def post_reply(
    *, thread: Thread, author, body: str, idempotency_key: uuid.UUID | None = None
) -> Post:
    """Add a reply, make its author a follower and notify followers and mentioned people.

    A second call with the same `idempotency_key` returns the post of the first call, so a
    double submit of the form stores one reply.
    """
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _post_reply(
                thread=thread, author=author, body=body, idempotency_key=idempotency_key
            )
    except IntegrityError:
        # Two requests with one token ran at once, and the other one stored the reply.
        existing = _existing_post(author, idempotency_key)
        if existing is None:
            raise
        return existing


def _post_reply(*, thread: Thread, author, body: str, idempotency_key) -> Post:
    thread = (
        Thread.objects.select_for_update(of=("self",)).select_related("network").get(pk=thread.pk)
    )
    # A submit of the same form that held the lock until now has stored the reply.
    existing = _existing_post(author, idempotency_key)
    if existing is not None:
        return existing
    if thread.is_deleted:
        raise ValidationError(_("The question of this thread is deleted, so it takes no replies."))
    if thread.is_locked:
        raise ValidationError(_("The thread is locked, so it takes no new replies."))
    _clean_text(body=body)

    now = timezone.now()
    post = Post(
        thread=thread,
        author=author,
        body=body,
        created_at=now,
        idempotency_key=idempotency_key,
    )
    post.full_clean(exclude=["mentioned_ids"])
    post.body, post.mentioned_ids = _readable_mentions(thread, body, author=author)
    post.save()
    Thread.objects.filter(pk=thread.pk).update(
        reply_count=F("reply_count") + 1,
        last_activity_at=now,
        content_version=F("content_version") + 1,
    )
    index_object(post)

    followers = set(
        users_who_can_read(
            thread, get_user_model().objects.filter(thread_follows__thread=thread)
        ).values_list("pk", flat=True)
    )
    followers.discard(author.pk)
    _follow(thread, author)
    mentioned = set(post.mentioned_ids)
    if mentioned:
        notify(kind=Kind.MENTION, recipient_ids=sorted(mentioned), actor=author, post=post)
    # Someone both mentioned and following gets one notification, the mention.
    if followers - mentioned:
        notify(
            kind=Kind.REPLY, recipient_ids=sorted(followers - mentioned), actor=author, post=post
        )
    return post


@transaction.atomic
def post_edit(*, post: Post, by, body: str, title: str | None = None) -> Post:
    """Change the text of one's own post, keeping the old text as a revision."""
    if post.author_id != by.pk:
        raise PermissionDenied("author")
    if post.is_deleted or post.is_hidden:
        raise ValidationError(_("A deleted or hidden post cannot be edited."))
    if post.thread.is_locked:
        raise ValidationError(_("The thread is locked, so its posts cannot be changed."))
    if title is not None:
        title = " ".join(title.split())
    _clean_text(title=title if post.is_question else None, body=body)
    thread = post.thread
    title_changed = post.is_question and title is not None and title != thread.title
    if body == post.body and not title_changed:
        return post
    if title_changed:
        thread.title = title
        thread.full_clean(exclude=["accepted_post"])
        thread.save(update_fields=["title"])
    if body != post.body:
        PostRevision.objects.create(post=post, body=post.body, edited_by=by)
        post.body = body
        post.full_clean(exclude=["mentioned_ids"])
        old_mentions = set(post.mentioned_ids)
        post.body, post.mentioned_ids = _readable_mentions(thread, body, author=by)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "mentioned_ids", "edited_at"])
        new_mentions = [pk for pk in post.mentioned_ids if pk not in old_mentions]
        if new_mentions:
            notify(kind=Kind.MENTION, recipient_ids=new_mentions, actor=by, post=post)
    thread_content_changed(thread.pk)
    index_object(post)
    return post


@transaction.atomic
def post_delete(*, post: Post, by) -> Post:
    """Soft-delete one's own post; deleting the question takes the thread out of lists."""
    if post.author_id != by.pk:
        raise PermissionDenied("author")
    if post.is_deleted:
        return post
    now = timezone.now()
    post.deleted_at = now
    post.save(update_fields=["deleted_at"])
    thread = post.thread
    if post.is_question:
        Thread.objects.filter(pk=thread.pk).update(deleted_at=now)
        thread.deleted_at = now
    elif not post.is_hidden:
        _count_reply_gone(thread, post)
    thread_content_changed(thread.pk)
    audit_record(action="post.delete", actor=by, target=thread, post_id=post.pk)
    index_object(post)
    return post


def _count_reply_gone(thread: Thread, post: Post) -> None:
    """Lower the reply count, and drop the accepted answer if it was this post."""
    Thread.objects.filter(pk=thread.pk, reply_count__gt=0).update(reply_count=F("reply_count") - 1)
    Thread.objects.filter(pk=thread.pk, accepted_post=post).update(accepted_post=None)
    if thread.accepted_post_id == post.pk:
        thread.accepted_post = None


@transaction.atomic
def post_set_hidden(*, post: Post, by, hidden: bool) -> Post:
    """Hide a post from everyone but the secretariat staff, or show it again."""
    if not by.is_staff:
        raise PermissionDenied("staff")
    if hidden == post.is_hidden:
        return post
    post.hidden_at = timezone.now() if hidden else None
    post.hidden_by = by if hidden else None
    post.save(update_fields=["hidden_at", "hidden_by"])
    if not post.is_question and not post.is_deleted:
        if hidden:
            _count_reply_gone(post.thread, post)
        else:
            Thread.objects.filter(pk=post.thread_id).update(reply_count=F("reply_count") + 1)
    thread_content_changed(post.thread_id)
    action = "post.hide" if hidden else "post.unhide"
    audit_record(action=action, actor=by, target=post.thread, post_id=post.pk)
    index_object(post)
    return post


@transaction.atomic
def thread_set_locked(*, thread: Thread, by, locked: bool) -> Thread:
    if not by.is_staff:
        raise PermissionDenied("staff")
    if locked == thread.is_locked:
        return thread
    thread.locked_at = timezone.now() if locked else None
    thread.save(update_fields=["locked_at"])
    thread_content_changed(thread.pk)
    action = "thread.lock" if locked else "thread.unlock"
    audit_record(action=action, actor=by, target=thread, thread_id=thread.pk)
    return thread


@transaction.atomic
def answer_toggle(*, post: Post, by) -> Thread:
    """Mark `post` as the answer to its thread, or unmark it when it already is."""
    thread = Thread.objects.select_for_update().get(pk=post.thread_id)
    if not can_accept(thread, by):
        raise ValidationError(
            _("Only the person who asked, or a convener of the network, can mark the answer.")
        )
    if post.is_question:
        raise ValidationError(_("The question itself cannot be marked as the answer."))
    if post.is_deleted or post.is_hidden:
        raise ValidationError(_("A deleted or hidden post cannot be marked as the answer."))
    thread.accepted_post = None if thread.accepted_post_id == post.pk else post
    thread.save(update_fields=["accepted_post"])
    thread_content_changed(thread.pk)
    audit_record(
        action="thread.answer",
        actor=by,
        target=thread,
        post_id=thread.accepted_post_id,
    )
    return thread


@transaction.atomic
def vote_toggle(*, post: Post, user, voted: bool | None = None) -> bool:
    """Give thanks for `post` or take them back; return whether the user now thanks it.

    With `voted` given, the call sets that state, so a double click or a replayed
    request changes nothing more; without it, the thanks are toggled.
    """
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot thank yourself for your own post."))
    if post.is_deleted or post.is_hidden:
        raise ValidationError(_("A deleted or hidden post cannot be thanked."))
    exists = PostVote.objects.filter(post=post, user=user).exists()
    requested_state = (not exists) if voted is None else voted
    if requested_state == exists:
        return exists
    if not requested_state:
        removed, _details = PostVote.objects.filter(post=post, user=user).delete()
        if removed:
            Post.objects.filter(pk=post.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
            thread_content_changed(post.thread_id)
        return False
    try:
        with transaction.atomic():
            PostVote.objects.create(post=post, user=user)
    except IntegrityError:
        # Another request stored the same thanks a moment ago.
        return True
    Post.objects.filter(pk=post.pk).update(vote_count=F("vote_count") + 1)
    thread_content_changed(post.thread_id)
    return True


def follow_toggle(*, thread: Thread, user) -> bool:
    """Follow `thread`, or stop following it; return whether the user now follows it."""
    removed, _details = ThreadFollow.objects.filter(thread=thread, user=user).delete()
    if removed:
        return False
    _follow(thread, user)
    return True
