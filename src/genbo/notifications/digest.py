"""The weekly newsletter: what is new for each employee since the last one.

Every section is read through the model's `visible_to(user)`, so the newsletter shows
nothing the employee could not open in GENBO. A run stores at most one newsletter per
employee and ISO week (`DigestDelivery`), so running the job twice sends nothing twice.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from genbo.accounts.models import User
from genbo.experts.models import ExpertOffer
from genbo.forum.models import Thread
from genbo.library.models import Item
from genbo.networks.models import Meeting, Membership, Network
from genbo.notifications.mail import (
    absolute_url,
    list_unsubscribe_headers,
    mail_preference_for,
    render_email,
    unsubscribe_url,
)
from genbo.notifications.models import DigestDelivery, Newsletter
from genbo.notifications.outbox import outbox_add

logger = logging.getLogger(__name__)

# Without an earlier newsletter, "new" means new during the last week. After a long
# pause it means new during the last four weeks at most.
DEFAULT_LOOKBACK = timedelta(days=7)
MAX_LOOKBACK = timedelta(days=28)
# Meetings of the employee's networks that start within this time are listed.
MEETINGS_AHEAD = timedelta(days=14)
# At most this many entries per section, newest first.
SECTION_LIMIT = 5
# Employees are read in batches of this many.
BATCH_SIZE = 500


@dataclass
class Digest:
    user: User
    since: datetime
    networks: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    library_items: list = field(default_factory=list)
    questions: list = field(default_factory=list)
    expert_offers: list = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return (
            len(self.networks)
            + len(self.meetings)
            + len(self.library_items)
            + len(self.questions)
            + len(self.expert_offers)
        )


@dataclass
class DigestRunReport:
    week: str
    users: int = 0
    with_content: int = 0
    stored: int = 0
    already_sent: int = 0


@dataclass(frozen=True)
class _NewAnywhere:
    """Ids of everything new anywhere in the run's window, read once per run.

    Each employee's queries are limited to these ids, so they look up a few rows by
    primary key instead of scanning by date. Access is still checked by `visible_to`.
    """

    networks: list[int]
    library_items: list[int]
    questions: list[int]
    expert_offers: list[int]


def iso_week(moment: datetime) -> str:
    year, week, _weekday = timezone.localtime(moment).isocalendar()
    return f"{year}-W{week:02d}"


def _new_anywhere(earliest: datetime, now: datetime) -> _NewAnywhere:
    window = {"created_at__gte": earliest, "created_at__lt": now}

    def ids(queryset) -> list[int]:
        return list(queryset.filter(**window).values_list("pk", flat=True))

    return _NewAnywhere(
        networks=ids(Network.objects.current()),
        library_items=ids(Item.objects.filter(kind__in=["tip", "project"])),
        questions=ids(Thread.objects.listed().filter(reply_count=0)),
        expert_offers=ids(ExpertOffer.objects.filter(is_active=True)),
    )


def build_digest(
    user: User,
    *,
    since: datetime,
    now: datetime,
    competence_ids: list[int] | None = None,
    new_anywhere: _NewAnywhere | None = None,
) -> Digest:
    """Collect what is new for `user` between `since` and `now`."""
    if competence_ids is None:
        competence_ids = list(user.competences.values_list("pk", flat=True))
    if new_anywhere is None:
        new_anywhere = _new_anywhere(since, now)
    window = {"created_at__gte": since, "created_at__lt": now}
    digest = Digest(user=user, since=since)

    if new_anywhere.networks and (competence_ids or user.municipality_id):
        matches = Q(competences__in=competence_ids) | Q(municipalities=user.municipality_id)
        networks = (
            Network.objects.visible_to(user)
            .filter(matches, pk__in=new_anywhere.networks, **window)
            .exclude(memberships__user=user)
            .distinct()
            .order_by("-created_at")
        )
        digest.networks = list(networks[:SECTION_LIMIT])

    active_memberships = Membership.objects.active().filter(user=user)
    meetings = (
        Meeting.objects.visible_to(user)
        .filter(
            network__in=active_memberships.values("network"),
            cancelled_at__isnull=True,
            starts_at__gte=now,
            starts_at__lt=now + MEETINGS_AHEAD,
        )
        .select_related("network")
        .order_by("starts_at")
    )
    digest.meetings = list(meetings[:SECTION_LIMIT])

    if new_anywhere.library_items:
        items = (
            Item.objects.visible_to(user)
            .filter(pk__in=new_anywhere.library_items, **window)
            .exclude(author=user)
            .order_by("-created_at")
        )
        digest.library_items = list(items[:SECTION_LIMIT])

    if new_anywhere.questions and competence_ids:
        questions = (
            Thread.objects.visible_to(user)
            .listed()
            .filter(pk__in=new_anywhere.questions, competences__in=competence_ids, **window)
            .exclude(author=user)
            .distinct()
            .order_by("-created_at")
        )
        digest.questions = list(questions[:SECTION_LIMIT])

    if new_anywhere.expert_offers:
        offers = (
            ExpertOffer.objects.visible_to(user)
            .filter(pk__in=new_anywhere.expert_offers, **window)
            .exclude(expert=user)
            .select_related("expert")
            .order_by("-created_at")
        )
        digest.expert_offers = list(offers[:SECTION_LIMIT])
    return digest


def _window_start(last_digest_at: datetime | None, now: datetime) -> datetime:
    """Return the start of the newsletter's window: the last newsletter, within limits."""
    return max(last_digest_at or now - DEFAULT_LOOKBACK, now - MAX_LOOKBACK)


def digest_preview(user: User, *, now: datetime | None = None) -> Digest:
    """Build the newsletter that a run at `now` would build for `user`, storing nothing.

    The window starts at the employee's last newsletter, as in a run. Unlike a run, it
    is built even when `user` has turned the newsletter off or has had this week's.
    """
    now = now or timezone.now()
    last_digest_at = user.digest_deliveries.aggregate(last=Max("created_at"))["last"]
    return build_digest(user, since=_window_start(last_digest_at, now), now=now)


def render_digest(digest: Digest) -> tuple[str, str, str]:
    user = digest.user
    context = {
        "digest": digest,
        "recipient": user,
        "base_url": absolute_url(""),
        "unsubscribe_url": unsubscribe_url(user),
    }
    return render_email("digest", context, language=mail_preference_for(user).language)


def recipients(week: str):
    """Active employees with an e-mail address who want the newsletter and have not had
    this week's, each annotated with the time of their last newsletter."""
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(mail_preference__newsletter=Newsletter.OFF)
        .exclude(digest_deliveries__week=week)
        .annotate(last_digest_at=Max("digest_deliveries__created_at"))
        .select_related("mail_preference")
        .order_by("pk")
    )


def _batches(queryset, size: int):
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk


def _competences_by_user(users) -> dict[int, list[int]]:
    through = User.competences.through
    rows = through.objects.filter(user_id__in=[user.pk for user in users]).values_list(
        "user_id", "competence_id"
    )
    by_user: dict[int, list[int]] = {}
    for user_id, competence_id in rows:
        by_user.setdefault(user_id, []).append(competence_id)
    return by_user


def _store(digest: Digest, week: str) -> bool:
    """Store the delivery record and the e-mail in one transaction, or return False if
    this week's newsletter exists already."""
    subject, text, html = render_digest(digest)
    try:
        with transaction.atomic():
            DigestDelivery.objects.create(user=digest.user, week=week, item_count=digest.item_count)
            outbox_add(
                key=f"digest:{week}:{digest.user.pk}",
                recipient=digest.user,
                category="digest",
                subject=subject,
                text=text,
                html=html,
                headers=list_unsubscribe_headers(digest.user),
            )
    except IntegrityError:
        logger.info("Newsletter %s for user %s exists already", week, digest.user.pk)
        return False
    return True


def digest_send_all(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    on_digest: Callable[[Digest], None] | None = None,
) -> DigestRunReport:
    """Build every employee's newsletter and, unless `dry_run`, store it in the outbox.

    Employees with nothing new get no e-mail. `on_digest` is called with each digest
    that has content (the dry run prints them).
    """
    # NOTE: one process builds all newsletters, about 14 ms of CPU per employee in
    # bench/digest_volume.py. To go faster, queue one job per batch of employees, because
    # the DigestDelivery constraint keeps overlapping jobs from sending twice.
    now = now or timezone.now()
    week = iso_week(now)
    report = DigestRunReport(week=week)
    logger.info("Newsletter %s: start (dry run: %s)", week, dry_run)
    new_anywhere = _new_anywhere(now - MAX_LOOKBACK, now)
    for batch in _batches(recipients(week), BATCH_SIZE):
        competences = _competences_by_user(batch)
        for user in batch:
            report.users += 1
            since = _window_start(user.last_digest_at, now)
            digest = build_digest(
                user,
                since=since,
                now=now,
                competence_ids=competences.get(user.pk, []),
                new_anywhere=new_anywhere,
            )
            if not digest.item_count:
                continue
            report.with_content += 1
            if on_digest:
                on_digest(digest)
            if dry_run:
                render_digest(digest)
                continue
            if _store(digest, week):
                report.stored += 1
            else:
                report.already_sent += 1
    logger.info(
        "Newsletter %s: done, %d employees, %d with news, %d stored, %d already sent",
        week,
        report.users,
        report.with_content,
        report.stored,
        report.already_sent,
    )
    return report
