"""Each response carries one masked CSRF token, and a new one each time."""

import re

import pytest
from django.middleware.csrf import rotate_token
from django.test import RequestFactory

from genbo.core.csrf import request_token
from tests.factories import ThreadFactory
from tests.helpers import signed_in_client

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def thread(employee):
    return ThreadFactory(author=employee, question="Hur gör ni?")


def test_page_repeats_one_token(employee, thread):
    page = signed_in_client(employee).get(thread.get_absolute_url()).content.decode()

    tokens = TOKEN.findall(page)
    # The sign-out form in the header and the reply form in the cached content.
    assert len(tokens) >= 2
    assert len(set(tokens)) == 1


def test_next_page_has_another_token(employee, thread):
    client = signed_in_client(employee)

    first = TOKEN.search(client.get(thread.get_absolute_url()).content.decode()).group(1)
    second = TOKEN.search(client.get(thread.get_absolute_url()).content.decode()).group(1)

    assert first != second


@pytest.mark.django_db
def test_rotated_secret_gives_new_token():
    request = RequestFactory().get("/")
    before = request_token(request)

    rotate_token(request)

    assert request_token(request) != before
