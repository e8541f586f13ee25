"""A forum with an open thread, a thread of the closed network and one of the open network."""

from types import SimpleNamespace

import pytest

from tests.factories import PostFactory, ThreadFactory


@pytest.fixture
def forum(employee, member, convener, open_network, closed_network):
    """Threads by `employee` (no network), `member` (closed network) and `convener` (open one)."""
    public = ThreadFactory(title="Hur räknar ni semesterlön?", author=employee)
    public_reply = PostFactory(thread=public, author=member, body="Vi följer avtalet.")
    closed = ThreadFactory(
        title="Hemlig omorganisation av enheten",
        author=member,
        network=closed_network,
        question="Budgeten för nästa år skärs ned",
    )
    closed_reply = PostFactory(thread=closed, author=convener, body="Vi tar det på träffen.")
    network_thread = ThreadFactory(
        title="Öppen diskussion i HR-nätverket", author=convener, network=open_network
    )
    for thread in (public, closed):
        thread.reply_count = 1
        thread.save(update_fields=["reply_count"])
    return SimpleNamespace(
        public=public,
        public_question=public.posts.get(is_question=True),
        public_reply=public_reply,
        closed=closed,
        closed_question=closed.posts.get(is_question=True),
        closed_reply=closed_reply,
        network_thread=network_thread,
    )
