"""Defects found by hand-testing the demo, kept as tests until they are fixed."""

import pytest

from genbo.accounts.provisioning import user_deactivate
from genbo.search.selectors import Filters, search, suggestions
from genbo.search.services import index_object
from genbo.search.text import parse_query

pytestmark = pytest.mark.django_db


def test_deactivated_employee_leaves_search(employee, member, django_capture_on_commit_callbacks):
    # A person who left is deactivated by the directory sync; without a reindex the
    # profile, which now answers 404, must not be found.
    index_object(member)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=member, source="ldap")

    page = search(employee, parse_query("medlem"), Filters())
    assert [hit.kind for hit in page.results] == []
    assert not suggestions(employee, parse_query("medlem", still_typing=True)).people
