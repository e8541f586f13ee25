"""The weekly newsletter: content per employee, access, idempotency and unsubscribing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from genbo.cli import main
from genbo.notifications import digest as digest_module
from genbo.notifications.digest import build_digest, digest_send_all, iso_week
from genbo.notifications.mail import unsubscribe_token
from genbo.notifications.models import DigestDelivery, MailPreference, OutboxEmail
from tests.factories import (
    CompetenceFactory,
    ExpertOfferFactory,
    LibraryItemFactory,
    MeetingFactory,
    NetworkFactory,
    ThreadFactory,
    UserFactory,
)
from tests.notifications.conftest import parts_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_ago():
    return timezone.now() - timedelta(days=7)


@pytest.fixture
def upphandling(db):
    return CompetenceFactory(label="Upphandling")


@pytest.fixture
def world(convener, member, outsider, closed_network, open_network, upphandling):
    """New things of every kind, some in a closed network that only `member` belongs to."""
    member.competences.add(upphandling)
    outsider.competences.add(upphandling)
    open_new = NetworkFactory(name="Nätverk för upphandlare")
    open_new.competences.add(upphandling)
    bjuv_network = NetworkFactory(name="Bjuvs nätverk")
    bjuv_network.municipalities.add(outsider.municipality)
    MeetingFactory(network=open_network, title="Öppen träff nästa vecka")
    MeetingFactory(network=closed_network, title="Hemlig träff nästa vecka")
    LibraryItemFactory(title="Öppet tips", kind="tip")
    LibraryItemFactory(title="Hemligt projekt", kind="project", network=closed_network)
    LibraryItemFactory(title="Bara en länk", kind="link")
    open_question = ThreadFactory(title="Öppen fråga om upphandling")
    open_question.competences.add(upphandling)
    closed_question = ThreadFactory(title="Hemlig fråga om upphandling", network=closed_network)
    closed_question.competences.add(upphandling)
    ExpertOfferFactory(title="Föreläsning om LOU")
    return open_new


def _titles(digest) -> dict[str, list[str]]:
    return {
        "networks": [network.name for network in digest.networks],
        "meetings": [meeting.title for meeting in digest.meetings],
        "library": [item.title for item in digest.library_items],
        "questions": [thread.title for thread in digest.questions],
        "experts": [offer.title for offer in digest.expert_offers],
    }


def test_member_sees_closed_network_news(world, member, week_ago):
    titles = _titles(build_digest(member, since=week_ago, now=timezone.now()))

    assert titles["networks"] == ["Nätverk för upphandlare"]
    assert sorted(titles["meetings"]) == ["Hemlig träff nästa vecka", "Öppen träff nästa vecka"]
    assert sorted(titles["library"]) == ["Hemligt projekt", "Öppet tips"]
    assert sorted(titles["questions"]) == [
        "Hemlig fråga om upphandling",
        "Öppen fråga om upphandling",
    ]
    assert titles["experts"] == ["Föreläsning om LOU"]


def test_outsider_never_sees_closed_items(world, outsider, week_ago):
    titles = _titles(build_digest(outsider, since=week_ago, now=timezone.now()))

    assert sorted(titles["networks"]) == ["Bjuvs nätverk", "Nätverk för upphandlare"]
    assert titles["meetings"] == []
    assert titles["library"] == ["Öppet tips"]
    assert titles["questions"] == ["Öppen fråga om upphandling"]
    for section in titles.values():
        assert not any(title.startswith("Hemlig") for title in section)


def test_employee_without_competences(world, employee, week_ago):
    titles = _titles(build_digest(employee, since=week_ago, now=timezone.now()))

    # Helsingborg takes part in no new network, and questions need a competence.
    assert titles["networks"] == []
    assert titles["questions"] == []
    assert titles["library"] == ["Öppet tips"]
    assert titles["experts"] == ["Föreläsning om LOU"]


def test_rendered_newsletter_never_leaks(
    world, outsider, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_all()

    outsider_mail = OutboxEmail.objects.get(recipient=outsider)
    member_mail = OutboxEmail.objects.get(recipient=member)
    assert "Hemlig" not in outsider_mail.text_body
    assert "Hemlig" not in outsider_mail.html_body
    assert "Hemligt projekt" in member_mail.text_body
    assert "Hemlig träff nästa vecka" in member_mail.html_body


def test_own_items_not_listed(employee, week_ago):
    LibraryItemFactory(title="Mitt tips", author=employee)
    ExpertOfferFactory(title="Mitt erbjudande", expert=employee)

    digest = build_digest(employee, since=week_ago, now=timezone.now())

    assert digest.item_count == 0


def test_old_items_not_listed(employee, week_ago):
    LibraryItemFactory(title="Gammalt tips", created_at=week_ago - timedelta(days=1))

    digest = build_digest(employee, since=week_ago, now=timezone.now())

    assert digest.item_count == 0


def test_nothing_new_sends_nothing(employee, member):
    report = digest_send_all()

    assert report.users == 2
    assert report.with_content == 0
    assert not OutboxEmail.objects.exists()
    assert not DigestDelivery.objects.exists()


def test_second_run_same_week_sends_nothing(world, member):
    now = timezone.now()

    first = digest_send_all(now=now)
    second = digest_send_all(now=now + timedelta(hours=2))

    assert first.stored >= 1
    assert second.stored == 0
    assert DigestDelivery.objects.filter(user=member, week=iso_week(now)).count() == 1
    assert OutboxEmail.objects.filter(recipient=member, category="digest").count() == 1


def test_race_on_same_week_stores_one(world, member, caplog):
    now = timezone.now()
    DigestDelivery.objects.create(user=member, week=iso_week(now))
    member_digest = build_digest(member, since=now - timedelta(days=7), now=now)

    stored = digest_module._store(member_digest, iso_week(now))

    assert stored is False
    assert not OutboxEmail.objects.filter(recipient=member).exists()
    assert "exists already" in caplog.text


def test_next_week_counts_from_last(world, member):
    now = timezone.now()
    digest_send_all(now=now)
    LibraryItemFactory(title="Nytt tips veckan efter", created_at=now + timedelta(days=2))

    next_week = now + timedelta(days=7)
    report = digest_send_all(now=next_week)

    text = OutboxEmail.objects.filter(recipient=member).order_by("-pk")[0].text_body
    assert report.stored >= 1
    assert "Nytt tips veckan efter" in text
    assert "Öppet tips" not in text


def test_opted_out_gets_nothing(world, member):
    MailPreference.objects.create(user=member, newsletter="off")

    digest_send_all()

    assert not OutboxEmail.objects.filter(recipient=member).exists()


def test_newsletter_headers_and_parts(smtp, world, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_all()

    message = next(message for message in smtp.messages if message["To"] == member.email)
    unsubscribe = reverse("notifications:unsubscribe", args=[unsubscribe_token(member)])
    # The header may be folded onto its own line; the whitespace is not part of the value.
    assert message["List-Unsubscribe"].strip() == f"<{settings.GENBO_BASE_URL}{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    parts = parts_of(message)
    assert "Hemligt projekt" in parts["text/plain"][0].get_content()
    assert "Hemligt projekt" in parts["text/html"][0].get_content()
    assert unsubscribe in parts["text/plain"][0].get_content()
    assert reverse("notifications:settings") in parts["text/html"][0].get_content()


def test_one_click_unsubscribe_post(client, member):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(member)])

    response = client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert MailPreference.objects.get(user=member).newsletter == "off"


def test_unsubscribe_get_only_asks(client, member):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(member)])

    response = client.get(url)

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert not MailPreference.objects.filter(user=member, newsletter="off").exists()


def test_unsubscribe_bad_token_404(client, member):
    token = unsubscribe_token(member)

    assert client.post(reverse("notifications:unsubscribe", args=[token + "x"])).status_code == 404
    assert client.get(reverse("notifications:unsubscribe", args=["abc"])).status_code == 404


def test_cli_dry_run_sends_nothing(world, capsys):
    assert main(["digest", "--dry-run", "--verbose"]) == 0

    output = capsys.readouterr().out
    assert "would be sent (dry run)" in output
    assert not OutboxEmail.objects.exists()
    assert not DigestDelivery.objects.exists()


def test_cli_dry_run_prints_one_newsletter(world, member, capsys):
    assert main(["digest", "--dry-run", "--user", member.email.upper()]) == 0

    output = capsys.readouterr().out
    assert f"for user {member.pk} <{member.email}>" in output
    assert "Subject: " in output
    assert "Hemligt projekt" in output
    assert "Nätverk för upphandlare" in output
    assert "<html" not in output
    assert "Note:" not in output
    assert not OutboxEmail.objects.exists()
    assert not DigestDelivery.objects.exists()


def test_cli_dry_run_shows_what_others_see(world, outsider, capsys):
    assert main(["digest", "--dry-run", "--user", outsider.email]) == 0

    output = capsys.readouterr().out
    assert "Bjuvs nätverk" in output
    assert "Hemligt projekt" not in output
    assert "Hemlig fråga om upphandling" not in output


def test_cli_dry_run_prints_html_part(world, member, capsys):
    assert main(["digest", "--dry-run", "--user", member.email, "--html"]) == 0
    assert "<html" in capsys.readouterr().out


def test_cli_dry_run_notes_why_nothing_is_sent(world, member, capsys):
    MailPreference.objects.create(user=member, newsletter="off")

    assert main(["digest", "--dry-run", "--user", member.email]) == 0

    output = capsys.readouterr().out
    assert "Note: this employee has turned the newsletter off" in output
    assert "Hemligt projekt" in output


def test_cli_user_option_rejects_misuse(world, member, capsys):
    assert main(["digest", "--send", "--user", member.email]) == 2
    assert main(["digest", "--dry-run", "--user", "finns.inte@example.se"]) == 2
    assert main(["digest", "--dry-run", "--html"]) == 2

    errors = capsys.readouterr().err
    assert "--user works with --dry-run only" in errors
    assert "no active employee has the address finns.inte@example.se" in errors
    assert "--html works with --dry-run --user only" in errors
    assert not OutboxEmail.objects.exists()


def test_cli_send_sends(world, member, mailoutbox, capsys):
    assert main(["digest", "--send"]) == 0

    assert member.email in [message.to[0] for message in mailoutbox]
    assert "stored for sending" in capsys.readouterr().out


def test_inactive_and_addressless_skipped(world):
    UserFactory(is_active=False)
    UserFactory(email="")

    report = digest_send_all()

    assert report.users == OutboxEmail.objects.count() + (report.users - report.with_content)
