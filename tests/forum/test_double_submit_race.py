"""Two submits of one form at the same moment store one post, and both get it back.

A double click sends the form twice. The second request can pass the first check for the
form token before the first request has committed, and then waits for the first.

These tests need PostgreSQL: one connection holds a lock while another waits for it. The
in-memory SQLite of the test run locks whole tables and fails the waiting request at once.
"""

import threading
import uuid

import pytest
from django.db import connection, transaction

from genbo.forum import services
from genbo.forum.models import Post, Thread, Topic
from tests.factories import PostFactory, ThreadFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

WAIT_SECONDS = 10


def _topic() -> Topic:
    # A test that commits may run after another one that emptied the tables, topics that a
    # migration added included.
    return Topic.objects.get_or_create(slug="bemanning", defaults={"name": "Bemanning"})[0]


def _start(function) -> tuple[threading.Thread, dict]:
    """Run `function` in a thread with its own database connection.

    Return the thread and a dict that gets the result or the exception of `function`.
    """
    outcome = {}

    def run():
        try:
            outcome["value"] = function()
        except Exception as error:  # reported by the test
            outcome["error"] = error
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    return worker, outcome


def _wait_until_a_request_waits_for_a_lock() -> None:
    for _attempt in range(WAIT_SECONDS * 20):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        threading.Event().wait(0.05)
    raise AssertionError("the second submit never waited for the first one")


def _race(first_submit, second_submit) -> tuple[dict, dict]:
    """Run `first_submit` in a transaction that stays open until `second_submit` waits for
    it, then let both finish."""
    stored, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            value = first_submit()
            stored.set()
            release.wait(WAIT_SECONDS)
        return value

    first_worker, first_outcome = _start(first)
    assert stored.wait(WAIT_SECONDS), first_outcome.get("error")
    second_worker, second_outcome = _start(second_submit)
    _wait_until_a_request_waits_for_a_lock()
    release.set()
    first_worker.join(WAIT_SECONDS)
    second_worker.join(WAIT_SECONDS)
    return first_outcome, second_outcome


def test_simultaneous_reply_stored_once(employee, member):
    thread = ThreadFactory(author=employee, topic=_topic())
    token = uuid.uuid4()

    def first_submit():
        # The state of post_reply while it stores the reply: the thread is locked.
        Thread.objects.select_for_update().get(pk=thread.pk)
        return PostFactory(thread=thread, author=member, body="Svar.", idempotency_key=token)

    def second_submit():
        return services.post_reply(
            thread=thread, author=member, body="Svar.", idempotency_key=token
        )

    first, second = _race(first_submit, second_submit)

    assert "error" not in second, second.get("error")
    assert second["value"].pk == first["value"].pk
    assert Post.objects.filter(thread=thread, is_question=False).count() == 1


def test_simultaneous_question_makes_one_thread(employee):
    topic = _topic()
    token = uuid.uuid4()

    def submit():
        return services.thread_create(
            author=employee,
            topic=topic,
            title="Hur ordnar ni vikarier?",
            body="Vi behöver tips.",
            idempotency_key=token,
        )

    first, second = _race(submit, submit)

    assert "error" not in second, second.get("error")
    assert second["value"].pk == first["value"].pk
    assert Thread.objects.filter(title="Hur ordnar ni vikarier?").count() == 1
