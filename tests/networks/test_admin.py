"""The Django admin changes networks and memberships with the same effects as the portal."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from genbo.chat import services as chat_services
from genbo.chat.selectors import unread_total
from genbo.core.header_counts import CHAT, cached_count
from genbo.core.models import AuditEvent
from genbo.networks.models import Membership, Network
from genbo.search.models import Kind, SearchDocument
from genbo.search.services import index_object
from tests.chat.conftest import send_message
from tests.factories import UserFactory
from tests.helpers import admin_change_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(first_name="Sara", last_name="Superuser", is_staff=True, is_superuser=True)


def _change_url(network: Network) -> str:
    return reverse("admin:networks_network_change", args=[network.pk])


def _save(client, network: Network, **changes) -> dict:
    """Save the admin change form of `network` with `changes`, and return the posted data."""
    data = admin_change_data(client, _change_url(network))
    data.update(changes)
    response = client.post(_change_url(network), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return data


def _inline_prefix(data: dict, membership: Membership) -> str:
    return next(
        key.removesuffix("-id")
        for key, value in data.items()
        if key.endswith("-id") and value == str(membership.pk)
    )


def _network_document(network: Network):
    return SearchDocument.objects.filter(kind=Kind.NETWORK, object_id=network.pk)


def test_admin_close_forgets_header_counts(
    client, superuser, open_network, convener, outsider, django_capture_on_commit_callbacks
):
    cache.clear()
    room = chat_services.network_room(open_network)
    chat_services.room_list_add(room=room, user=outsider)
    send_message(room, convener, "Hej alla")
    assert cached_count(CHAT, outsider.pk, lambda: unread_total(outsider)) == 1
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):
        _save(client, open_network, access=Network.Access.CLOSED)

    assert cached_count(CHAT, outsider.pk, lambda: unread_total(outsider)) == 0
    assert AuditEvent.objects.filter(action="network.update").exists()


def test_admin_opening_approves_pending(client, superuser, closed_network, employee):
    Membership.objects.create(
        network=closed_network, user=employee, status=Membership.Status.PENDING
    )
    client.force_login(superuser)

    _save(client, closed_network, access=Network.Access.OPEN)

    membership = Membership.objects.get(network=closed_network, user=employee)
    assert membership.status == Membership.Status.ACTIVE


def test_admin_archiving_removes_search_document(client, superuser, open_network):
    index_object(open_network)
    client.force_login(superuser)
    now = timezone.localtime()

    _save(
        client,
        open_network,
        archived_at_0=now.date().isoformat(),
        archived_at_1=now.time().strftime("%H:%M:%S"),
    )

    assert not _network_document(open_network).exists()


def test_admin_created_network_is_indexed(client, superuser):
    client.force_login(superuser)
    data = admin_change_data(client, reverse("admin:networks_network_add"))
    data.update(
        {
            "name": "Nätverk för arkivarier",
            "slug": "arkivarier",
            "purpose": "Vi delar erfarenheter av e-arkiv.",
            "access": Network.Access.OPEN,
            "created_at_0": "2026-12-01",
            "created_at_1": "10:00:00",
        }
    )

    response = client.post(reverse("admin:networks_network_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    network = Network.objects.get(slug="arkivarier")
    assert _network_document(network).exists()
    assert AuditEvent.objects.filter(action="network.create").exists()


def test_admin_membership_pending_ends_access(
    client, superuser, open_network, member, django_capture_on_commit_callbacks
):
    cache.clear()
    room = chat_services.network_room(open_network)
    chat_services.room_list_add(room=room, user=member)
    send_message(room, superuser, "Hej")
    assert cached_count(CHAT, member.pk, lambda: unread_total(member)) == 1
    client.force_login(superuser)
    membership = Membership.objects.get(network=open_network, user=member)
    data = admin_change_data(client, _change_url(open_network))
    data[f"{_inline_prefix(data, membership)}-status"] = Membership.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change_url(open_network), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    # The count was forgotten, so it is counted again on the next page.
    assert cached_count(CHAT, member.pk, lambda: 0) == 0
    event = AuditEvent.objects.get(action="membership.update")
    assert event.data["fields"] == ["status"]


def test_admin_membership_role_change_audited(client, superuser, open_network, member):
    client.force_login(superuser)
    membership = Membership.objects.get(network=open_network, user=member)
    data = admin_change_data(client, _change_url(open_network))
    data[f"{_inline_prefix(data, membership)}-role"] = Membership.Role.CONVENER

    response = client.post(_change_url(open_network), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event = AuditEvent.objects.get(action="membership.update")
    assert event.data["fields"] == ["role"]
    assert event.data["user_id"] == member.pk


def test_admin_membership_delete_audited(client, superuser, open_network, member):
    client.force_login(superuser)
    membership = Membership.objects.get(network=open_network, user=member)
    data = admin_change_data(client, _change_url(open_network))
    data[f"{_inline_prefix(data, membership)}-DELETE"] = "on"

    response = client.post(_change_url(open_network), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Membership.objects.filter(pk=membership.pk).exists()
    event = AuditEvent.objects.get(action="membership.remove")
    assert event.data["user_id"] == member.pk


def test_admin_delete_removes_search_document(client, superuser, open_network):
    index_object(open_network)
    client.force_login(superuser)
    url = reverse("admin:networks_network_delete", args=[open_network.pk])

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Network.objects.filter(pk=open_network.pk).exists()
    assert not _network_document(open_network).exists()
    assert AuditEvent.objects.filter(action="network.delete").exists()


def test_admin_bulk_delete_removes_search_documents(client, superuser, open_network):
    index_object(open_network)
    client.force_login(superuser)

    response = client.post(
        reverse("admin:networks_network_changelist"),
        {"action": "delete_selected", "_selected_action": [open_network.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Network.objects.filter(pk=open_network.pk).exists()
    assert not _network_document(open_network).exists()
