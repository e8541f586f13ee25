"""Querysets compiled once per process: the same rows as the ORM, and refusals of misuse."""

import threading

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connections
from django.db.models import Exists, OuterRef
from django.http import Http404

from genbo.accounts.models import User
from genbo.core.prepared import PreparedQuery
from genbo.forum import selectors
from genbo.forum.models import Thread, ThreadFollow
from genbo.networks.models import Membership
from tests.factories import ThreadFactory, UserFactory


def _followed_threads(user_id, thread_id):
    return (
        Thread.objects.filter(pk=thread_id)
        .select_related("topic", "author")
        .annotate(
            is_following=Exists(ThreadFollow.objects.filter(thread=OuterRef("pk"), user=user_id))
        )
    )


def test_instances_match_the_orm(db, employee):
    thread = ThreadFactory(title="Rutiner för semesterväxling")
    query = PreparedQuery(_followed_threads, "user_id", "thread_id")

    for user in (employee, thread.author):
        expected = _followed_threads(user.pk, thread.pk).get()
        found = query.first(user_id=user.pk, thread_id=thread.pk)
        assert found.pk == expected.pk
        assert found.is_following == expected.is_following
        assert found.topic.name == expected.topic.name
        assert found.author.get_full_name() == expected.author.get_full_name()
        assert found.created_at == expected.created_at
    assert query.first(user_id=employee.pk, thread_id=thread.pk + 1000) is None


def test_compiled_once_and_one_query(db, employee, django_assert_num_queries):
    thread = ThreadFactory()
    builds = []

    def build(user_id, thread_id):
        builds.append(user_id)
        return _followed_threads(user_id, thread_id)

    query = PreparedQuery(build, "user_id", "thread_id")
    query.run(user_id=employee.pk, thread_id=thread.pk)
    with django_assert_num_queries(1):
        assert query.run(user_id=thread.author.pk, thread_id=thread.pk)[0].is_following
    assert len(builds) == 1


@pytest.mark.django_db(transaction=True)
def test_compiled_once_for_all_threads():
    """Under ASGI each request has a thread and a connection object of its own."""
    user = UserFactory()
    builds = []

    def build(user_id):
        builds.append(user_id)
        return User.objects.filter(pk=user_id)

    query = PreparedQuery(build, "user_id")
    found = []

    def run_in_thread():
        try:
            found.extend(query.run(user_id=user.pk))
        finally:
            connections.close_all()

    for _ in range(2):
        worker = threading.Thread(target=run_in_thread)
        worker.start()
        worker.join()
    assert [found_user.pk for found_user in found] == [user.pk, user.pk]
    assert len(builds) == 1


def test_unused_value_is_rejected(db):
    query = PreparedQuery(
        lambda user_id, thread_id: Thread.objects.filter(pk=thread_id), "user_id", "thread_id"
    )

    with pytest.raises(ValueError, match="user_id"):
        query.run(user_id=1, thread_id=1)


def test_marker_inside_a_string_is_rejected(db):
    query = PreparedQuery(
        lambda user_id: User.objects.filter(pk=user_id, email=f"{user_id}@example.se"), "user_id"
    )

    with pytest.raises(ValueError, match="another form"):
        query.run(user_id=1)


def test_out_of_range_id_finds_nothing(db):
    query = PreparedQuery(lambda user_id: User.objects.filter(pk=user_id), "user_id")

    assert query.run(user_id=2**70) == []


def test_missing_value_is_rejected(db):
    query = PreparedQuery(lambda user_id: User.objects.filter(pk=user_id), "user_id")

    with pytest.raises(TypeError):
        query.run()


def test_thread_getter_keeps_access_rule(db, closed_network, convener, member, outsider):
    thread = ThreadFactory(network=closed_network, author=member)

    assert selectors.get_thread_for_user(member, thread.pk).can_accept
    found = selectors.get_thread_for_user(convener, thread.pk)
    assert found.is_convener
    assert found.can_accept
    assert not found.is_following
    with pytest.raises(Http404):
        selectors.get_thread_for_user(outsider, thread.pk)

    Membership.objects.filter(network=closed_network, user=member).update(status="left")
    with pytest.raises(Http404):
        selectors.get_thread_for_user(member, thread.pk)
    member.is_active = False
    with pytest.raises(Http404):
        selectors.get_thread_for_user(member, thread.pk)


def test_impossible_session_user_signed_out(client, db):
    client.force_login(UserFactory())
    session = client.session
    session[SESSION_KEY] = "99999999999999999999999"
    session.save()

    response = client.get("/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_deactivated_session_user_signed_out(client, employee):
    client.force_login(employee)
    User.objects.filter(pk=employee.pk).update(is_active=False)

    response = client.get("/")

    assert response.status_code == 302


def test_count_matches_the_orm(db, employee, django_assert_num_queries):
    ThreadFactory(author=employee)
    ThreadFactory(author=employee)
    ThreadFactory()
    query = PreparedQuery(lambda user_id: Thread.objects.filter(author=user_id), "user_id")
    query.count(user_id=employee.pk)

    with django_assert_num_queries(1):
        assert query.count(user_id=employee.pk) == 2


def test_out_of_range_id_counts_nothing(db):
    query = PreparedQuery(lambda user_id: User.objects.filter(pk=user_id), "user_id")

    assert query.count(user_id=2**70) == 0


def test_plan_made_once_per_connection(db, employee):
    thread = ThreadFactory()
    query = PreparedQuery(_followed_threads, "user_id", "thread_id")

    query.run(user_id=employee.pk, thread_id=thread.pk)
    plans = dict(connections["default"].genbo_prepared_plans)
    found = query.first(user_id=employee.pk, thread_id=thread.pk)

    assert connections["default"].genbo_prepared_plans == plans
    assert found.topic.name == thread.topic.name


def test_queries_keep_their_own_plans(db, employee):
    thread = ThreadFactory()
    threads = PreparedQuery(_followed_threads, "user_id", "thread_id")
    users = PreparedQuery(lambda user_id: User.objects.filter(pk=user_id), "user_id")

    found_thread = threads.first(user_id=employee.pk, thread_id=thread.pk)
    found_user = users.first(user_id=employee.pk)

    assert isinstance(found_thread, Thread)
    assert isinstance(found_user, User)
    assert found_user.email == employee.email
