"""Builders of search documents, one per kind of searchable object.

Each source has a queryset that loads everything its builder reads, so indexing one
object and rebuilding the whole index read the same fields.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Model, Prefetch, QuerySet

from genbo.accounts.models import Competence
from genbo.experts.models import ExpertOffer
from genbo.forum.models import Post, Thread
from genbo.library.models import Item
from genbo.networks.models import Meeting, Network
from genbo.search.models import BODY_MAX_LENGTH, Kind
from genbo.search.text import plain_text, words


@dataclass
class DocumentData:
    """The fields of one search document, before it is saved."""

    kind: str
    object_id: int
    title: str
    url: str
    body: str = ""
    keywords: str = ""
    network_id: int | None = None
    municipality_ids: list[int] = field(default_factory=list)
    competence_ids: list[int] = field(default_factory=list)
    date: datetime | None = None


def _join(*parts: str) -> str:
    return "\n".join(part for part in parts if part)[:BODY_MAX_LENGTH]


def _competence_fields(competences: Iterable[Competence]) -> tuple[str, list[int]]:
    """Return the labels and synonyms of `competences` as one text, and their ids."""
    labels, ids = [], []
    for competence in competences:
        ids.append(competence.pk)
        labels.append(competence.label)
        labels.extend(str(synonym) for synonym in competence.synonyms or [])
    return " ".join(labels), ids


def _ids(objects) -> list[int]:
    return [one.pk for one in objects]


def person_document(user) -> DocumentData | None:
    if not user.is_active:
        return None
    keywords, competence_ids = _competence_fields(user.competences.all())
    unit = user.unit.name if user.unit_id else ""
    # Every signed-in employee sees the e-mail address on the profile, so a search for it
    # may find the person. Queries leave out the domain, so only the words before the @
    # are indexed, as plain words because PostgreSQL's parser keeps an address whole.
    local_part = " ".join(words(user.email.partition("@")[0]))
    return DocumentData(
        kind=Kind.PERSON,
        object_id=user.pk,
        title=user.get_full_name() or user.email,
        url=user.get_absolute_url(),
        body=_join(user.title, unit, user.languages, user.presentation),
        keywords=f"{keywords} {local_part}".strip(),
        municipality_ids=[user.municipality_id] if user.municipality_id else [],
        competence_ids=competence_ids,
    )


def network_document(network: Network) -> DocumentData | None:
    if network.archived_at is not None:
        return None
    keywords, competence_ids = _competence_fields(network.competences.all())
    return DocumentData(
        kind=Kind.NETWORK,
        object_id=network.pk,
        title=network.name,
        url=network.get_absolute_url(),
        body=_join(network.purpose, plain_text(network.description), network.meeting_rhythm),
        keywords=keywords,
        municipality_ids=_ids(network.municipalities.all()),
        competence_ids=competence_ids,
        date=network.created_at,
    )


def meeting_document(meeting: Meeting) -> DocumentData | None:
    network = meeting.network
    keywords, competence_ids = _competence_fields(network.competences.all())
    return DocumentData(
        kind=Kind.MEETING,
        object_id=meeting.pk,
        title=meeting.title,
        url=meeting.get_absolute_url(),
        body=_join(meeting.place, plain_text(meeting.agenda), plain_text(meeting.minutes)),
        keywords=keywords,
        network_id=network.pk,
        municipality_ids=_ids(network.municipalities.all()),
        competence_ids=competence_ids,
        date=meeting.starts_at,
    )


def thread_document(thread: Thread) -> DocumentData | None:
    if thread.deleted_at is not None:
        return None
    questions = [post for post in thread.posts.all() if post.is_question]
    question = questions[0] if questions else None
    shown = question is not None and question.deleted_at is None and question.hidden_at is None
    keywords, competence_ids = _competence_fields(thread.competences.all())
    author = thread.author
    return DocumentData(
        kind=Kind.THREAD,
        object_id=thread.pk,
        title=thread.title,
        url=thread.get_absolute_url(),
        body=_join(plain_text(question.body)) if shown else "",
        keywords=keywords,
        network_id=thread.network_id,
        municipality_ids=[author.municipality_id] if author and author.municipality_id else [],
        competence_ids=competence_ids,
        date=thread.created_at,
    )


def post_document(post: Post) -> DocumentData | None:
    """Build the document of a reply. The question is part of its thread's document."""
    thread = post.thread
    gone = post.deleted_at is not None or post.hidden_at is not None
    if post.is_question or gone or thread.deleted_at is not None:
        return None
    keywords, competence_ids = _competence_fields(thread.competences.all())
    author = post.author
    return DocumentData(
        kind=Kind.POST,
        object_id=post.pk,
        title=thread.title,
        url=post.get_absolute_url(),
        body=_join(plain_text(post.body)),
        keywords=keywords,
        network_id=thread.network_id,
        municipality_ids=[author.municipality_id] if author and author.municipality_id else [],
        competence_ids=competence_ids,
        date=post.created_at,
    )


def item_document(item: Item) -> DocumentData | None:
    keywords, competence_ids = _competence_fields(item.competences.all())
    municipality_ids = _ids(item.municipalities_involved.all())
    if item.municipality_id and item.municipality_id not in municipality_ids:
        municipality_ids.insert(0, item.municipality_id)
    return DocumentData(
        kind=Kind.ITEM,
        object_id=item.pk,
        title=item.title,
        url=item.get_absolute_url(),
        body=_join(
            str(item.get_kind_display()),
            plain_text(item.description),
            plain_text(item.background),
            plain_text(item.what_was_done),
            plain_text(item.results),
        ),
        keywords=keywords,
        network_id=item.network_id,
        municipality_ids=municipality_ids,
        competence_ids=competence_ids,
        date=item.created_at,
    )


def offer_document(offer: ExpertOffer) -> DocumentData | None:
    expert = offer.expert
    if not offer.is_active or not expert.is_active:
        return None
    keywords, competence_ids = _competence_fields(offer.competences.all())
    municipality_ids = _ids(offer.on_site_municipalities.all())
    if expert.municipality_id and expert.municipality_id not in municipality_ids:
        municipality_ids.insert(0, expert.municipality_id)
    return DocumentData(
        kind=Kind.OFFER,
        object_id=offer.pk,
        title=offer.title,
        url=offer.get_absolute_url(),
        body=_join(
            expert.get_full_name(),
            plain_text(offer.description),
            ", ".join(str(label) for label in offer.format_labels),
            offer.availability,
            offer.languages,
        ),
        keywords=keywords,
        municipality_ids=municipality_ids,
        competence_ids=competence_ids,
        date=offer.updated_at,
    )


@dataclass(frozen=True)
class Source:
    """The model, queryset and builder of one kind of document."""

    kind: str
    model: type[Model]
    queryset: Callable[[], QuerySet]
    build: Callable[[object], DocumentData | None]


def _questions() -> Prefetch:
    return Prefetch("posts", queryset=Post.objects.filter(is_question=True))


SOURCES = [
    Source(
        Kind.PERSON,
        get_user_model(),
        lambda: (
            get_user_model()
            .objects.filter(is_active=True)
            .select_related("unit")
            .prefetch_related("competences")
        ),
        person_document,
    ),
    Source(
        Kind.NETWORK,
        Network,
        lambda: Network.objects.prefetch_related("competences", "municipalities"),
        network_document,
    ),
    Source(
        Kind.MEETING,
        Meeting,
        lambda: Meeting.objects.select_related("network").prefetch_related(
            "network__competences", "network__municipalities"
        ),
        meeting_document,
    ),
    Source(
        Kind.THREAD,
        Thread,
        lambda: Thread.objects.select_related("author").prefetch_related(
            "competences", _questions()
        ),
        thread_document,
    ),
    Source(
        Kind.POST,
        Post,
        lambda: Post.objects.select_related("thread", "author").prefetch_related(
            "thread__competences"
        ),
        post_document,
    ),
    Source(
        Kind.ITEM,
        Item,
        lambda: Item.objects.prefetch_related("competences", "municipalities_involved"),
        item_document,
    ),
    Source(
        Kind.OFFER,
        ExpertOffer,
        lambda: ExpertOffer.objects.select_related("expert").prefetch_related(
            "competences", "on_site_municipalities"
        ),
        offer_document,
    ),
]
SOURCE_BY_KIND = {source.kind: source for source in SOURCES}
SOURCE_BY_MODEL = {source.model: source for source in SOURCES}
