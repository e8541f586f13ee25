"""Chat pages without JavaScript: reading, posting, history, unread counts, edit and delete."""

import uuid

import pytest
from django.urls import reverse

from genbo.chat import services
from genbo.chat.models import Message, Room
from genbo.chat.selectors import MESSAGES_PER_PAGE, message_payload
from genbo.core.names import INVISIBLE_NAME_ERROR
from tests.chat.conftest import send_message
from tests.factories import UserFactory, add_member
from tests.helpers import field_block, in_swedish, start_tags

pytestmark = pytest.mark.django_db


def _post(client, room, body, client_id=None):
    return client.post(
        reverse("chat:post", args=[room.pk]),
        {"body": body, "client_id": str(client_id or uuid.uuid4())},
    )


def test_plain_form_posts_and_shows_message(client, employee, topic_room):
    client.force_login(employee)

    response = _post(client, topic_room, "Hej från ett formulär utan **JavaScript**")
    message = Message.objects.get()
    page = client.get(reverse("chat:room", args=[topic_room.pk])).content.decode()

    assert response.status_code == 302
    assert response.url.endswith(f"#message-{message.pk}")
    assert "<strong>JavaScript</strong>" in page


def test_double_submit_stores_once(client, employee, topic_room):
    client.force_login(employee)
    client_id = uuid.uuid4()

    _post(client, topic_room, "En gång", client_id)
    _post(client, topic_room, "En gång", client_id)

    assert Message.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "z" * 100_000])
def test_bad_post_shows_error_and_keeps_text(client, employee, topic_room, body):
    client.force_login(employee)

    response = _post(client, topic_room, body)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist' in html
    if body.strip():
        assert body[:100] in html
    assert not Message.objects.exists()


def test_rate_limited_post_keeps_text(client, employee, topic_room, settings):
    settings.GENBO_CHAT_RATE_MESSAGES = 1
    client.force_login(employee)
    _post(client, topic_room, "Första")

    response = _post(client, topic_room, "Andra texten finns kvar")

    assert response.status_code == 400
    assert "Andra texten finns kvar" in response.content.decode()
    assert Message.objects.count() == 1


def test_script_in_message_is_escaped(client, employee, topic_room):
    send_message(topic_room, employee, "<script>alert(1)</script> [x](javascript:alert(1))")
    client.force_login(employee)

    html = client.get(reverse("chat:room", args=[topic_room.pk])).content.decode()

    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html


def test_heading_in_message_is_bold_text(client, employee, topic_room):
    send_message(topic_room, employee, "# Viktigt\n\nMöte i morgon\n===")
    client.force_login(employee)

    html = client.get(reverse("chat:room", args=[topic_room.pk])).content.decode()
    log = html[html.index('id="chat-messages"') : html.index('id="chat-form"')]

    assert "<h2" not in log
    assert "<p><strong>Viktigt</strong></p>" in log
    assert "<p><strong>Möte i morgon</strong></p>" in log


def test_heading_in_socket_payload_is_bold_text(employee, topic_room):
    message = send_message(topic_room, employee, "## Viktigt")
    assert message_payload(message)["html"] == "<p><strong>Viktigt</strong></p>\n"


def test_history_pages_by_message_id(client, employee, member, topic_room):
    messages = [send_message(topic_room, member, f"Meddelande {n}") for n in range(60)]
    client.force_login(employee)

    newest = client.get(reverse("chat:room", args=[topic_room.pk])).content.decode()
    oldest_shown = messages[-MESSAGES_PER_PAGE]
    older = client.get(
        reverse("chat:room", args=[topic_room.pk]), {"before": oldest_shown.pk}
    ).content.decode()

    assert f'id="message-{messages[-1].pk}"' in newest
    assert f'id="message-{messages[9].pk}"' not in newest
    assert f"?before={oldest_shown.pk}" in newest
    assert f'id="message-{messages[9].pk}"' in older
    assert f'id="message-{oldest_shown.pk}"' not in older


def test_older_messages_partial_for_htmx(client, employee, member, topic_room):
    messages = [send_message(topic_room, member, f"Rad {n}") for n in range(3)]
    client.force_login(employee)

    response = client.get(
        reverse("chat:room", args=[topic_room.pk]),
        {"before": messages[-1].pk},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert "<html" not in html
    assert f'id="message-{messages[0].pk}"' in html
    assert 'hx-swap-oob="true"' in html


@pytest.mark.parametrize("before", ["abc", "-1", "0"])
def test_invalid_before_is_404(client, employee, topic_room, before):
    client.force_login(employee)

    response = client.get(reverse("chat:room", args=[topic_room.pk]), {"before": before})

    assert response.status_code == 404


def test_new_messages_marker_and_unread_counts(client, employee, member, open_room):
    client.force_login(employee)
    client.get(reverse("chat:room", args=[open_room.pk]))
    seen = send_message(open_room, member, "Redan sett")
    services.room_mark_read(room=open_room, user=employee, message_id=seen.pk)
    first_new = send_message(open_room, member, "Nytt ett")
    send_message(open_room, member, "Nytt två")

    index = client.get(reverse("chat:index")).content.decode()
    room_page = client.get(reverse("chat:room", args=[open_room.pk])).content.decode()
    after = client.get(reverse("chat:index")).content.decode()

    assert "2 unread" in index or "2 olästa" in index
    assert room_page.index('id="chat-new-marker"') < room_page.index(f'id="message-{first_new.pk}"')
    assert room_page.index(f'id="message-{seen.pk}"') < room_page.index('id="chat-new-marker"')
    main = after.split("<main")[1]
    assert "unread" not in main
    assert "olästa" not in main


def test_nav_badge_counts_unread(client, employee, member, topic_room):
    client.force_login(employee)
    client.get(reverse("chat:room", args=[topic_room.pk]))
    for _ in range(3):
        send_message(topic_room, member)

    header = client.get(reverse("core:home")).content.decode().split("<main")[0]

    assert "(3 unread)" in header or "(3 olästa)" in header


def test_own_messages_are_not_unread(client, employee, topic_room):
    client.force_login(employee)
    client.get(reverse("chat:room", args=[topic_room.pk]))
    send_message(topic_room, employee, "Mitt eget")

    header = client.get(reverse("core:home")).content.decode().split("<main")[0]

    assert "unread" not in header.split("Chat")[1].split("</a>")[0]


def test_edit_page_saves(client, employee, topic_room):
    message = send_message(topic_room, employee, "Stavfal")
    client.force_login(employee)

    form = client.get(reverse("chat:edit", args=[message.pk]))
    response = client.post(reverse("chat:edit", args=[message.pk]), {"body": "Stavfel rättat"})

    assert "Stavfal" in form.content.decode()
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == "Stavfel rättat"
    assert message.edited_at is not None


def test_delete_asks_first(client, employee, topic_room):
    message = send_message(topic_room, employee, "Ta bort mig")
    client.force_login(employee)

    confirm = client.get(reverse("chat:delete", args=[message.pk]))
    message.refresh_from_db()
    assert confirm.status_code == 200
    assert not message.is_deleted

    client.post(reverse("chat:delete", args=[message.pk]))
    page = client.get(reverse("chat:room", args=[topic_room.pk])).content.decode()

    message.refresh_from_db()
    assert message.is_deleted
    assert "Ta bort mig" not in page
    assert in_swedish("The message is deleted.") in page


def test_topic_room_form(client, employee):
    client.force_login(employee)

    response = client.post(reverse("chat:topic_create"), {"name": "Digitalisering"})
    duplicate = client.post(reverse("chat:topic_create"), {"name": "digitalisering"})

    assert response.status_code == 302
    assert duplicate.status_code == 400
    assert 'value="digitalisering"' in duplicate.content.decode()


def test_topic_room_rejects_invisible_name(client, employee):
    client.force_login(employee)

    response = client.post(reverse("chat:topic_create"), {"name": "\u200b"})

    assert response.status_code == 400
    assert not Room.objects.filter(kind=Room.Kind.TOPIC).exists()
    error = in_swedish(INVISIBLE_NAME_ERROR, escape_html=True)
    assert error in field_block(response.content.decode(), "name")


def test_direct_conversation_form(client, employee, member):
    client.force_login(employee)

    response = client.post(reverse("chat:direct_create"), {"people": f" {member.email.upper()} "})
    unknown = client.post(
        reverse("chat:direct_create"), {"people": f"{member.email}, finns.inte@example.se"}
    )

    assert response.status_code == 302
    assert unknown.status_code == 400
    assert "finns.inte@example.se" in unknown.content.decode()


def test_direct_room_is_named_after_the_others(client, employee, member, convener):
    room = services.direct_room_open(creator=employee, others=[member, convener])
    client.force_login(employee)

    index = client.get(reverse("chat:index")).content.decode()
    page = client.get(room.get_absolute_url()).content.decode()

    assert f'href="{room.get_absolute_url()}">Karin Sammankallande, Mats Medlem</a>' in index
    assert "<h1>Karin Sammankallande, Mats Medlem</h1>" in page
    assert "<title>Karin Sammankallande, Mats Medlem – GENBO</title>" in page
    assert "Elin Eriksson" not in index
    assert "Elin Eriksson" not in page.split('id="chat-log"')[0]


def test_direct_room_name_differs_per_viewer(client, employee, member, direct_room):
    client.force_login(member)
    page = client.get(direct_room.get_absolute_url()).content.decode()
    assert "<h1>Elin Eriksson</h1>" in page


def test_edit_page_names_the_direct_room(client, employee, member, direct_room):
    message = send_message(direct_room, employee, "Hej")
    client.force_login(employee)
    html = client.get(reverse("chat:edit", args=[message.pk])).content.decode()
    assert f'href="{direct_room.get_absolute_url()}">Mats Medlem</a>' in html


def test_people_suggestions_tell_namesakes_apart(client, employee):
    first = UserFactory(
        first_name="Sara",
        last_name="Lind",
        title="Controller",
        email="sara.lind@bjuv.example",
        municipality__slug="bjuv",
    )
    second = UserFactory(
        first_name="Sara",
        last_name="Lind",
        title="Lärare",
        email="sara.lind@klippan.example",
        municipality__slug="klippan",
    )
    UserFactory(first_name="Sara", last_name="Lind", is_active=False)
    client.force_login(employee)

    response = client.get(reverse("chat:people_suggest"), {"people": "a@b.example, sara l"})
    options = [attrs["value"] for tag, attrs in start_tags(response.content.decode())]
    html = response.content.decode()

    assert options == [f"a@b.example, {first.email}", f"a@b.example, {second.email}"]
    assert "Sara Lind, Controller, Bjuv</option>" in html
    assert "Sara Lind, Lärare, Klippan</option>" in html


def test_people_suggestions_query_count(client, employee, django_assert_num_queries):
    for number in range(12):
        UserFactory(first_name="Sara", last_name=f"Lind{number}")
    client.force_login(employee)
    # The session, the user, and the people with their municipalities.
    with django_assert_num_queries(3):
        response = client.get(reverse("chat:people_suggest"), {"people": "sara"})
    assert response.content.decode().count("<option") == 8


def test_people_suggestions_leave_out_oneself(client, employee):
    client.force_login(employee)
    response = client.get(reverse("chat:people_suggest"), {"people": employee.first_name})
    assert response.content.decode().strip() == ""


def test_direct_form_field_asks_for_suggestions(client, employee):
    client.force_login(employee)
    html = client.get(reverse("chat:index")).content.decode()
    field = next(attrs for tag, attrs in start_tags(html) if attrs.get("name") == "people")
    assert field["list"] == "direct-people-options"
    assert field["hx-get"] == reverse("chat:people_suggest")
    assert '<datalist id="direct-people-options">' in html


def test_deactivated_colleague_cannot_be_added(client, employee):
    deactivated = UserFactory(is_active=False)
    client.force_login(employee)

    response = client.post(reverse("chat:direct_create"), {"people": deactivated.email})

    assert response.status_code == 400


def test_network_room_link_opens_room(client, member, closed_network):
    client.force_login(member)

    response = client.get(reverse("chat:network", args=[closed_network.slug]))

    assert response.status_code == 302
    assert response.url == closed_network.chat_room.get_absolute_url()


def test_leaving_list_removes_room(client, employee, topic_room):
    client.force_login(employee)

    client.post(reverse("chat:leave", args=[topic_room.pk]))

    assert not topic_room.members.filter(user=employee).exists()


def test_direct_room_cannot_be_left(client, employee, direct_room):
    client.force_login(employee)

    client.post(reverse("chat:leave", args=[direct_room.pk]))

    assert direct_room.members.filter(user=employee).exists()


def test_empty_states(client, employee):
    client.force_login(employee)

    html = client.get(reverse("chat:index")).content.decode()

    assert in_swedish("There are no topic rooms yet. Start one below.") in html


def _mention_buttons(response) -> list[str]:
    html = response.content.decode()
    return [attrs["data-mention"] for tag, attrs in start_tags(html) if "data-mention" in attrs]


def test_room_form_offers_mention_search(client, employee, topic_room):
    client.force_login(employee)
    html = client.get(topic_room.get_absolute_url()).content.decode()
    tags = start_tags(html)
    body = next(attrs for tag, attrs in tags if attrs.get("name") == "body")
    search = next(attrs for tag, attrs in tags if attrs.get("name") == "mention_q")
    picker = next(attrs for tag, attrs in tags if attrs.get("id") == "chat-mention")

    assert body["data-mention-target"] == "true"
    assert search["hx-get"] == reverse("chat:mention_suggest", args=[topic_room.pk])
    # Without JavaScript the search could not work, so chat.js shows it.
    assert "hidden" in picker
    assert "genbo/forum.js" in html


def test_mention_suggestions_give_mention_markup(client, employee, member, topic_room):
    client.force_login(employee)
    response = client.get(
        reverse("chat:mention_suggest", args=[topic_room.pk]), {"mention_q": "Mats Me"}
    )
    assert _mention_buttons(response) == [f"@[Mats Medlem](user:{member.pk})"]


def test_mention_suggestions_only_room_readers(client, employee, member, outsider, direct_room):
    client.force_login(employee)
    url = reverse("chat:mention_suggest", args=[direct_room.pk])
    assert _mention_buttons(client.get(url, {"mention_q": "Mats"})) == [
        f"@[Mats Medlem](user:{member.pk})"
    ]
    # The outsider is not in the direct conversation, and the author is left out.
    assert _mention_buttons(client.get(url, {"mention_q": "Olle"})) == []
    assert _mention_buttons(client.get(url, {"mention_q": "Elin"})) == []


def test_mention_suggestions_closed_network_members(
    client, member, outsider, convener, closed_room
):
    client.force_login(member)
    url = reverse("chat:mention_suggest", args=[closed_room.pk])
    assert _mention_buttons(client.get(url, {"mention_q": "Karin"})) == [
        f"@[Karin Sammankallande](user:{convener.pk})"
    ]
    assert _mention_buttons(client.get(url, {"mention_q": "Olle"})) == []


def test_mention_suggestions_folded_and_by_address(
    client, member, convener, closed_network, closed_room
):
    reader = UserFactory(
        first_name="Göran", last_name="Bergström", email="goran.bergstrom@helsingborg.example"
    )
    add_member(closed_network, reader)
    # Same name and address prefix, but not a member of the closed network.
    UserFactory(first_name="Gösta", last_name="Bergström", email="gosta.bergstrom@bjuv.example")
    client.force_login(member)
    url = reverse("chat:mention_suggest", args=[closed_room.pk])
    expected = [f"@[Göran Bergström](user:{reader.pk})"]

    assert _mention_buttons(client.get(url, {"mention_q": "bergstrom"})) == expected
    assert _mention_buttons(client.get(url, {"mention_q": "goran"})) == expected
    assert _mention_buttons(client.get(url, {"mention_q": "goran.berg"})) == expected
    assert _mention_buttons(client.get(url, {"mention_q": "gosta"})) == []
    assert _mention_buttons(client.get(url, {"mention_q": "gosta.bergstrom@bjuv"})) == []


def test_mention_suggestions_404_for_hidden_room(client, outsider, closed_room):
    client.force_login(outsider)
    response = client.get(
        reverse("chat:mention_suggest", args=[closed_room.pk]), {"mention_q": "Mats"}
    )
    assert response.status_code == 404


def test_mention_suggestions_query_count(client, employee, topic_room, django_assert_num_queries):
    for number in range(12):
        UserFactory(first_name="Sara", last_name=f"Lind{number}")
    client.force_login(employee)
    url = reverse("chat:mention_suggest", args=[topic_room.pk])
    # The session, the user, the room, and the people with their municipalities.
    with django_assert_num_queries(4):
        response = client.get(url, {"mention_q": "sara"})
    assert len(_mention_buttons(response)) == 8


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Bergström", ["Johan Bergström"]),
        ("bergstrom", ["Johan Bergström"]),
        ("BERGSTRÖM", ["Johan Bergström"]),
        ("soderberg", ["Maria Söderberg"]),
        ("Söderb", ["Maria Söderberg"]),
        ("asa", ["Åsa Öberg"]),
        ("åsa oberg", ["Åsa Öberg"]),
        ("johan.b", ["Johan Bergström"]),
    ],
)
def test_people_suggestions_ignore_accents(client, employee, typed, expected):
    UserFactory(first_name="Johan", last_name="Bergström", email="johan.b@landskrona.example")
    UserFactory(first_name="Maria", last_name="Söderberg")
    UserFactory(first_name="Åsa", last_name="Öberg")
    UserFactory(first_name="Anders", last_name="Berg")
    client.force_login(employee)
    response = client.get(reverse("chat:people_suggest"), {"people": typed})
    html = response.content.decode()
    suggested = [
        name for name in ("Johan Bergström", "Maria Söderberg", "Åsa Öberg") if name in html
    ]
    assert suggested == expected
