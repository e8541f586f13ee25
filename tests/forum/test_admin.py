"""The forum's admin pages follow the access rule like the portal."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_forum_post_of_closed_network_is_hidden(client, forum):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)

    listing = client.get(reverse("admin:forum_post_changelist")).content.decode()
    change = client.get(reverse("admin:forum_post_change", args=[forum.closed_reply.pk]))

    assert "Vi tar det på träffen" not in listing
    assert change.status_code == 302
