"""Subscribable iCalendar feeds: one per network and one per employee, cached per version.

Each network and each employee has a version stored in the cache. A change to a meeting,
a network or a borrowing request replaces it with a new random value, and the rendered
feed is cached under a key built from the versions. A version missing from the cache
(evicted or never set) gets a new random value, so an old feed can never be served again
under it.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from genbo.experts.calendar import request_event
from genbo.experts.models import CALENDAR_FORMATS, BorrowRequest, State
from genbo.networks.calendar import add_time_zone, empty_calendar, meeting_event
from genbo.networks.models import Meeting, Membership, Network

# Meetings that ended longer ago than this are left out, so a feed stays small.
PAST_DAYS = 90
# A feed has at most this many events; the earliest past ones go first.
MAX_EVENTS = 500
FEED_CACHE_SECONDS = 60 * 60 * 24
VERSION_PREFIX = "calendars:version"


@dataclass(frozen=True)
class RenderedFeed:
    body: bytes
    etag: str
    last_modified: datetime


def _version_key(kind: str, pk: int) -> str:
    return f"{VERSION_PREFIX}:{kind}:{pk}"


def bump_version(kind: str, pk: int) -> None:
    """Give a network's or an employee's feeds a new version, so cached copies expire."""
    cache.set(_version_key(kind, pk), uuid.uuid4().hex, timeout=None)


def _versions(kind: str, ids) -> dict[int, str]:
    keys = {_version_key(kind, pk): pk for pk in ids}
    found = cache.get_many(list(keys))
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
    found.update(missing)
    return {pk: found[key] for key, pk in keys.items()}


def _absolute(path: str) -> str:
    return settings.GENBO_BASE_URL.rstrip("/") + path


def _cached(key: str, build) -> RenderedFeed:
    feed = cache.get(key)
    if feed is None:
        body = build()
        feed = RenderedFeed(
            body=body,
            etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            last_modified=timezone.now().replace(microsecond=0),
        )
        cache.set(key, feed, timeout=FEED_CACHE_SECONDS)
    return feed


def _recent(meetings):
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return (
        meetings.filter(ends_at__gte=since)
        .select_related("network")
        .order_by("-starts_at")[:MAX_EVENTS]
    )


def _add_meetings(calendar, meetings) -> None:
    for meeting in sorted(meetings, key=lambda meeting: meeting.starts_at):
        calendar.add_component(meeting_event(meeting, url=_absolute(meeting.get_absolute_url())))


def network_feed(network: Network) -> RenderedFeed:
    """Return the feed of `network`'s meetings; the caller has checked access."""
    version = _versions("network", [network.pk])[network.pk]

    def build() -> bytes:
        calendar = empty_calendar(name=_("GENBO: %(network)s") % {"network": network.name})
        _add_meetings(calendar, _recent(Meeting.objects.filter(network=network)))
        add_time_zone(calendar)
        return calendar.to_ical()

    return _cached(f"calendars:feed:network:{network.pk}:{version}", build)


def _member_network_ids(user) -> list[int]:
    return sorted(
        Membership.objects.active().filter(user=user).values_list("network_id", flat=True)
    )


def user_feed(user) -> RenderedFeed:
    """Return `user`'s feed: meetings of the networks `user` is an active member of, and
    confirmed lectures and workshops where `user` is the requester or the expert.

    The list of networks is read on every request and is part of the cache key, so
    joining or leaving a network changes the feed at once.
    """
    network_ids = _member_network_ids(user)
    versions = _versions("network", network_ids)
    versions_text = ",".join(f"{pk}={versions[pk]}" for pk in network_ids)
    digest = hashlib.sha256(versions_text.encode()).hexdigest()[:32]
    user_version = _versions("user", [user.pk])[user.pk]

    def build() -> bytes:
        calendar = empty_calendar(name=_("GENBO: my meetings"))
        meetings = Meeting.objects.visible_to(user).filter(network_id__in=network_ids)
        _add_meetings(calendar, _recent(meetings))
        visits = (
            BorrowRequest.objects.visible_to(user)
            .filter(state__in=[State.CONFIRMED, State.COMPLETED], format__in=CALENDAR_FORMATS)
            .filter(Q(requester=user) | Q(offer__expert=user))
            .filter(proposed_end__gte=timezone.now() - timedelta(days=PAST_DAYS))
            .select_related("offer__expert")
            .order_by("proposed_start")[:MAX_EVENTS]
        )
        for visit in visits:
            url = _absolute(reverse("experts:request", args=[visit.pk]))
            calendar.add_component(request_event(visit, url=url))
        add_time_zone(calendar)
        return calendar.to_ical()

    return _cached(f"calendars:feed:user:{user.pk}:{user_version}:{digest}", build)
