"""What a person does, end to end in a real browser, with the keyboard where it matters."""

import re

import pytest

from tests.browser.conftest import run_in_demo, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_skip_link_is_first_and_moves_focus_to_main(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url("/"))

    page.keyboard.press("Tab")
    first_focus = page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")
    hash_after = page.evaluate("location.hash")
    focus_after = page.evaluate("document.activeElement.id")
    page.close()

    assert first_focus == "skip-link"
    assert hash_after == "#main"
    assert focus_after == "main"


def test_employee_signs_in_with_keyboard_and_joins_a_network(browser, demo_portal):
    page = browser.new_page()
    page.goto(demo_portal.url("/accounts/login/"))
    page.focus("#id_username")
    page.keyboard.type(demo_portal.sign_ins["employee"])
    page.keyboard.press("Tab")
    page.keyboard.type("genbo-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(demo_portal.url("/"))

    page.goto(demo_portal.url("/networks/?q=ekonomi"))
    page.click("text=Ekonominätverket")
    page.get_by_role("button", name="Gå med i nätverket").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    message = page.locator(".messages").inner_text()
    leave_button = page.get_by_role("button", name="Lämna nätverket").count()
    page.close()

    assert "Nu är du medlem i Ekonominätverket" in message
    assert leave_button == 1


def test_directory_filters_as_you_type(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url("/networks/"))

    page.fill("#id_q", "bollplank")
    page.wait_for_function(
        "document.querySelector('#results-heading').textContent.trim() !== ''"
        " && location.search.includes('q=bollplank')"
    )
    heading = page.locator("#results-heading").inner_text()
    titles = page.locator("#directory-results .card__title").all_inner_texts()
    page.close()

    assert re.fullmatch(r"\d+ nätverk", heading)
    assert titles
    assert all("Bollplank" in title for title in titles)


def test_convener_creates_a_meeting_and_downloads_it(browser, demo_portal):
    page = browser.new_page(accept_downloads=True)
    sign_in(page, demo_portal, "convener")
    page.goto(demo_portal.url("/networks/hr-natverket/meetings/new/"))

    page.fill("#id_title", "Träff om kompetensförsörjning")
    page.fill("#id_starts_at", "2030-05-14T13:00")
    page.fill("#id_ends_at", "2030-05-14T15:00")
    page.fill("#id_place", "Stadshuset, sal 3")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/meetings/\d+/$"))
    with page.expect_download() as download_info:
        page.click("text=Lägg till i kalendern (.ics)")
    calendar_text = download_info.value.path().read_text(encoding="utf-8")
    page.close()

    assert "SUMMARY:Träff om kompetensförsörjning" in calendar_text
    assert "DTSTART;TZID=Europe/Stockholm:20300514T130000" in calendar_text


def test_employee_adds_competences_to_profile(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url("/profile/edit/"))

    field = page.locator("#id_competences")
    field.focus()
    page.keyboard.press("End")
    existing = field.input_value()
    page.keyboard.type(
        ", Tillgänglighetsgranskning" if existing.strip() else "Tillgänglighetsgranskning"
    )
    page.get_by_role("button", name="Spara").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/people/\d+/$"))
    tags = page.locator("main .tag").all_inner_texts()
    page.close()

    assert "Tillgänglighetsgranskning" in tags


def test_employee_answers_a_meeting_with_keyboard(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    meeting_path = page.locator("main .meeting-list a").first.get_attribute("href")
    page.goto(demo_portal.url(meeting_path))

    page.get_by_label("Kanske").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Spara mitt svar").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked = page.get_by_label("Kanske").is_checked()
    page.goto(demo_portal.url("/"))
    badges = page.locator("main .meeting-list li").first.inner_text()
    page.close()

    assert checked
    assert "Du kanske kommer" in badges


def test_question_gets_reply_and_marked_answer(browser, demo_portal):
    asker = browser.new_context().new_page()
    sign_in(asker, demo_portal, "employee")
    asker.goto(demo_portal.url("/forum/threads/new/"))
    asker.fill("#id_title", "Hur ordnar ni introduktion för sommarvikarier?")
    asker.select_option("#id_topic", index=1)
    asker.fill("#id_body", "Vi vill korta introduktionen till en dag. Hur gör ni?")
    asker.get_by_role("button", name="Publicera", exact=True).click()
    asker.wait_for_url(re.compile(r".*/forum/threads/\d+/.*"))
    thread_url = asker.url

    helper = browser.new_context().new_page()
    sign_in(helper, demo_portal, "convener")
    helper.goto(thread_url)
    helper.fill("#id_body", "Vi har en checklista och en fadder för varje vikarie.")
    with helper.expect_navigation():
        helper.get_by_role("button", name="Publicera svaret").click()
    helper.context.close()

    asker.goto(thread_url)
    with asker.expect_navigation():
        asker.get_by_role("button", name="Markera som svar").first.click()
    status = asker.locator("main .thread-status").inner_text()
    accepted = asker.locator("main .accepted-answer").inner_text()
    asker.context.close()

    assert "Löst" in status
    assert "checklista och en fadder" in accepted


def test_employee_uploads_a_file_to_the_library(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url("/library/new/file/"))

    page.fill("#id_title", "Checklista för introduktion")
    page.set_input_files(
        "#id_upload",
        files=[
            {
                "name": "checklista-introduktion.pdf",
                "mimeType": "application/pdf",
                "buffer": b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n",
            }
        ],
    )
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/library/items/\d+/.*"))
    heading = page.locator("h1").inner_text()
    file_link = page.locator("main .library-file a").first.inner_text()
    page.close()

    assert heading == "Checklista för introduktion"
    assert file_link == "checklista-introduktion.pdf"


def test_employee_finds_an_expert_and_sends_request(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url("/experts/"))

    page.fill("#id_q", "projektledning")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*q=projektledning.*"))
    page.locator("main .card__title a").first.click()
    page.wait_for_url(re.compile(r".*/experts/offers/\d+/$"))
    page.fill("#id_purpose", "En föreläsning om projektledning för våra enhetschefer.")
    page.fill("#id_proposed_start", "2030-03-12T09:00")
    page.fill("#id_proposed_end", "2030-03-12T11:00")
    page.fill("#id_expected_hours", "4")
    if page.locator("#id_requesting_unit_text").count():
        page.fill("#id_requesting_unit_text", "HR-avdelningen")
    page.get_by_role("button", name="Skicka förfrågan").click()
    page.wait_for_url(re.compile(r".*/experts/requests/\d+/$"))
    main_text = page.locator("main").inner_text()
    page.close()

    assert "En föreläsning om projektledning för våra enhetschefer." in main_text
    assert "12 mars 2030" in main_text


def test_phone_menu_opens_and_closes_with_keyboard(browser, demo_portal):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    menu_link = page.locator(".site-nav a", has_text="Forum")
    toggle = page.get_by_role("button", name="Meny")

    hidden_at_start = not menu_link.is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    visible_after_enter = menu_link.is_visible()
    expanded = toggle.get_attribute("aria-expanded")
    menu_link.focus()
    page.keyboard.press("Escape")
    hidden_after_escape = not menu_link.is_visible()
    focus_back_on_toggle = page.evaluate("document.activeElement.classList.contains('menu-toggle')")
    screenshot(page, "employee-menu-closed-360")
    context.close()

    assert hidden_at_start
    assert visible_after_enter
    assert expanded == "true"
    assert hidden_after_escape
    assert focus_back_on_toggle


def test_desktop_menu_has_no_toggle(browser, demo_portal):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, demo_portal, "employee")

    toggle_visible = page.get_by_role("button", name="Meny").is_visible()
    forum_visible = page.locator(".site-nav a", has_text="Forum").is_visible()
    context.close()

    assert not toggle_visible
    assert forum_visible


def test_chat_message_arrives_in_other_browser(browser, demo_portal):
    writer_context, reader_context = browser.new_context(), browser.new_context()
    writer, reader = writer_context.new_page(), reader_context.new_page()
    sign_in(writer, demo_portal, "employee")
    sign_in(reader, demo_portal, "convener")
    # The demo employee and the demo convener have a direct conversation.
    writer.goto(demo_portal.url("/chat/"))
    writer.click("#my-rooms-heading + ul a:has-text('Johan Bergström')")
    room_url = writer.url
    reader.goto(room_url)
    for page in (writer, reader):
        page.wait_for_selector("#chat-connection:not([hidden])")

    writer.fill("#id_body", "Hej Johan, texten är klar!")
    writer.keyboard.press("Enter")
    reader.wait_for_selector("#chat-messages li:has-text('Hej Johan, texten är klar!')")
    announced = reader.locator("#live-status").inner_text()
    writer_copies = writer.locator("#chat-messages li:has-text('Hej Johan, texten är klar!')")
    writer_count = writer_copies.count()
    writer_context.close()
    reader_context.close()

    assert "Hej Johan, texten är klar!" in announced
    assert writer_count == 1


def test_rate_limited_chat_messages_sent_later(browser, demo_portal):
    # The portal lets one employee send 20 messages in 10 seconds. The ones over the limit
    # wait in the writer's browser and go out after the error's retry_after seconds.
    writer_context, reader_context = browser.new_context(), browser.new_context()
    writer, reader = writer_context.new_page(), reader_context.new_page()
    sign_in(writer, demo_portal, "employee")
    sign_in(reader, demo_portal, "convener")
    writer.goto(demo_portal.url("/chat/"))
    writer.click("#my-rooms-heading + ul a:has-text('Johan Bergström')")
    reader.goto(writer.url)
    for page in (writer, reader):
        page.wait_for_selector("#chat-connection:not([hidden])")

    bodies = [f"Punkt {number} på listan" for number in range(1, 26)]
    for body in bodies:
        writer.fill("#id_body", body)
        writer.keyboard.press("Enter")
    writer.wait_for_selector(".chat-error[role=alert]", timeout=30_000)
    reader.wait_for_selector(f"#chat-messages li:has-text('{bodies[-1]}')", timeout=30_000)
    writer.wait_for_selector(".chat-message--pending", state="detached", timeout=30_000)
    arrived = reader.locator("#chat-messages li").all_inner_texts()
    failed = writer.locator(".chat-message--failed").count()
    # The rate-limit alert goes away once the messages that waited are stored.
    alerts = writer.locator(".chat-error").count()
    writer_context.close()
    reader_context.close()

    for body in bodies:
        assert sum(body in text for text in arrived) == 1, body
    # The messages that waited go out oldest first, so the room shows them in typing order.
    positions = [next(i for i, text in enumerate(arrived) if body in text) for body in bodies]
    assert positions == sorted(positions)
    assert failed == 0
    assert alerts == 0


class BlockableChatSocket:
    """Routes the chat WebSocket of a page through Playwright so a test can cut it.

    While blocked, the page's socket stays open but no frame passes in either direction,
    as on a network that silently drops packets.
    """

    def __init__(self, page):
        self.blocked = False
        self.routes = []
        page.route_web_socket(re.compile(r"/ws/chat/"), self._route)

    def _route(self, route):
        server = route.connect_to_server()
        route.on_message(lambda message: None if self.blocked else server.send(message))
        server.on_message(lambda message: None if self.blocked else route.send(message))
        self.routes.append(route)

    def unblock_by_reconnecting(self):
        """Close the page's blocked socket, so that the page connects again."""
        self.blocked = False
        self.routes[-1].close()


def _room_copies(page, text: str) -> int:
    return page.locator(f"#chat-messages li:has-text('{text}')").count()


def test_chat_messages_written_offline_survive_reload(browser, demo_portal):
    # After more than 200 missed messages the server replies to a reconnection with
    # "reload"; the messages written while the socket was cut are sent after the reload.
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    socket = BlockableChatSocket(page)
    page.goto(demo_portal.url("/chat/"))
    page.click("#my-rooms-heading + ul a:has-text('Johan Bergström')")
    room_id = int(re.search(r"/(\d+)/$", page.url).group(1))
    page.wait_for_selector("#chat-connection:not([hidden])")

    socket.blocked = True
    bodies = [f"Skrivet utan nät {number}" for number in range(1, 4)]
    for body in bodies:
        page.fill("#id_body", body)
        page.keyboard.press("Enter")
    run_in_demo(
        demo_portal,
        "import uuid\n"
        "from django.conf import settings\n"
        "from genbo.chat import services\n"
        "from genbo.chat.models import Room\n"
        "from genbo.accounts.models import User\n"
        "settings.GENBO_CHAT_RATE_MESSAGES = 10_000\n"
        f"room = Room.objects.get(pk={room_id})\n"
        f"author = User.objects.get(email='{demo_portal.sign_ins['convener']}')\n"
        "for number in range(201):\n"
        "    services.message_send(room=room, author=author,\n"
        "        body=f'Medan du var borta {number}', client_id=uuid.uuid4())\n",
    )
    with page.expect_navigation(timeout=30_000):
        socket.unblock_by_reconnecting()
    page.wait_for_selector(f"#chat-messages li[data-id]:has-text('{bodies[-1]}')", timeout=30_000)
    page.wait_for_selector(".chat-message--pending", state="detached", timeout=30_000)
    page.reload()
    copies = {body: _room_copies(page, body) for body in bodies}
    context.close()

    assert copies == {body: 1 for body in bodies}


def test_chat_reconnects_slower_after_quick_closes(browser, demo_portal):
    # A socket closed right after it opened, as the server does after a frame it fails
    # on, must not make the page reconnect every second. The delay doubles from 1 s.
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url("/chat/"))
    room_url = demo_portal.url(page.locator("#my-rooms-heading + ul a").first.get_attribute("href"))
    connections = []

    def close_after_hello(route):
        connections.append(route)
        route.on_message(lambda message: route.close())

    page.route_web_socket(re.compile(r"/ws/chat/"), close_after_hello)
    page.goto(room_url)
    # Reconnections start 1, 2 and 4 s after each close, which makes four connections in
    # 8 s. A delay reset on every open would make about eight.
    page.wait_for_timeout(8000)
    count = len(connections)
    context.close()

    assert 2 <= count <= 5


def test_chat_changes_while_offline_shown_after_reconnect(browser, demo_portal):
    # A message deleted or edited while the reader's socket was cut must not keep its old
    # text on the reader's screen once the socket is back.
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    socket = BlockableChatSocket(page)
    page.goto(demo_portal.url("/chat/"))
    page.click("#my-rooms-heading + ul a:has-text('Johan Bergström')")
    room_id = int(re.search(r"/(\d+)/$", page.url).group(1))
    page.wait_for_selector("#chat-connection:not([hidden])")

    socket.blocked = True
    output = run_in_demo(
        demo_portal,
        "from genbo.chat import services\n"
        "from genbo.chat.models import Message\n"
        f"shown = Message.objects.filter(room_id={room_id}, deleted_at__isnull=True,\n"
        f"    author__email='{demo_portal.sign_ins['convener']}').order_by('-pk')[:2]\n"
        "deleted, edited = list(shown)\n"
        "services.message_delete(message=deleted, by=deleted.author)\n"
        "services.message_edit(message=edited, by=edited.author, body='Rättad i efterhand')\n"
        "print(deleted.pk, edited.pk)\n",
    )
    deleted_id, edited_id = (int(number) for number in output.splitlines()[-1].split())
    socket.unblock_by_reconnecting()
    page.wait_for_selector(f"#message-{deleted_id}.chat-message--deleted", timeout=30_000)
    page.wait_for_selector(f"#message-{edited_id}:has-text('Rättad i efterhand')")
    deleted_text = page.locator(f"#message-{deleted_id} .chat-message__body").inner_text()
    edited_note = page.locator(f"#message-{edited_id} .chat-message__edited").is_visible()
    context.close()

    assert deleted_text == "Meddelandet är borttaget."
    assert edited_note


def _open_direct_room(page, demo_portal) -> None:
    page.goto(demo_portal.url("/chat/"))
    page.click("#my-rooms-heading + ul a:has-text('Johan Bergström')")
    page.wait_for_selector("#chat-connection:not([hidden])")


def test_deleted_message_loses_links_in_other_tab(browser, demo_portal):
    # One employee with the room open in two tabs deletes a message in the first tab. The
    # second tab must drop the message's edit and delete links, whose pages now give 404.
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    sign_in(first, demo_portal, "employee")
    for page in (first, second):
        _open_direct_room(page, demo_portal)

    first.fill("#id_body", "Det här tar jag bort strax")
    first.keyboard.press("Enter")
    sent = "#chat-messages li[data-id]:has-text('Det här tar jag bort strax')"
    message_id = first.wait_for_selector(sent).get_attribute("data-id")
    second.wait_for_selector(f"#message-{message_id}")
    links_before = second.locator(f"#message-{message_id} .chat-message__actions a:visible")
    count_before = links_before.count()
    first.click(f"#message-{message_id} .chat-message__actions a[href$='/delete/']")
    first.click("main form.form-actions button[type=submit]")
    second.wait_for_selector(f"#message-{message_id}.chat-message--deleted", timeout=30_000)
    actions_after = second.locator(f"#message-{message_id} .chat-message__actions").count()
    context.close()

    assert count_before == 2
    assert actions_after == 0


def test_others_live_message_has_no_links(browser, demo_portal):
    writer_context, reader_context = browser.new_context(), browser.new_context()
    writer, reader = writer_context.new_page(), reader_context.new_page()
    sign_in(writer, demo_portal, "employee")
    sign_in(reader, demo_portal, "convener")
    _open_direct_room(writer, demo_portal)
    reader.goto(writer.url)
    reader.wait_for_selector("#chat-connection:not([hidden])")

    writer.fill("#id_body", "Bara jag får ändra det här")
    writer.keyboard.press("Enter")
    arrived = reader.wait_for_selector("#chat-messages li[data-id]:has-text('Bara jag får ändra')")
    message_id = arrived.get_attribute("data-id")
    visible_links = reader.locator(f"#message-{message_id} .chat-message__actions a:visible")
    count = visible_links.count()
    writer_context.close()
    reader_context.close()

    assert count == 0


def _in_log_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => {
            const box = document.querySelector(selector).getBoundingClientRect();
            const log = document.getElementById("chat-log").getBoundingClientRect();
            return box.bottom > log.top && box.top < log.bottom;
        }""",
        selector,
    )


def test_older_messages_keep_focus_and_place(browser, demo_portal):
    # A room of 120 messages shows the newest 50, then 50 more and the last 20 on request.
    output = run_in_demo(
        demo_portal,
        "import uuid\n"
        "from django.conf import settings\n"
        "from genbo.chat import services\n"
        "from genbo.accounts.models import User\n"
        "settings.GENBO_CHAT_RATE_MESSAGES = 10_000\n"
        f"author = User.objects.get(email='{demo_portal.sign_ins['convener']}')\n"
        "room = services.topic_room_create(creator=author, name='Lång historik')\n"
        "for number in range(1, 121):\n"
        "    services.message_send(room=room, author=author,\n"
        "        body=f'Rad {number} i historiken', client_id=uuid.uuid4())\n"
        "print(room.pk)\n",
    )
    room_id = int(output.splitlines()[-1])
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    page.goto(demo_portal.url(f"/chat/rooms/{room_id}/"))
    page.wait_for_selector("#chat-connection:not([hidden])")
    try:
        # The reader keeps reading from the message that was first on the page.
        first_shown = page.locator("#chat-messages li[data-id]").first.get_attribute("id")
        page.locator("#chat-older a").focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("#chat-messages li:has-text('Rad 21 i historiken')")
        page.wait_for_timeout(300)

        # Older messages remain, so the button stays and keeps the focus.
        assert page.evaluate("document.activeElement.matches('#chat-older a')")
        assert _in_log_view(page, f"#{first_shown}")

        page.keyboard.press("Enter")
        page.wait_for_selector("#chat-messages li:has-text('Rad 1 i historiken')")
        page.wait_for_timeout(300)

        # The start of the conversation is loaded, so the focus moves to the log.
        assert page.locator("#chat-older a").count() == 0
        assert page.evaluate("document.activeElement.id") == "chat-log"
        assert _in_log_view(page, f"#{first_shown}")
    finally:
        context.close()


def test_chat_mention_picked_by_name(browser, demo_portal):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    _open_direct_room(page, demo_portal)
    try:
        page.fill("#id_body", "Kan du titta på det här, ")
        page.locator("#mention-q").press_sequentially("Johan")
        page.keyboard.press("Enter")
        choice = page.wait_for_selector("#mention-results button[data-mention]")
        markup = choice.get_attribute("data-mention")
        choice.focus()
        page.keyboard.press("Enter")

        # The mention goes in at the cursor, and the focus goes back to the message box.
        assert re.fullmatch(r"@\[Johan Bergström\]\(user:\d+\)", markup)
        assert page.input_value("#id_body") == f"Kan du titta på det här, {markup} "
        assert page.evaluate("document.activeElement.id") == "id_body"

        page.keyboard.press("Enter")
        sent = page.wait_for_selector("#chat-messages li[data-id]:has-text('Kan du titta')")
        link = sent.query_selector(".chat-message__body a")
        assert link.inner_text() == "@Johan Bergström"
        # Sending empties the mention search, so the next message starts without it.
        assert page.input_value("#mention-q") == ""
        assert page.locator("#mention-results *").count() == 0
    finally:
        context.close()


def test_search_suggestions_work_with_arrow_keys(browser, demo_portal):
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    box = page.locator("#site-search-q")
    links = page.locator("#site-search-suggestions a")

    box.focus()
    page.keyboard.type("johan")
    links.first.wait_for()
    page.wait_for_function("document.getElementById('site-search-status').textContent !== ''")
    status = page.locator("#site-search-status").inner_text()
    link_count = links.count()
    first_href = links.nth(0).get_attribute("href")
    second_href = links.nth(1).get_attribute("href")

    def focused() -> str:
        return page.evaluate(
            "document.activeElement.getAttribute('href') || document.activeElement.id"
        )

    page.keyboard.press("ArrowDown")
    after_down = focused()
    page.keyboard.press("ArrowDown")
    after_second_down = focused()
    page.keyboard.press("ArrowUp")
    after_up = focused()
    page.keyboard.press("ArrowUp")
    after_up_from_first = focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    after_escape = focused()
    left_after_escape = links.count()
    value_after_escape = box.input_value()
    live = page.locator("#site-search-suggestions").get_attribute("aria-live")
    page.close()

    assert re.fullmatch(rf"{link_count} förslag", status)
    assert link_count >= 2
    assert after_down == first_href
    assert after_second_down == second_href
    assert after_up == first_href
    assert after_up_from_first == "site-search-q"
    assert after_escape == "site-search-q"
    assert left_after_escape == 0
    assert value_after_escape == "johan"
    assert live is None


def test_header_search_submits_without_javascript(browser, demo_portal):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, demo_portal, "employee")
    page.fill("#site-search-q", "förskola")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=f"))
    heading = page.locator("#results-heading").inner_text()
    context.close()

    assert re.fullmatch(r"\d+ träffar", heading)


def test_search_suggestion_focus_survives_new_list(browser, demo_portal):
    # Typing on and pressing ArrowDown at once focuses a link of the old list, which the
    # response for the longer text then replaces.
    page = browser.new_page()
    sign_in(page, demo_portal, "employee")
    box = page.locator("#site-search-q")
    links = page.locator("#site-search-suggestions a")
    box.focus()
    page.keyboard.type("jo")
    links.first.wait_for()
    page.evaluate(
        "document.getElementById('site-search-suggestions')"
        ".addEventListener('htmx:afterSwap', () => { window.suggestionsSwapped = true; })"
    )

    page.keyboard.type("h")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("window.suggestionsSwapped === true")
    focused = page.evaluate(
        "document.activeElement.closest('#site-search-suggestions') !== null"
        " || document.activeElement.id === 'site-search-q'"
    )
    page.close()

    assert focused
