"""The cached posts of the thread page: shared where the HTML is the same, never across a
difference between viewers, and retired by every change to the posts."""

import os
import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from genbo.forum import services
from tests.factories import CompetenceFactory, PostFactory, ThreadFactory, UserFactory
from tests.helpers import in_swedish, signed_in_client


def _page(client, thread) -> str:
    response = client.get(thread.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def thread(employee, member):
    """A question by `employee` with one reply by `member`."""
    thread = ThreadFactory(author=employee, question="Hur gör ni?")
    PostFactory(thread=thread, author=member, body="Så här gör vi.")
    return thread


def _reply(thread):
    return thread.posts.get(is_question=False)


def test_author_and_reader_see_own_actions(thread, employee, member):
    reply = _reply(thread)
    edit_url = reverse("forum:post_edit", args=[reply.pk])
    vote_url = reverse("forum:vote", args=[reply.pk])
    reader = UserFactory()

    # Each viewer twice and in turns, so that the second view of each comes from the cache.
    views = {}
    for user in (reader, member, reader, member):
        views.setdefault(user.pk, []).append(_page(signed_in_client(user), thread))

    for html in views[member.pk]:
        assert edit_url in html
        assert vote_url not in html
    for html in views[reader.pk]:
        assert edit_url not in html
        assert vote_url in html


def test_asker_alone_sees_mark_as_answer(thread, employee):
    accept_url = reverse("forum:accept", args=[_reply(thread).pk])

    reader_html = _page(signed_in_client(UserFactory()), thread)
    asker_html = _page(signed_in_client(employee), thread)
    second_reader_html = _page(signed_in_client(UserFactory()), thread)

    assert accept_url in asker_html
    assert accept_url not in reader_html
    assert accept_url not in second_reader_html


def test_staff_actions_and_hidden_text_stay_with_staff(thread, staff):
    reply = _reply(thread)
    services.post_set_hidden(post=reply, by=staff, hidden=True)
    hide_url = reverse("forum:hide", args=[reply.pk])

    staff_html = _page(signed_in_client(staff), thread)
    reader_html = _page(signed_in_client(UserFactory()), thread)

    assert "Så här gör vi." in staff_html
    assert hide_url in staff_html
    assert "Så här gör vi." not in reader_html
    assert hide_url not in reader_html
    assert in_swedish("The post is hidden by the secretariat.") in reader_html


def test_own_thanks_shown_only_to_thanker(thread, employee):
    reply = _reply(thread)
    thanker = UserFactory()
    services.vote_toggle(post=reply, user=thanker, voted=True)
    pressed = f'id="vote-button-{reply.pk}" class="button button--small" aria-pressed="true"'

    reader_html = _page(signed_in_client(UserFactory()), thread)
    thanker_html = _page(signed_in_client(thanker), thread)

    assert pressed in thanker_html
    assert pressed not in reader_html
    assert "(1)" in reader_html


def test_viewers_without_own_posts_share_the_html(thread):
    with CaptureQueriesContext(connection) as cold:
        _page(signed_in_client(UserFactory()), thread)
    with CaptureQueriesContext(connection) as warm:
        _page(signed_in_client(UserFactory()), thread)

    # The second viewer reads only their own thanks on the page, not the ids and authors
    # of the posts, the thread's competences, the posts and their earlier versions.
    assert len(warm) == len(cold) - 3


def test_competences_shown_from_cached_index(thread):
    thread.competences.add(CompetenceFactory(label="Arbetsrätt"))
    tag = '<span class="tag">Arbetsrätt</span>'

    first = _page(signed_in_client(UserFactory()), thread)
    second = _page(signed_in_client(UserFactory()), thread)

    assert tag in first
    assert tag in second


@pytest.mark.parametrize(
    "change",
    ["reply", "edit", "delete", "hide", "thanks", "answer", "lock"],
)
def test_change_to_posts_shows_at_once(thread, employee, member, staff, change):
    reader = signed_in_client(UserFactory())
    reply = _reply(thread)
    before = _page(reader, thread)

    if change == "reply":
        services.post_reply(thread=thread, author=staff, body="Ett nytt svar.")
        expected = "Ett nytt svar."
    elif change == "edit":
        services.post_edit(post=reply, by=member, body="Ändrad text.")
        expected = "Ändrad text."
    elif change == "delete":
        services.post_delete(post=reply, by=member)
        expected = in_swedish("The post is deleted.")
    elif change == "hide":
        services.post_set_hidden(post=reply, by=staff, hidden=True)
        expected = in_swedish("The post is hidden by the secretariat.")
    elif change == "thanks":
        services.vote_toggle(post=reply, user=staff, voted=True)
        expected = '<span class="vote__count">(1)</span>'
    elif change == "answer":
        services.answer_toggle(post=reply, by=employee)
        expected = "post post--answer"
    else:
        services.thread_set_locked(thread=thread, by=staff, locked=True)
        expected = None
    after = _page(reader, thread)

    quote_url = reverse("forum:reply", args=[thread.pk]) + "?quote="
    if expected is None:
        assert quote_url in before
        assert quote_url not in after
    else:
        assert expected not in before
        assert expected in after


def test_closed_thread_never_served_to_non_member(closed_network, member, employee, outsider):
    thread = ThreadFactory(author=member, network=closed_network, question="Hemlig fråga")
    member_client = signed_in_client(member)

    assert "Hemlig fråga" in _page(member_client, thread)
    assert "Hemlig fråga" in _page(member_client, thread)
    for user in (employee, outsider):
        response = signed_in_client(user).get(thread.get_absolute_url())
        assert response.status_code == 404
        assert "Hemlig fråga" not in response.content.decode()


def _vote_form_token(html: str, vote_url: str) -> str:
    form = re.search(rf'action="{re.escape(vote_url)}"[^>]*>\s*<input [^>]*value="([^"]+)"', html)
    assert form is not None
    return form.group(1)


def test_csrf_tokens_in_cached_posts_are_viewer_own(thread):
    vote_url = reverse("forum:vote", args=[_reply(thread).pk])
    first = signed_in_client(UserFactory(), enforce_csrf_checks=True)
    second = signed_in_client(UserFactory(), enforce_csrf_checks=True)

    first_token = _vote_form_token(_page(first, thread), vote_url)
    second_html = _page(second, thread)
    second_token = _vote_form_token(second_html, vote_url)
    with_first_token = second.post(vote_url, {"voted": "1", "csrfmiddlewaretoken": first_token})
    with_own_token = second.post(vote_url, {"voted": "1", "csrfmiddlewaretoken": second_token})

    assert "csrf-placeholder" not in second_html
    assert with_first_token.status_code == 403
    assert with_own_token.status_code == 302


# CI sets GENBO_REDIS_TEST_URL; without it the test expects Redis on its default port.
REDIS_TEST_URL = os.environ.get("GENBO_REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache(settings):
    """Production's cache backend, under a key prefix of this test alone."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": f"genbo-test-{uuid.uuid4().hex}",
            "TIMEOUT": 60,
        }
    }


def test_posts_shared_and_retired_through_redis(redis_cache, thread, member):
    reply = _reply(thread)
    edit_url = reverse("forum:post_edit", args=[reply.pk])
    reader = signed_in_client(UserFactory())

    _page(signed_in_client(UserFactory()), thread)
    stored_index = cache.get(f"forum:thread:{thread.pk}:v{thread.content_version}:index")
    reader_html = _page(reader, thread)
    member_html = _page(signed_in_client(member), thread)
    services.post_edit(post=reply, by=member, body="Ändrad i Redis.")
    after_edit = _page(reader, thread)

    assert stored_index is not None
    assert "Så här gör vi." in reader_html
    assert "csrf-placeholder" not in reader_html
    assert edit_url not in reader_html
    assert edit_url in member_html
    assert "Ändrad i Redis." in after_edit
