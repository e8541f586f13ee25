from django import template
from django.utils.safestring import SafeString

from genbo.core import site_header as header
from genbo.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(source: str) -> SafeString:
    return render_markdown(source)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """Return the current query string with `changes` applied, for pagination links."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def site_header(context) -> SafeString:
    """Render the page header (see genbo.core.site_header)."""
    return header.site_header(context)
