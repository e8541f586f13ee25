"""Volume stage: forum threads under topics and in networks, with their posts and followers."""

from datetime import timedelta

from genbo.demo.content import (
    FORUM_QUESTION_FORMS,
    FORUM_QUESTION_TEXTS,
    FORUM_REPLIES,
    FORUM_SUBJECTS,
)
from genbo.demo.volume.base import (
    BENCH_THREAD_REPLIES,
    BENCH_THREAD_TITLE,
    SeedContext,
    bulk_insert,
    bulk_insert_quietly,
)
from genbo.forum.models import Post, Thread, ThreadFollow, Topic

REPLIES_PER_THREAD = (0, 14)
NETWORK_THREAD_SHARE = 0.2
THREADS_PAST_DAYS = 730


def seed_forum(context: SeedContext) -> int:
    """Create threads and posts until the volume's post count is reached; return the post count.

    The first thread is the benchmark's thread with 50 replies, in the first topic, titled
    BENCH_THREAD_TITLE.
    """
    rng = context.rng
    topics = list(Topic.objects.order_by("position", "pk"))
    context.topic_ids = [topic.pk for topic in topics]
    subjects = [subject for names in FORUM_SUBJECTS.values() for subject in names]

    # Reply counts first, so that the posts add up to exactly the wanted total.
    reply_counts = [BENCH_THREAD_REPLIES]
    remaining = context.size.forum_posts - (BENCH_THREAD_REPLIES + 1)
    while remaining > 0:
        replies = min(rng.randint(*REPLIES_PER_THREAD), remaining - 1)
        reply_counts.append(replies)
        remaining -= replies + 1

    plans = []
    for index, replies in enumerate(reply_counts):
        topic = topics[index % len(topics)] if index else topics[0]
        network_id = None
        if index and rng.random() < NETWORK_THREAD_SHARE:
            network_id = rng.choice(context.network_ids)
            people = context.network_members[network_id]
        else:
            people = context.user_ids
        asker = rng.choice(people)
        repliers = [rng.choice(people) for _ in range(replies)]
        started = context.now - timedelta(
            days=rng.randint(1, THREADS_PAST_DAYS), minutes=rng.randint(0, 1440)
        )
        plans.append((topic, network_id, asker, repliers, started))

    def threads():
        for index, (topic, network_id, asker, repliers, started) in enumerate(plans):
            subject = rng.choice(FORUM_SUBJECTS.get(topic.slug) or subjects)
            title = BENCH_THREAD_TITLE if index == 0 else rng.choice(FORUM_QUESTION_FORMS)
            yield Thread(
                topic=topic,
                network_id=network_id,
                title=title.format(subject=subject),
                author_id=asker,
                reply_count=len(repliers),
                created_at=started,
                last_activity_at=started + timedelta(hours=3 * len(repliers)),
            )

    saved = bulk_insert(context, Thread, threads(), label="forum threads", total=len(plans))
    context.bench_thread_id = saved[0].pk

    def posts():
        for thread, (topic, _network, asker, repliers, started) in zip(saved, plans, strict=True):
            subject = rng.choice(FORUM_SUBJECTS.get(topic.slug) or subjects)
            yield Post(
                thread=thread,
                author_id=asker,
                body=rng.choice(FORUM_QUESTION_TEXTS).format(
                    unit="förvaltningen",
                    municipality=context.user_municipality[asker],
                    subject=subject,
                ),
                is_question=True,
                created_at=started,
            )
            for number, replier in enumerate(repliers, 1):
                yield Post(
                    thread=thread,
                    author_id=replier,
                    body=rng.choice(FORUM_REPLIES).format(
                        unit="förvaltningen",
                        municipality=context.user_municipality[replier],
                        name=context.user_names[asker],
                    ),
                    vote_count=rng.choice((0, 0, 0, 1, 2)),
                    created_at=started + timedelta(hours=3 * number),
                )
            context.thread_people.append((thread.pk, asker, repliers))

    total = context.size.forum_posts
    bulk_insert(context, Post, posts(), label="forum posts", total=total, keep=False)
    followers = (
        ThreadFollow(thread_id=thread_id, user_id=user_id)
        for thread_id, asker, repliers in context.thread_people
        for user_id in {asker, *repliers}
    )
    follows = bulk_insert_quietly(ThreadFollow, followers)
    context.out(f"  thread followers: {follows:,}")
    context.out(f"  the thread with {BENCH_THREAD_REPLIES} replies: /forum/threads/{saved[0].pk}/")
    return total
