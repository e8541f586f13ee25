"""Volume stage: in-app notifications about replies in the threads people asked in."""

from genbo.demo.volume.base import SeedContext, bulk_insert
from genbo.forum.models import Post
from genbo.notifications.models import Kind, Notification

READ_SHARE = 0.7


def seed_notifications(context: SeedContext) -> int:
    """Notify askers of replies in their threads, newest first, until the volume's count."""
    rng = context.rng
    askers = {thread_id: asker for thread_id, asker, _repliers in context.thread_people}
    replies = (
        Post.objects.filter(is_question=False, thread_id__in=askers)
        .order_by("-created_at", "-pk")
        .values_list("pk", "thread_id", "author_id", "created_at")
    )

    count = 0

    def notifications():
        nonlocal count
        for post_id, thread_id, author_id, created_at in replies.iterator(chunk_size=10_000):
            if count == context.size.notifications:
                return
            recipient = askers[thread_id]
            if recipient == author_id:
                continue
            count += 1
            yield Notification(
                recipient_id=recipient,
                kind=Kind.REPLY,
                actor_id=author_id,
                thread_id=thread_id,
                post_id=post_id,
                created_at=created_at,
                read_at=created_at if rng.random() < READ_SHARE else None,
            )

    bulk_insert(
        context,
        Notification,
        notifications(),
        label="notifications",
        total=context.size.notifications,
        keep=False,
    )
    return count
