"""Each step notifies the other side in GENBO and by e-mail, as each person chose."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from genbo.experts import services
from genbo.experts.models import State
from genbo.notifications.models import Kind, Notification, NotificationPreference
from tests.experts.conftest import make_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(offer, requester):
    start = timezone.now() + timedelta(days=7)
    return services.borrow_request_create(
        offer=offer,
        requester=requester,
        purpose="Workshop om dataskydd.",
        format="workshop",
        proposed_start=start,
        proposed_end=start + timedelta(hours=3),
        expected_hours=6,
        requesting_unit_text="Skolförvaltningen",
    )


def test_new_request_notifies_expert_by_email(
    offer, requester, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        borrow_request = _create(offer, requester)

    notification = Notification.objects.get()
    assert notification.recipient == offer.expert
    assert notification.kind == Kind.BORROW_REQUEST
    assert notification.event == "create"
    assert [m.to for m in mailoutbox] == [[offer.expert.email]]
    assert f"/experts/requests/{borrow_request.pk}/" in mailoutbox[0].body


def test_accept_notifies_requester_and_manager(
    offer, requester, manager, approval_required, mailoutbox, django_capture_on_commit_callbacks
):
    borrow_request = make_request(offer, requester)

    with django_capture_on_commit_callbacks(execute=True):
        services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)

    events = dict(Notification.objects.values_list("recipient_id", "event"))
    assert events == {requester.pk: "accept", manager.pk: "approval_needed"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([requester.email, manager.email])


def test_app_only_preference_sends_no_email(
    offer, requester, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=requester, kind=Kind.BORROW_REQUEST, channel="app")
    borrow_request = make_request(offer, requester)

    with django_capture_on_commit_callbacks(execute=True):
        services.borrow_request_decline(
            borrow_request=borrow_request, by=offer.expert, reason="Fullbokad i vår."
        )

    assert Notification.objects.filter(recipient=requester, event="decline").count() == 1
    assert mailoutbox == []


def test_decline_email_carries_reason(
    offer, requester, mailoutbox, django_capture_on_commit_callbacks
):
    borrow_request = make_request(offer, requester)

    with django_capture_on_commit_callbacks(execute=True):
        services.borrow_request_decline(
            borrow_request=borrow_request, by=offer.expert, reason="Fullbokad i vår."
        )

    assert "Fullbokad i vår." in mailoutbox[0].body


def test_request_notification_visible_to_parties_only(offer, requester):
    borrow_request = make_request(offer, requester)
    services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)
    notification = Notification.objects.get()
    outsider = UserFactory()
    notification.recipient = outsider
    notification.save()

    assert list(Notification.objects.visible_to(outsider)) == []
    assert list(Notification.objects.visible_to(requester)) == []


def test_notification_list_shows_request(client, offer, requester):
    borrow_request = make_request(offer, requester, state=State.REQUESTED)
    services.borrow_request_accept(borrow_request=borrow_request, by=offer.expert)
    client.force_login(requester)

    html = client.get(reverse("notifications:list")).content.decode()

    assert offer.title in html
    notification = Notification.objects.get()
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.url == borrow_request.get_absolute_url()


def test_ics_has_stable_uid_and_sequence(client, offer, requester):
    borrow_request = make_request(offer, requester, state=State.CONFIRMED, sequence=2)
    client.force_login(requester)

    body = client.get(reverse("experts:request_ics", args=[borrow_request.pk])).content.decode()

    assert f"UID:borrow-{borrow_request.uid}@genbo" in body
    assert "SEQUENCE:2" in body
    assert "TZID=Europe/Stockholm" in body


def test_ics_only_for_lectures_and_workshops(client, offer, requester):
    borrow_request = make_request(offer, requester, state=State.CONFIRMED, format="advice")
    client.force_login(requester)

    response = client.get(reverse("experts:request_ics", args=[borrow_request.pk]))

    assert response.status_code == 404


def test_statistics_table_counts_hours(client, offer, requester):
    make_request(offer, requester, state=State.CONFIRMED, expected_hours=7)
    make_request(offer, requester, state=State.DECLINED, expected_hours=50)
    client.force_login(UserFactory(is_staff=True))

    html = client.get(reverse("experts:statistics")).content.decode()

    assert "<td data-label" in html
    assert ">7<" in html
    assert ">50<" not in html


def test_profile_shows_offer_and_visible_feedback(client, offer, requester):
    make_request(
        offer,
        requester,
        state=State.COMPLETED,
        feedback="Lysande föreläsning",
        feedback_visible=True,
    )
    make_request(offer, requester, state=State.COMPLETED, feedback="Hemlig åsikt")
    client.force_login(requester)

    html = client.get(offer.expert.get_absolute_url()).content.decode()

    assert offer.title in html
    assert "Lysande föreläsning" in html
    assert "Hemlig åsikt" not in html


def test_request_form_keeps_text_on_error(client, offer, requester):
    client.force_login(requester)

    response = client.post(
        reverse("experts:request_create", args=[offer.pk]),
        {
            "purpose": "Min text som ska finnas kvar",
            "format": "lecture",
            "proposed_start": "2000-01-01T10:00",
            "proposed_end": "2000-01-01T12:00",
            "expected_hours": "0",
            "requesting_unit_text": "Enheten",
        },
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Min text som ska finnas kvar" in html
    assert "field--invalid" in html
