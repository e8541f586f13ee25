import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_pages_render_for_member(
    client, member, open_network, closed_network, open_meeting, closed_meeting
):
    client.force_login(member)
    for url in [
        reverse("core:home"),
        reverse("networks:directory"),
        open_network.get_absolute_url(),
        closed_network.get_absolute_url(),
        open_meeting.get_absolute_url(),
        closed_meeting.get_absolute_url(),
        reverse("accounts:profile", args=[member.pk]),
        reverse("accounts:profile_edit"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
