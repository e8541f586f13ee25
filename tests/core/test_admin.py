"""The Django admin follows the access rule: closed-network content only for its members."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(first_name="Sara", last_name="Superuser", is_staff=True, is_superuser=True)


def test_admin_meeting_list_hides_closed_meetings(client, superuser, closed_meeting, open_meeting):
    client.force_login(superuser)

    html = client.get(reverse("admin:networks_meeting_changelist")).content.decode()

    assert open_meeting.title in html
    assert closed_meeting.title not in html


def test_admin_closed_meeting_change_page_is_not_shown(client, superuser, closed_meeting):
    client.force_login(superuser)

    response = client.get(reverse("admin:networks_meeting_change", args=[closed_meeting.pk]))

    # The admin answers a hidden object like a missing one: back to the index.
    assert response.status_code == 302
    assert closed_meeting.minutes not in client.get(response.url).content.decode()


def test_admin_member_sees_closed_meeting(client, closed_meeting, member):
    member.is_staff = True
    member.is_superuser = True
    member.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(member)

    response = client.get(reverse("admin:networks_meeting_change", args=[closed_meeting.pk]))

    assert response.status_code == 200
