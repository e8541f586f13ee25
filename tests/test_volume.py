"""The volume seeder: exact counts, coherent access data, determinism, and no double seeding."""

import dataclasses

import pytest
from django.db.models import Count, Q

from genbo.accounts.models import User
from genbo.chat.models import Message, Room
from genbo.demo.volume import (
    BENCH_THREAD_TITLE,
    SIZES,
    VolumeExistsError,
    has_volume_data,
    seed_volume,
)
from genbo.experts.models import ExpertOffer
from genbo.forum.models import Post, Thread
from genbo.library.models import Item
from genbo.networks.models import Meeting, Membership, Network
from genbo.notifications.models import Notification
from genbo.search.models import Kind as SearchKind
from genbo.search.models import SearchDocument

pytestmark = pytest.mark.django_db

# A tenth of the small volume keeps the tests fast; the thread with 50 replies needs
# more than 50 employees.
TINY = dataclasses.replace(
    SIZES["small"],
    users=120,
    networks=6,
    meetings=30,
    forum_posts=300,
    library_items=60,
    expert_offers=5,
    notifications=80,
    chat_messages=400,
)


def quiet(line: str) -> None:
    pass


def snapshot() -> dict:
    return {
        "users": list(User.objects.order_by("email").values_list("email", "first_name", "title")),
        "networks": list(Network.objects.order_by("slug").values_list("slug", "access")),
        "threads": list(Thread.objects.order_by("pk").values_list("title", "reply_count")),
        "posts": list(Post.objects.order_by("pk").values_list("body", flat=True)[:50]),
        "items": list(Item.objects.order_by("title").values_list("title", "kind")),
    }


def test_volume_has_exact_counts():
    seed_volume(volume=TINY, out=quiet)

    assert User.objects.count() == TINY.users
    assert Network.objects.count() == TINY.networks
    assert Meeting.objects.count() == TINY.meetings
    assert Post.objects.count() == TINY.forum_posts
    assert Item.objects.count() == TINY.library_items
    assert ExpertOffer.objects.count() == TINY.expert_offers
    assert Notification.objects.count() == TINY.notifications
    assert Message.objects.count() == TINY.chat_messages
    assert Room.objects.filter(kind=Room.Kind.NETWORK).count() == TINY.networks


def test_volume_chat_messages_are_by_room_members():
    seed_volume(volume=TINY, out=quiet)

    for message in Message.objects.select_related("room")[:100]:
        members = Membership.objects.filter(network_id=message.room.network_id, status="active")
        assert members.filter(user_id=message.author_id).exists()


def test_volume_is_searchable():
    seed_volume(volume=TINY, out=quiet)

    people = SearchDocument.objects.filter(kind=SearchKind.PERSON).count()
    assert people == User.objects.filter(is_active=True).count()
    assert SearchDocument.objects.filter(kind=SearchKind.NETWORK).count() == TINY.networks


def test_volume_thread_has_fifty_replies():
    context = seed_volume(volume=TINY, out=quiet)

    thread = Thread.objects.get(title=BENCH_THREAD_TITLE)
    assert thread.pk == context.bench_thread_id
    assert thread.network_id is None
    assert thread.reply_count == 50
    assert thread.posts.filter(is_question=False).count() == 50
    assert thread.posts.filter(is_question=True).count() == 1


def test_volume_networks_have_conveners_and_requests():
    seed_volume(volume=TINY, out=quiet)

    conveners = Network.objects.annotate(
        count=Count("memberships", filter=Q(memberships__role=Membership.Role.CONVENER))
    )
    assert {network.count for network in conveners} == {2}
    assert Network.objects.filter(access=Network.Access.OPEN).exists()
    closed = Network.objects.filter(access=Network.Access.CLOSED)
    assert closed.exists()
    pending = Membership.objects.filter(status=Membership.Status.PENDING)
    assert pending.count() == 2 * closed.count()
    assert not pending.filter(network__access=Network.Access.OPEN).exists()


def test_volume_network_content_is_by_members():
    seed_volume(volume=TINY, out=quiet)

    active = Membership.objects.filter(status=Membership.Status.ACTIVE)
    members = set(active.values_list("network_id", "user_id"))
    threads = Thread.objects.filter(network__isnull=False).values_list("network_id", "author_id")
    items = Item.objects.filter(network__isnull=False).values_list("network_id", "author_id")
    assert threads.exists()
    assert set(threads) <= members
    assert set(items) <= members


def test_same_seed_gives_same_data():
    seed_volume(volume=TINY, seed=7, out=quiet)
    first = snapshot()

    seed_volume(volume=TINY, seed=7, out=quiet, reset=True)

    assert snapshot() == first


def test_other_seed_gives_other_data():
    seed_volume(volume=TINY, seed=7, out=quiet)
    first = snapshot()

    seed_volume(volume=TINY, seed=8, out=quiet, reset=True)

    assert snapshot()["users"] != first["users"]


def test_second_seed_without_reset_is_rejected():
    seed_volume(volume=TINY, out=quiet)

    with pytest.raises(VolumeExistsError, match="--reset"):
        seed_volume(volume=TINY, out=quiet)
    assert User.objects.count() == TINY.users


def test_reset_keeps_reference_data():
    from genbo.core.models import Municipality
    from genbo.forum.models import Topic

    seed_volume(volume=TINY, out=quiet)
    municipalities = Municipality.objects.count()
    topics = Topic.objects.count()

    seed_volume(volume=TINY, out=quiet, reset=True)

    assert has_volume_data()
    assert Municipality.objects.count() == municipalities == 11
    assert Topic.objects.count() == topics > 0


@pytest.mark.parametrize(
    "path",
    ["/", "/networks/", "/forum/", "/library/", "/experts/?q=ledning", "/notifications/"],
)
def test_volume_pages_render_for_volume_employee(client, path):
    seed_volume(volume=TINY, out=quiet)
    client.force_login(User.objects.order_by("pk")[5])

    assert client.get(path).status_code == 200


def test_volume_thread_and_network_render(client):
    context = seed_volume(volume=TINY, out=quiet)
    network = Network.objects.get(pk=context.network_ids[0])
    client.force_login(User.objects.get(pk=context.network_members[network.pk][0]))

    assert client.get(f"/forum/threads/{context.bench_thread_id}/").status_code == 200
    assert client.get(network.get_absolute_url()).status_code == 200
