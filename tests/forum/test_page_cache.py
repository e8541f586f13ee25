"""The cached content of the thread page: the viewer's own follow state, staff actions,
tokens and pagination, and the thread's changes shown at once."""

import re

import pytest
from django.urls import reverse

from genbo.forum import services
from genbo.forum.models import Post, Thread
from genbo.forum.selectors import POSTS_PER_PAGE
from genbo.networks.models import Network
from tests.factories import (
    NetworkFactory,
    PostFactory,
    ThreadFactory,
    UserFactory,
    add_member,
)
from tests.helpers import in_swedish, signed_in_client

pytestmark = pytest.mark.django_db


def _page(client, thread, query: str = "") -> str:
    response = client.get(thread.get_absolute_url() + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "placeholder-" not in html
    return html


def _reply_token(html: str) -> str:
    match = re.search(r'<input type="hidden" name="token" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def _csrf_token(html: str, action: str) -> str:
    form = html[html.index(f'action="{action}"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


@pytest.fixture
def thread(employee, member):
    thread = ThreadFactory(author=employee, question="Hur gör ni?")
    PostFactory(thread=thread, author=member, body="Så här gör vi.")
    return thread


def test_reply_token_fresh_per_view(thread):
    reader = signed_in_client(UserFactory(), enforce_csrf_checks=True)
    reply_url = reverse("forum:reply", args=[thread.pk])

    first = _page(reader, thread)
    second = _page(reader, thread)
    data = {
        "body": "Vi gör likadant.",
        "token": _reply_token(second),
        "csrfmiddlewaretoken": _csrf_token(second, reply_url),
    }
    responses = [reader.post(reply_url, data) for _twice in range(2)]

    assert _reply_token(first) != _reply_token(second)
    assert [response.status_code for response in responses] == [302, 302]
    assert Post.objects.filter(thread=thread, body="Vi gör likadant.").count() == 1


def test_follow_state_is_the_viewers_own(thread):
    follower, reader = UserFactory(), UserFactory()
    services.follow_toggle(thread=thread, user=follower)
    following = in_swedish("Following")
    follow = in_swedish("Follow the thread")

    # Each viewer twice and in turns, so that the second view of each comes from the cache.
    views = [(user, _page(signed_in_client(user), thread)) for user in (follower, reader) * 2]

    for user, html in views:
        if user == follower:
            assert following in html
        else:
            assert follow in html
            assert following not in html


def test_lock_button_only_for_staff(thread, staff):
    lock_url = reverse("forum:lock", args=[thread.pk])

    staff_html = _page(signed_in_client(staff), thread)
    reader_html = _page(signed_in_client(UserFactory()), thread)
    staff_again = _page(signed_in_client(staff), thread)

    assert lock_url in staff_html
    assert lock_url in staff_again
    assert lock_url not in reader_html


def test_lock_and_title_change_show_at_once(thread, staff):
    reader = signed_in_client(UserFactory())
    reply_url = reverse("forum:reply", args=[thread.pk])
    assert f'action="{reply_url}"' in _page(reader, thread)

    services.thread_set_locked(thread=thread, by=staff, locked=True)
    locked_html = _page(reader, thread)
    # A change that bypasses the services still shows, because the title is in the key.
    Thread.objects.filter(pk=thread.pk).update(title="Ny rubrik på frågan")
    renamed_html = _page(reader, thread)

    assert f'action="{reply_url}"' not in locked_html
    assert in_swedish("The thread is locked, so it takes no new replies.") in locked_html
    assert "<h1>Ny rubrik på frågan</h1>" in renamed_html


def test_closed_badge_follows_the_network(employee, member):
    network = NetworkFactory(access=Network.Access.OPEN)
    thread = ThreadFactory(author=employee, network=network, question="Hur gör ni?")
    reader = signed_in_client(member)
    badge = in_swedish("Bollplank: for members only")
    add_member(network, member)
    open_html = _page(reader, thread)
    Network.objects.filter(pk=network.pk).update(access=Network.Access.CLOSED)
    closed_html = _page(reader, thread)

    assert badge not in open_html
    assert badge in closed_html


def test_pagination_keeps_other_query_parameters(thread, member):
    for number in range(POSTS_PER_PAGE + 1):
        PostFactory(thread=thread, author=member, body=f"Svar nummer {number}.")
    services.thread_content_changed(thread.pk)
    thread.refresh_from_db()
    reader = signed_in_client(UserFactory())

    second = _page(reader, thread, "?page=2")
    second_again = _page(reader, thread, "?page=2")
    with_other = _page(reader, thread, "?page=2&utm=nyhetsbrev")

    assert 'href="?page=1" rel="prev"' in second
    assert 'href="?page=1" rel="prev"' in second_again
    assert 'href="?page=1&amp;utm=nyhetsbrev" rel="prev"' in with_other
