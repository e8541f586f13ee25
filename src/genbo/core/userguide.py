"""The in-app user guide (lathund): short Markdown pages per language, with screenshots.

The pages lie in core/guide/<language>/<slug>.md. The first line of each file is its
title as a Markdown heading. An image written as `![text](screenshot:name)` shows
core/static/genbo/guide/<language>/name.webp, taken by tests/browser/guide_screenshots.py.
The files are ours, so the HTML is not sanitised,
but raw HTML in them is still escaped by the parser.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

GUIDE_DIR = Path(__file__).resolve().parent / "guide"
FALLBACK_LANGUAGE = "sv"

# The order of the pages in the guide's table of contents.
PAGE_SLUGS = [
    "getting-started",
    "networks",
    "start-a-network",
    "conveners",
    "meetings",
    "forum",
    "library",
    "experts",
    "chat",
    "search",
    "notifications",
    "accessibility",
]

_parser = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    html: SafeString


def _screenshot_url(language: str, name: str) -> str:
    return static(f"genbo/guide/{language}/{name}.webp")


def _render(source: str, language: str) -> str:
    tokens = _parser.parse(source)
    for token in tokens:
        for child in token.children or []:
            source_url = child.attrGet("src") if child.type == "image" else None
            if source_url and source_url.startswith("screenshot:"):
                name = source_url.removeprefix("screenshot:")
                child.attrSet("src", _screenshot_url(language, name))
                child.attrSet("loading", "lazy")
    return _parser.renderer.render(tokens, _parser.options, {})


@lru_cache(maxsize=64)
def _load(language: str, slug: str) -> GuidePage | None:
    path = GUIDE_DIR / language / f"{slug}.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    first_line, _, body = text.partition("\n")
    title = first_line.lstrip("#").strip()
    return GuidePage(slug=slug, title=title, html=mark_safe(_render(body, language)))  # noqa: S308


def guide_page(language: str, slug: str) -> GuidePage | None:
    """Return the page `slug` in `language`, in Swedish when it is missing, or None."""
    if slug not in PAGE_SLUGS:
        return None
    return _load(language, slug) or _load(FALLBACK_LANGUAGE, slug)


def guide_pages(language: str) -> list[GuidePage]:
    """Return every page of the guide in table-of-contents order."""
    pages = (guide_page(language, slug) for slug in PAGE_SLUGS)
    return [page for page in pages if page is not None]
