"""Pages and services of Idébiblioteket: creating each kind, filters, useful marks, comments."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from genbo.core.names import INVISIBLE_NAME_ERROR
from genbo.library import services
from genbo.library.models import Item, MeetingAttachment, UsefulMark
from tests.factories import LibraryItemFactory, NetworkFactory
from tests.helpers import field_block, in_swedish, in_swedish_start
from tests.library.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


def test_tip_created_with_competences(client, employee):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["tip"]),
        {
            "title": "  Korta  möten ",
            "description": "Stå upp.",
            "competences": "Mötesteknik",
            "municipality": employee.municipality_id,
        },
    )

    item = Item.objects.get()
    assert response.url == item.get_absolute_url()
    assert item.title == "Korta möten"
    assert [c.label for c in item.competences.all()] == ["Mötesteknik"]
    assert item.municipality == employee.municipality


def test_tip_with_invisible_title_rejected(client, employee):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["tip"]), {"title": "\u200b", "description": "Stå upp."}
    )

    assert response.status_code == 200
    assert not Item.objects.exists()
    error = in_swedish(INVISIBLE_NAME_ERROR, escape_html=True)
    assert error in field_block(response.content.decode(), "title")


def test_tip_without_text_keeps_title(client, employee):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["tip"]), {"title": "Mitt tips", "description": " "}
    )

    html = response.content.decode()
    assert in_swedish("Write the tip.", escape_html=True) in field_block(html, "description")
    assert 'value="Mitt tips"' in html


def test_project_created_with_period_and_people(client, employee, member):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["project"]),
        {
            "title": "Gemensam introduktion",
            "background": "Vi saknade en gemensam mall.",
            "what_was_done": "Workshoppar.",
            "results": "Nöjdare nyanställda.",
            "contact_email": member.email,
            "municipalities_involved": [employee.municipality.pk],
            "period_start": "2026-01-10",
            "period_end": "2026-06-01",
            "url": "https://www.example.se/projekt",
        },
    )

    item = Item.objects.get()
    assert response.status_code == 302
    assert item.contact_person == member
    assert list(item.municipalities_involved.all()) == [employee.municipality]
    assert item.links.get().url == "https://www.example.se/projekt"
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Nöjdare nyanställda." in page


def test_project_period_in_order(client, employee):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["project"]),
        {"title": "Projekt", "period_start": "2026-06-01", "period_end": "2026-01-01"},
    )

    message = in_swedish("The period must end on or after its start.", escape_html=True)
    assert message in field_block(response.content.decode(), "period_end")


def test_description_markdown_sanitised(client, employee):
    item = LibraryItemFactory(author=employee, description="<script>alert(1)</script> **fet**")
    client.force_login(employee)

    html = client.get(item.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    assert "<strong>fet</strong>" in html


def test_list_filters_by_kind_and_competence(client, employee):
    tip = LibraryItemFactory(title="Tips om arkiv")
    tip.competences.set(services_competences("E-arkiv"))
    LibraryItemFactory(title="Länk om lön", kind="link")
    client.force_login(employee)

    by_kind = client.get(reverse("library:index") + "?kind=link").content.decode()
    by_competence = client.get(reverse("library:index") + "?competence=arkiv").content.decode()

    assert "Länk om lön" in by_kind
    assert "Tips om arkiv" not in by_kind
    assert "Tips om arkiv" in by_competence
    assert "Länk om lön" not in by_competence


def services_competences(*labels):
    from genbo.accounts.services import competences_resolve

    return competences_resolve(list(labels))


def test_list_orders_by_useful(client, employee, member):
    LibraryItemFactory(title="Nyare")
    older = LibraryItemFactory(title="Uppskattad")
    Item.objects.filter(pk=older.pk).update(created_at=older.created_at.replace(year=2020))
    services.useful_toggle(item=older, user=member)
    client.force_login(employee)

    html = client.get(reverse("library:index") + "?order=useful").content.decode()

    assert html.index("Uppskattad") < html.index("Nyare")


def test_list_paginates_at_twenty(client, employee):
    LibraryItemFactory.create_batch(21)
    client.force_login(employee)

    first = client.get(reverse("library:index"))
    second = client.get(reverse("library:index") + "?page=2")

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 1


def test_empty_list_says_what_to_do(client, employee):
    client.force_login(employee)

    html = client.get(reverse("library:index")).content.decode()

    assert in_swedish_start("Nothing is shared yet.") in html


def test_useful_mark_once_per_person(member):
    item = LibraryItemFactory()

    assert services.useful_toggle(item=item, user=member) is True
    assert services.useful_toggle(item=item, user=member) is False
    assert services.useful_toggle(item=item, user=member) is True
    item.refresh_from_db()
    assert item.useful_count == 1
    assert UsefulMark.objects.filter(item=item).count() == 1


def test_useful_repeated_mark_changes_nothing(client, member):
    item = LibraryItemFactory()
    client.force_login(member)
    url = reverse("library:useful", args=[item.pk])

    client.post(url, {"marked": "1"})
    client.post(url, {"marked": "1"})

    item.refresh_from_db()
    assert item.useful_count == 1
    assert UsefulMark.objects.filter(item=item, user=member).count() == 1


def test_useful_repeated_unmark_changes_nothing(client, member):
    item = LibraryItemFactory()
    client.force_login(member)
    url = reverse("library:useful", args=[item.pk])
    client.post(url, {"marked": "1"})

    client.post(url, {"marked": "0"})
    client.post(url, {"marked": "0"})

    item.refresh_from_db()
    assert item.useful_count == 0
    assert UsefulMark.objects.filter(item=item).exists() is False


def test_useful_own_item_rejected(employee):
    item = LibraryItemFactory(author=employee)

    with pytest.raises(ValidationError):
        services.useful_toggle(item=item, user=employee)


def test_useful_toggle_htmx_partial(client, member):
    item = LibraryItemFactory()
    client.force_login(member)

    response = client.post(reverse("library:useful", args=[item.pk]), HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.startswith('<div class="vote" id="useful-')
    assert 'aria-pressed="true"' in html


def test_comment_counts_and_shows(client, member):
    item = LibraryItemFactory()
    client.force_login(member)

    client.post(reverse("library:comment", args=[item.pk]), {"body": "Vi testar detta!"})

    item.refresh_from_db()
    assert item.comment_count == 1
    assert "Vi testar detta!" in client.get(item.get_absolute_url()).content.decode()


def test_empty_comment_rejected(client, member):
    item = LibraryItemFactory()
    client.force_login(member)

    response = client.post(reverse("library:comment", args=[item.pk]), {"body": "  "})

    message = in_swedish("Write something in the comment.", escape_html=True)
    assert message in field_block(response.content.decode(), "body")


def test_edit_by_others_forbidden(member):
    item = LibraryItemFactory()

    with pytest.raises(PermissionDenied):
        services.item_update(item=item, by=member, title="Ny")


def test_edit_keeps_kind_and_changes_title(client, employee):
    item = LibraryItemFactory(author=employee)
    client.force_login(employee)

    response = client.post(
        reverse("library:edit", args=[item.pk]),
        {"title": "Ändrad rubrik", "description": "Ny text", "competences": ""},
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert item.title == "Ändrad rubrik"
    assert item.kind == "tip"


def test_delete_asks_first(client, employee):
    item = LibraryItemFactory(author=employee)
    client.force_login(employee)

    confirm = client.get(reverse("library:delete", args=[item.pk]))

    assert confirm.status_code == 200
    assert Item.objects.filter(pk=item.pk).exists()


def test_meeting_page_lists_attachments(client, convener, member, closed_meeting):
    client.force_login(convener)

    response = client.post(
        reverse("library:attachment_add", args=[closed_meeting.pk]),
        {"upload": SimpleUploadedFile("Dagordning vår.pdf", PDF_BYTES)},
    )
    attachment = MeetingAttachment.objects.get()
    client.force_login(member)
    page = client.get(closed_meeting.get_absolute_url()).content.decode()

    assert response.status_code == 302
    assert "Dagordning vår.pdf" in page
    assert attachment.get_absolute_url() in page


def test_network_filter_lists_own_networks_only(client, employee, member, open_network):
    other = NetworkFactory(name="Annat öppet nätverk", access="open")
    client.force_login(member)

    html = client.get(reverse("library:index")).content.decode()

    assert f'value="{open_network.slug}"' in html
    assert f'value="{other.slug}"' not in html


def test_network_filter_keeps_chosen_other_network(client, employee):
    other = NetworkFactory(name="Annat öppet nätverk", access="open")
    LibraryItemFactory(title="Tips från nätverket", network=other)
    LibraryItemFactory(title="Tips utan nätverk")
    client.force_login(employee)

    html = client.get(reverse("library:index") + f"?network={other.slug}").content.decode()

    assert f'value="{other.slug}" selected' in html
    assert "Tips från nätverket" in html
    assert "Tips utan nätverk" not in html
