from django import template
from django.utils.safestring import SafeString

from genbo.forum.mentions import render_post_body

register = template.Library()


@register.filter(name="post_body")
def post_body_filter(post) -> SafeString:
    """Render the text of `post` with its mentions of readers as profile links."""
    return render_post_body(post.body, post.mentioned_ids)


@register.filter(name="revision_body")
def revision_body_filter(text: str) -> SafeString:
    """Render an earlier version of a post, its mentions as plain text."""
    return render_post_body(text, ())
