"""Forum pages as a user meets them: hostile Markdown, bad input, deep links, htmx parts."""

import re
import uuid

import pytest
from django.urls import reverse

from genbo.core.names import INVISIBLE_NAME_ERROR
from genbo.forum import services
from genbo.forum.models import Post, Thread
from tests.factories import PostFactory, ThreadFactory, forum_topic
from tests.helpers import field_block, in_swedish, start_tags

pytestmark = pytest.mark.django_db

HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    "[klicka](  javascript:alert(1))",
    "[klicka](javascript&#58;alert(1))",
    "[klicka](&#106;avascript:alert(1))",
    "![bild](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)">länk</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div onmouseover="alert(1)">hover</div>',
    "<body onload=alert(1)>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    '[x](https://ok.example "onmouseover=alert(1)")',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>` och ```\n<script>alert(2)</script>\n```",
    "<<script>script>alert(1)<</script>/script>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    "@[<script>alert(1)</script>](user:1)",
    '[@x](javascript:alert(1)) @[Namn" onclick="alert(1)](user:1)',
]


def _unsafe_parts(html: str) -> list[str]:
    problems = []
    for tag, attributes in start_tags(html):
        if tag in {"script", "iframe", "svg", "math", "style", "object", "embed"}:
            problems.append(tag)
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"{tag} {name}")
            if value and re.sub(r"\s", "", value).lower().startswith(("javascript:", "data:")):
                problems.append(f"{tag} {name}={value}")
    return problems


@pytest.mark.parametrize("source", HOSTILE_MARKDOWN)
def test_hostile_markdown_is_harmless_on_thread_page(client, employee, member, source):
    thread = ThreadFactory(author=employee, question=source)
    PostFactory(thread=thread, author=member, body=source)
    client.force_login(employee)

    response = client.get(thread.get_absolute_url())
    main = response.content.decode().split('<main id="main"', 1)[1]

    assert response.status_code == 200
    assert _unsafe_parts(main) == []
    assert "<script>alert" not in main


def test_hostile_markdown_table_has_at_least_20_inputs():
    assert len(HOSTILE_MARKDOWN) >= 20


def _new_thread_data(**changes):
    data = {"title": "Hur räknar ni OB?", "topic": "hr", "body": "Vi undrar.", "token": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": "   "}, "title", "Write a title."),
        ({"title": "\u200b\u2060"}, "title", INVISIBLE_NAME_ERROR),
        ({"body": " \n "}, "body", "Write something in the text field."),
        ({"topic": ""}, "topic", "Choose a topic."),
        ({"topic": "finns-inte"}, "topic", None),
    ],
)
def test_new_thread_bad_input_shown_next_to_field(client, employee, changes, field, message):
    client.force_login(employee)

    response = client.post(reverse("forum:thread_create"), _new_thread_data(**changes))
    block = field_block(response.content.decode(), field)

    assert response.status_code == 200
    assert "errorlist" in block
    if message:
        assert in_swedish(message, escape_html=True) in block
    assert not Thread.objects.exists()


def test_long_title_rejected_and_text_kept(client, employee):
    client.force_login(employee)
    body = "Min fråga som inte får försvinna."

    response = client.post(
        reverse("forum:thread_create"), _new_thread_data(title="x" * 10_000, body=body)
    )
    html = response.content.decode()

    expected = in_swedish(
        "The title can be at most %(limit_value)d characters long; it has %(show_value)d.",
        limit_value=200,
        show_value=10_000,
    )
    assert expected in field_block(html, "title")
    assert body in field_block(html, "body")
    assert not Thread.objects.exists()


def test_new_thread_in_network_and_redirect(client, member, closed_network):
    client.force_login(member)

    response = client.post(
        reverse("forum:thread_create") + f"?network={closed_network.slug}",
        _new_thread_data(network=closed_network.slug, competences="Arbetsrätt"),
    )

    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response.url == thread.get_absolute_url()
    assert thread.network == closed_network
    assert [c.label for c in thread.competences.all()] == ["Arbetsrätt"]


def test_double_submit_of_reply_form_stores_one(client, employee, member):
    thread = ThreadFactory(author=employee)
    client.force_login(member)
    data = {"body": "Samma svar två gånger.", "token": str(uuid.uuid4())}

    first = client.post(reverse("forum:reply", args=[thread.pk]), data)
    second = client.post(reverse("forum:reply", args=[thread.pk]), data)

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert thread.posts.filter(is_question=False).count() == 1


def test_reply_to_locked_thread_shows_swedish_message(client, employee, member, staff):
    thread = ThreadFactory(author=employee)
    services.thread_set_locked(thread=thread, by=staff, locked=True)
    client.force_login(member)

    response = client.post(
        reverse("forum:reply", args=[thread.pk]), {"body": "Mitt svar.", "token": ""}
    )
    html = response.content.decode()

    assert in_swedish("The thread is locked, so it takes no new replies.") in html
    assert "Mitt svar." in html
    assert thread.posts.count() == 1


def test_empty_reply_error_next_to_field(client, employee):
    thread = ThreadFactory(author=employee)
    client.force_login(employee)

    response = client.post(reverse("forum:reply", args=[thread.pk]), {"body": "   "})

    block = field_block(response.content.decode(), "body")
    assert in_swedish("Write something in the text field.", escape_html=True) in block


def test_deep_link_opens_right_page(client, employee):
    thread = ThreadFactory(author=employee)
    posts = [PostFactory(thread=thread) for _ in range(60)]
    client.force_login(employee)

    # The question is post 1, so reply 55 is post 56: page 3 with 25 posts per page.
    response = client.get(reverse("forum:post", args=[posts[54].pk]))

    assert response.status_code == 302
    assert response.url == f"{thread.get_absolute_url()}?page=3#post-{posts[54].pk}"
    page = client.get(response.url.split("#")[0]).content.decode()
    assert f'id="post-{posts[54].pk}"' in page


def test_deep_link_on_first_page_has_no_page_number(client, employee):
    thread = ThreadFactory(author=employee)
    reply = PostFactory(thread=thread)
    client.force_login(employee)

    response = client.get(reverse("forum:post", args=[reply.pk]))

    assert response.url == f"{thread.get_absolute_url()}#post-{reply.pk}"


def test_edited_post_shows_edited_and_history(client, employee):
    thread = ThreadFactory(author=employee, question="Gammal text")
    client.force_login(employee)
    post = thread.posts.get()

    client.post(
        reverse("forum:post_edit", args=[post.pk]), {"title": thread.title, "body": "Ny text"}
    )
    html = client.get(thread.get_absolute_url()).content.decode()

    assert "Ny text" in html
    assert in_swedish("edited") in html
    assert "Gammal text" in html


def test_deleted_post_replaced_and_thread_readable(client, employee, member):
    thread = ThreadFactory(author=employee)
    reply = PostFactory(thread=thread, author=member, body="Ska bort")
    client.force_login(member)

    client.post(reverse("forum:post_delete", args=[reply.pk]))
    response = client.get(thread.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "Ska bort" not in html
    assert in_swedish("The post is deleted.") in html
    assert Post.objects.filter(pk=reply.pk).exists()


def test_hidden_post_hidden_from_others_but_staff(client, employee, member, staff):
    thread = ThreadFactory(author=employee)
    reply = PostFactory(thread=thread, author=member, body="Olämpligt innehåll")
    client.force_login(staff)
    client.post(reverse("forum:hide", args=[reply.pk]), {"hidden": "1"})

    staff_html = client.get(thread.get_absolute_url()).content.decode()
    client.force_login(employee)
    employee_html = client.get(thread.get_absolute_url()).content.decode()

    assert "Olämpligt innehåll" in staff_html
    assert "Olämpligt innehåll" not in employee_html
    assert in_swedish("The post is hidden by the secretariat.") in employee_html


def test_vote_by_htmx_returns_button_partial(client, employee, member):
    thread = ThreadFactory(author=employee)
    reply = PostFactory(thread=thread, author=member)
    client.force_login(employee)

    response = client.post(reverse("forum:vote", args=[reply.pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()

    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="vote" id="vote-{reply.pk}">')
    assert 'aria-pressed="true"' in html
    assert "(1)" in html


def test_accept_by_others_shows_swedish_message(client, employee, member):
    thread = ThreadFactory(author=employee)
    reply = PostFactory(thread=thread, author=member)
    client.force_login(member)

    response = client.post(reverse("forum:accept", args=[reply.pk]), follow=True)

    assert (
        in_swedish("Only the person who asked, or a convener of the network, can mark the answer.")
        in response.content.decode()
    )
    assert Thread.objects.get(pk=thread.pk).accepted_post_id is None


def test_accepted_answer_shown_first_and_solved(client, employee, member):
    thread = ThreadFactory(author=employee)
    PostFactory(thread=thread, author=member, body="Fel spår")
    answer = PostFactory(thread=thread, author=member, body="Rätt svar här")
    services.answer_toggle(post=answer, by=employee)
    client.force_login(employee)

    html = client.get(thread.get_absolute_url()).content.decode()
    solved = client.get(reverse("forum:index") + "?show=solved").content.decode()

    assert html.index("Rätt svar här") < html.index("Fel spår")
    assert in_swedish("Solved") in solved
    assert thread.title in solved


def test_mention_renders_as_profile_link(client, employee, member):
    thread = services.thread_create(
        author=employee,
        topic=forum_topic(),
        title="Fråga",
        body=f"Hej @[Mats Medlem](user:{member.pk}) och @[Okänd Person](user:999999)",
    )
    client.force_login(employee)

    html = client.get(thread.get_absolute_url()).content.decode()

    assert f'<a href="/people/{member.pk}/"' in html
    assert "@Okänd Person" in html
    assert "user:999999" not in html


def test_quote_prefills_reply(client, employee, member):
    thread = ThreadFactory(author=employee)
    reply = PostFactory(thread=thread, author=member, body="Citera mig")
    client.force_login(employee)

    html = client.get(reverse("forum:reply", args=[thread.pk]) + f"?quote={reply.pk}").content
    html = html.decode()

    assert "&gt; Citera mig" in html
    assert "Mats Medlem" in html


@pytest.mark.parametrize("show", ["unanswered", "solved", "mine", "following"])
def test_list_filters(client, employee, member, show):
    mine = ThreadFactory(author=employee, title="Min obesvarade fråga")
    solved = ThreadFactory(author=member, title="Löst fråga om moms")
    answer = PostFactory(thread=solved, author=employee)
    solved.reply_count = 1
    solved.save(update_fields=["reply_count"])
    services.answer_toggle(post=answer, by=member)
    followed = ThreadFactory(author=member, title="Följd fråga om arkiv")
    followed.follows.create(user=employee)
    client.force_login(employee)

    html = client.get(reverse("forum:index") + f"?show={show}").content.decode()

    expected = {
        "unanswered": {mine.title, followed.title},
        "solved": {solved.title},
        "mine": {mine.title},
        "following": {mine.title, followed.title},
    }[show]
    shown = {t.title for t in (mine, solved, followed) if t.title in html}
    assert shown == expected
