"""Markdown from users is rendered to a small allow-list of HTML."""

from urllib.parse import urlsplit

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from genbo.core.markdown import render_markdown
from tests.helpers import start_tags


def _tags(source: str) -> list[str]:
    return [tag for tag, _attrs in start_tags(render_markdown(source))]


def _attributes(source: str) -> list[str]:
    return [name for _tag, attrs in start_tags(render_markdown(source)) for name in attrs]


def _hrefs(source: str) -> list[str]:
    return [attrs.get("href") for tag, attrs in start_tags(render_markdown(source)) if tag == "a"]


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Text <script src=https://evil.example/x.js></script> mer text",
        "<SCRIPT>alert(1)</SCRIPT>",
        "```\n</code><script>alert(1)</script>\n```",
    ],
)
def test_script_tags_removed(source):
    html = render_markdown(source)

    assert "script" not in _tags(source)
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "source",
    [
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">klicka</p>',
        '<a href="https://example.org" onmouseover="alert(1)">länk</a>',
        '[länk](https://example.org "titel\\" onmouseover=\\"alert(1)")',
    ],
)
def test_event_handler_attributes_removed(source):
    assert [name for name in _attributes(source) if name.startswith("on")] == []


@pytest.mark.parametrize(
    "source",
    [
        "[klicka](javascript:alert(1))",
        "[klicka](JavaScript:alert(1))",
        "[klicka](  javascript:alert(1))",
        "[klicka](java&#x09;script:alert(1))",
        "[klicka](data:text/html;base64,PHNjcmlwdD4=)",
        "[klicka](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
    ],
)
def test_dangerous_link_schemes_removed(source):
    # urlsplit drops tabs and newlines from the address as browsers do before reading the scheme.
    schemes = [urlsplit(href).scheme.lower() for href in _hrefs(source) if href]

    assert [
        scheme for scheme in schemes if scheme not in {"", "http", "https", "mailto", "tel"}
    ] == []


@pytest.mark.parametrize(
    "source",
    [
        '<iframe src="https://example.org"></iframe>',
        "<object data=x></object><embed src=x>",
        "<style>body{display:none}</style>",
        '<form action="https://example.org"><input name=x></form>',
    ],
)
def test_embedding_tags_removed(source):
    tags = set(_tags(source))

    assert tags & {"iframe", "object", "embed", "style", "form", "input"} == set()


def test_h1_becomes_h2():
    assert _tags("# Dagordning\n\n## Punkt ett") == ["h2", "h2"]


def test_no_h1_is_left():
    assert "<h1" not in render_markdown("# Rubrik\n\nRubrik\n======")


def test_headings_off_gives_bold_paragraphs():
    html = render_markdown("# Dagordning\n\nPunkt ett\n---------\n\n> ### Citat", headings=False)
    assert _tags("# Dagordning") == ["h2"]
    assert "<h" not in html.replace("<hr", "")
    assert "<p><strong>Dagordning</strong></p>" in html
    assert "<p><strong>Punkt ett</strong></p>" in html
    assert "<blockquote>\n<p><strong>Citat</strong></p>" in html


def test_headings_off_keeps_sanitising():
    html = render_markdown("# <script>alert(1)</script> [x](javascript:alert(1))", headings=False)
    assert "<script" not in html
    assert 'href="javascript:' not in html


def test_links_get_rel_noopener():
    links = [
        attrs
        for tag, attrs in start_tags(render_markdown("[GENBO](https://example.org/)"))
        if tag == "a"
    ]

    assert len(links) == 1
    assert links[0]["href"] == "https://example.org/"
    assert "noopener" in links[0]["rel"].split()
    assert "noreferrer" in links[0]["rel"].split()


@pytest.mark.parametrize(
    "source, tag",
    [
        ("**fet**", "strong"),
        ("*kursiv*", "em"),
        ("- en\n- två", "ul"),
        ("1. en\n2. två", "ol"),
        ("> citat", "blockquote"),
        ("`kod`", "code"),
        ("~~struken~~", "s"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "table"),
    ],
)
def test_ordinary_markdown_kept(source, tag):
    assert tag in _tags(source)


def test_mailto_and_tel_links_kept():
    assert _hrefs("[mejla](mailto:hr@helsingborg.example) [ring](tel:+4642105000)") == [
        "mailto:hr@helsingborg.example",
        "tel:+4642105000",
    ]


def test_text_characters_are_escaped():
    html = render_markdown("Tom & Jerry < 3")

    assert html == "<p>Tom &amp; Jerry &lt; 3</p>\n"


@pytest.mark.parametrize("source", ["", None])
def test_empty_source_renders_empty(source):
    assert render_markdown(source) == ""


def test_result_is_safe_string():
    assert isinstance(render_markdown("text"), SafeString)


def test_template_filter_renders_markdown():
    template = Template("{% load genbo %}{{ text|markdown }}")

    html = template.render(Context({"text": "# Rubrik\n\n<script>x</script>"}))

    assert html.startswith("<h2>Rubrik</h2>")
    assert "<script" not in html


def test_image_becomes_link_with_its_text():
    html = render_markdown("![Diagram över ärenden](https://example.invalid/diagram.png)")

    assert "<img" not in html
    assert ">Diagram över ärenden</a>" in html


def test_bidirectional_overrides_removed():
    # An unclosed right-to-left override would reverse the text after the message.
    html = render_markdown("Möte \u202eklockan 12:00 **nu**\u2066 \u2069")

    assert "\u202e" not in html
    assert "\u2066" not in html
    assert "\u2069" not in html
    assert "Möte klockan 12:00 <strong>nu</strong>" in html
