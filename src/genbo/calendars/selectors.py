"""Reads for the calendar pages: who a token belongs to, and the addresses to show."""

import re
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.urls import reverse

from genbo.calendars.models import CalendarToken
from genbo.networks.models import Network

# The characters of URL-safe Base64, which is what models.new_token() returns.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class FeedLink:
    label: str
    url: str


def get_user_for_token(token: str):
    """Return the active employee whose calendar token is `token`, or raise Http404.

    The feed views turn this into the same 404 for a wrong, renewed or malformed token,
    so tokens cannot be probed.
    """
    if not TOKEN_PATTERN.fullmatch(token):
        # Checked before the query, because PostgreSQL rejects text with NUL bytes.
        raise Http404("No calendar feed has this address.")
    row = (
        CalendarToken.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if row is None:
        raise Http404("No calendar feed has this address.")
    return row.user


def get_network_feed_network(user, slug: str) -> Network:
    """Return the network `slug` when `user` may see its meetings, or raise Http404."""
    network = Network.objects.with_member_content_for(user).filter(slug=slug).first()
    if network is None:
        raise Http404("No calendar feed has this address.")
    return network


def feed_links_for(user, token: str) -> list[FeedLink]:
    """Return the personal feed and one feed per network where `user` is an active member."""
    base = settings.GENBO_BASE_URL.rstrip("/")
    links = [FeedLink(label="", url=base + reverse("calendars:user_feed", args=[token]))]
    networks = (
        Network.objects.current()
        .filter(memberships__user=user, memberships__status="active")
        .order_by("name")
        .only("name", "slug")
    )
    for network in networks:
        url = base + reverse("calendars:network_feed", args=[token, network.slug])
        links.append(FeedLink(label=network.name, url=url))
    return links
