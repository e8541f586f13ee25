"""The services of the other apps keep the index in step: create, edit, hide, delete."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from genbo.accounts.provisioning import user_deactivate, user_reactivate
from genbo.experts import services as experts
from genbo.forum import services as forum
from genbo.library import services as library
from genbo.networks import services as networks
from genbo.search.models import Kind, SearchDocument
from genbo.search.selectors import Filters, search, suggestions
from genbo.search.services import index_object, reindex
from genbo.search.text import parse_query
from tests.factories import CompetenceFactory, UserFactory, forum_topic
from tests.helpers import admin_change_data

pytestmark = pytest.mark.django_db


def _hits(user, text: str) -> list[str]:
    page = search(user, parse_query(text), Filters())
    return [hit.kind for hit in page.results]


def test_thread_and_reply_are_indexed_when_written(employee, member):
    thread = forum.thread_create(
        author=employee, topic=forum_topic(), title="Hur gör ni med lönekartläggning?", body="Tips?"
    )
    assert _hits(member, "lönekartläggning") == ["thread"]
    forum.post_reply(thread=thread, author=member, body="Vi använder ett kalkylark.")
    assert _hits(employee, "kalkylark") == ["post"]


def test_edited_reply_is_found_by_its_new_words_only(employee, member):
    thread = forum.thread_create(author=employee, topic=forum_topic(), title="Fråga", body="Text")
    reply = forum.post_reply(thread=thread, author=member, body="Vi använder ett kalkylark.")
    forum.post_edit(post=reply, by=member, body="Vi använder ett lönesystem.")
    assert _hits(employee, "kalkylark") == []
    assert _hits(employee, "lönesystem") == ["post"]


def test_new_thread_title_reaches_its_replies(employee, member):
    thread = forum.thread_create(author=employee, topic=forum_topic(), title="Fråga", body="Text")
    forum.post_reply(thread=thread, author=member, body="Ett svar.")
    question = thread.posts.get(is_question=True)
    forum.post_edit(post=question, by=employee, title="Semesterväxling i Bjuv", body="Text")
    assert sorted(_hits(member, "semesterväxling")) == ["post", "thread"]


def test_hidden_reply_leaves_the_index_and_returns(employee, member, staff):
    thread = forum.thread_create(author=employee, topic=forum_topic(), title="Fråga", body="Text")
    reply = forum.post_reply(thread=thread, author=member, body="Olämpligt om kalkylark.")
    forum.post_set_hidden(post=reply, by=staff, hidden=True)
    assert _hits(employee, "kalkylark") == []
    forum.post_set_hidden(post=reply, by=staff, hidden=False)
    assert _hits(employee, "kalkylark") == ["post"]


def test_hidden_question_empties_the_thread_text(employee, staff):
    thread = forum.thread_create(
        author=employee, topic=forum_topic(), title="Fråga", body="Olämpligt om kalkylark."
    )
    forum.post_set_hidden(post=thread.posts.get(is_question=True), by=staff, hidden=True)
    assert _hits(employee, "kalkylark") == []
    assert _hits(employee, "fråga") == ["thread"]


def test_deleted_question_takes_the_thread_and_replies_out(employee, member):
    thread = forum.thread_create(
        author=employee, topic=forum_topic(), title="Kalkylark", body="Text"
    )
    forum.post_reply(thread=thread, author=member, body="Svar om kalkylark.")
    forum.post_delete(post=thread.posts.get(is_question=True), by=employee)
    assert _hits(member, "kalkylark") == []
    assert not SearchDocument.objects.exists()


def test_deleted_reply_leaves_the_index(employee, member):
    thread = forum.thread_create(author=employee, topic=forum_topic(), title="Fråga", body="Text")
    reply = forum.post_reply(thread=thread, author=member, body="Svar om kalkylark.")
    forum.post_delete(post=reply, by=member)
    assert _hits(employee, "kalkylark") == []


def test_rolled_back_write_leaves_the_index_unchanged(employee):
    with pytest.raises(RuntimeError), transaction.atomic():
        forum.thread_create(author=employee, topic=forum_topic(), title="Kalkylark", body="Text")
        raise RuntimeError("the request failed after the thread was written")
    assert not SearchDocument.objects.exists()
    assert _hits(employee, "kalkylark") == []


def test_library_item_create_update_delete(employee):
    item = library.item_create(
        author=employee, kind="tip", title="Mall för kallelser", description="Använd mallen."
    )
    assert _hits(employee, "kallelser") == ["item"]
    library.item_update(item=item, by=employee, title="Mall för protokoll", description="Ny.")
    assert _hits(employee, "kallelser") == []
    assert _hits(employee, "protokoll") == ["item"]
    library.item_delete(item=item, by=employee)
    assert _hits(employee, "protokoll") == []
    assert not SearchDocument.objects.exists()


def test_network_and_meeting_services(employee, convener):
    network = networks.network_create(
        creator=convener, name="Arkivnätverket", slug="arkiv", purpose="Om e-arkiv."
    )
    assert _hits(employee, "arkivnätverket") == ["network"]
    networks.network_update(network=network, by=convener, purpose="Om informationsförvaltning.")
    assert _hits(employee, "informationsförvaltning") == ["network"]

    starts = timezone.now() + timedelta(days=5)
    meeting = networks.meeting_create(
        network=network,
        by=convener,
        title="Arkivdagen",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        agenda="Gallring av handlingar",
    )
    assert _hits(employee, "gallring") == ["meeting"]
    networks.meeting_update(meeting=meeting, by=convener, agenda="Digital arkivering")
    assert _hits(employee, "gallring") == []
    assert _hits(employee, "arkivering") == ["meeting"]
    networks.meeting_cancel(meeting=meeting, by=convener)
    assert _hits(employee, "arkivering") == ["meeting"]


def test_offer_create_switch_off_and_delete(employee):
    competence = CompetenceFactory(label="Arkivkunskap")
    offer = experts.offer_create(
        expert=employee,
        competences=[competence],
        title="Stöd i gallring",
        description="Jag hjälper till med gallringsbeslut.",
        formats=["advice"],
        online=True,
    )
    assert _hits(employee, "gallringsbeslut") == ["offer"]
    experts.offer_set_active(offer=offer, by=employee, active=False)
    assert _hits(employee, "gallringsbeslut") == []
    experts.offer_set_active(offer=offer, by=employee, active=True)
    assert _hits(employee, "gallringsbeslut") == ["offer"]
    experts.offer_delete(offer=offer, by=employee)
    assert not SearchDocument.objects.exists()


def test_inactive_employee_leaves_the_index(employee, member):
    index_object(member)
    assert _hits(employee, "medlem") == ["person"]
    member.is_active = False
    member.save(update_fields=["is_active"])
    index_object(member)
    assert _hits(employee, "medlem") == []


def test_deactivated_employee_leaves_search(employee, member, django_capture_on_commit_callbacks):
    # The directory sync deactivates a person who left. Even without a reindex, the
    # profile, which now returns 404, must not be found.
    index_object(member)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=member, source="ldap")

    page = search(employee, parse_query("medlem"), Filters())
    assert [hit.kind for hit in page.results] == []
    assert not suggestions(employee, parse_query("medlem", still_typing=True)).people
    assert not SearchDocument.objects.filter(kind=Kind.PERSON, object_id=member.pk).exists()


def test_reactivated_employee_found_again(employee, member):
    index_object(member)
    user_deactivate(user=member, source="scim")

    user_reactivate(user=member, source="scim")

    assert _hits(employee, "medlem") == ["person"]


def test_stale_document_of_inactive_person_hidden(employee, member):
    # The document stays when the account is switched off without the service.
    index_object(member)
    type(member).objects.filter(pk=member.pk).update(is_active=False)

    assert _hits(employee, "medlem") == []
    assert not suggestions(employee, parse_query("medlem", still_typing=True)).people
    assert not suggestions(employee, parse_query("Mats Medlem")).people
    assert SearchDocument.objects.filter(kind=Kind.PERSON, object_id=member.pk).exists()


def test_admin_deactivation_leaves_search(client, employee, member):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    index_object(member)
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    data = admin_change_data(client, url)
    del data["is_active"]

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not SearchDocument.objects.filter(kind=Kind.PERSON, object_id=member.pk).exists()

    data["is_active"] = "on"
    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _hits(employee, "medlem") == ["person"]


def test_reindex_skips_inactive_people(employee, member):
    member.is_active = False
    member.save(update_fields=["is_active"])

    written = reindex(kinds=["person"])

    assert written == {"person": 1}
    assert not SearchDocument.objects.filter(kind=Kind.PERSON, object_id=member.pk).exists()


def test_reindex_replaces_stale_documents(employee, member):
    index_object(member)
    member.last_name = "Nyström"
    member.save(update_fields=["last_name"])
    reindex(kinds=["person"])
    assert _hits(employee, "medlem") == []
    assert _hits(employee, "nyström") == ["person"]


def test_reindex_command_shows_progress(employee, member):
    output = StringIO()
    call_command("reindex", stdout=output)
    text = output.getvalue()
    assert "person" in text
    assert "(100 %)" in text
    assert "Search index rebuilt" in text
