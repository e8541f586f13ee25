"""What a person does, end to end in a real browser, with the keyboard where it matters."""

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_skip_link_is_first_and_moves_focus_to_main(browser, demo_portal):
    page = browser.new_page()
    # The sign-in page puts the focus in the e-mail field, so start from the start page.
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
