"""Markdown rendering for user content: markdown-it-py, then the nh3 allow-list."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from genbo.core.names import without_bidi_controls


def _make_parser() -> MarkdownIt:
    # Raw HTML in the source is escaped by the parser and removed again by nh3, so
    # neither layer alone has to be perfect.
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable("table").enable("strikethrough")
    # Images are not allowed (nh3 would drop the <img> and leave nothing), so without
    # this rule "![text](address)" shows as "!" and a link with the text.
    parser.disable("image")
    return parser


def _heading_open_as_paragraph(renderer, tokens, index, options, env) -> str:
    return "<p><strong>"


def _heading_close_as_paragraph(renderer, tokens, index, options, env) -> str:
    return "</strong></p>\n"


_parser = _make_parser()
# The same subset, but "# Title" and "Title\n===" become a bold paragraph, for text shown
# inside a list under the page's own headings, such as a chat message log.
_parser_without_headings = _make_parser()
_parser_without_headings.add_render_rule("heading_open", _heading_open_as_paragraph)
_parser_without_headings.add_render_rule("heading_close", _heading_close_as_paragraph)

# markdown-it-py renders ~~strikethrough~~ as <s>.
ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(source: str, *, headings: bool = True) -> SafeString:
    """Render `source` to sanitised HTML. With `headings` false, headings become bold text."""
    parser = _parser if headings else _parser_without_headings
    html = parser.render(without_bidi_controls(source or ""))
    # Headings start at h2 because the page title is the only h1.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - nh3 has removed everything not allowed above.
