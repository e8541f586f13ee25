"""Writes on the search index: one object at a time from the other apps' services, or all.

The other apps call `index_object` and `remove_object` inside their own transaction,
so the index changes exactly when the content does and a rollback undoes both.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.utils import translation

from genbo.forum.models import Post, Thread
from genbo.search.backends import get_backend
from genbo.search.documents import SOURCE_BY_MODEL, SOURCES, DocumentData, Source
from genbo.search.models import TITLE_MAX_LENGTH, Kind, SearchDocument

logger = logging.getLogger(__name__)

# Objects read, and documents written, per step of a rebuild.
REINDEX_BATCH_SIZE = 1000
DOCUMENT_FIELDS = ("title", "url", "body", "keywords", "network_id", "date")


def _source_for(obj: Model) -> Source:
    for model, source in SOURCE_BY_MODEL.items():
        if isinstance(obj, model):
            return source
    raise TypeError(f"{type(obj).__name__} objects are not searchable.")


def _build(source: Source, obj) -> DocumentData | None:
    # Labels such as the kind of an item are indexed in the portal's main language,
    # whatever language the request or command runs in.
    with translation.override(settings.LANGUAGE_CODE):
        return source.build(obj)


def _new_document(data: DocumentData) -> SearchDocument:
    return SearchDocument(
        kind=data.kind,
        object_id=data.object_id,
        title=data.title[:TITLE_MAX_LENGTH],
        url=data.url,
        body=data.body,
        keywords=data.keywords,
        network_id=data.network_id,
        date=data.date,
    )


def _save_relations(pairs: list[tuple[SearchDocument, DocumentData]]) -> None:
    municipalities = SearchDocument.municipalities.through
    competences = SearchDocument.competences.through
    municipalities.objects.bulk_create(
        municipalities(searchdocument_id=document.pk, municipality_id=municipality_id)
        for document, data in pairs
        for municipality_id in data.municipality_ids
    )
    competences.objects.bulk_create(
        competences(searchdocument_id=document.pk, competence_id=competence_id)
        for document, data in pairs
        for competence_id in data.competence_ids
    )


@transaction.atomic
def index_object(obj: Model) -> SearchDocument | None:
    """Write the search document of `obj`, or remove it when `obj` is no longer searchable
    (a hidden post, a switched-off offer, an inactive employee).

    A question is part of its thread's document, so indexing a question indexes its
    thread, and updates the replies, which show the thread's title.
    """
    if isinstance(obj, Post) and obj.is_question:
        return _index_thread(obj.thread_id)
    source = _source_for(obj)
    fresh = source.queryset().filter(pk=obj.pk).first()
    data = _build(source, fresh) if fresh is not None else None
    if data is None:
        SearchDocument.objects.filter(kind=source.kind, object_id=obj.pk).delete()
        return None
    # Updating the row in place locks it, so two edits of one object take turns.
    fields = _new_document(data)
    document, _created = SearchDocument.objects.update_or_create(
        kind=data.kind,
        object_id=data.object_id,
        defaults={name: getattr(fields, name) for name in DOCUMENT_FIELDS},
    )
    document.municipalities.clear()
    document.competences.clear()
    _save_relations([(document, data)])
    get_backend().store([document])
    return document


def _index_thread(thread_id: int) -> SearchDocument | None:
    thread = Thread.objects.get(pk=thread_id)
    document = index_object(thread)
    replies = SearchDocument.objects.filter(
        kind=Kind.POST, object_id__in=Post.objects.filter(thread_id=thread_id).values("pk")
    )
    if document is None:
        # A deleted question takes its whole thread out of lists, replies included.
        replies.delete()
        return None
    retitled = [reply for reply in replies if reply.title != document.title]
    for reply in retitled:
        reply.title = document.title
    SearchDocument.objects.bulk_update(retitled, ["title"])
    get_backend().store(retitled)
    return document


def remove_object(obj: Model) -> None:
    """Remove the search document of `obj`. Call it before deleting `obj`."""
    source = _source_for(obj)
    SearchDocument.objects.filter(kind=source.kind, object_id=obj.pk).delete()


def index_objects(objects) -> None:
    """Write the search documents of several objects, such as a thread and its replies."""
    for obj in objects:
        index_object(obj)


def _rebuild_kind(source: Source, progress: Callable[[str, int, int], None]) -> int:
    backend = get_backend()
    SearchDocument.objects.filter(kind=source.kind).delete()
    queryset = source.queryset().order_by("pk")
    # The queryset leaves out what is never searchable, such as inactive people.
    total = queryset.count()
    done = written = 0
    progress(source.kind, done, total)
    last_pk = 0
    while True:
        batch = list(queryset.filter(pk__gt=last_pk)[:REINDEX_BATCH_SIZE])
        if not batch:
            break
        last_pk = batch[-1].pk
        pairs = []
        for obj in batch:
            data = _build(source, obj)
            if data is not None:
                pairs.append((_new_document(data), data))
        documents = SearchDocument.objects.bulk_create([document for document, _ in pairs])
        _save_relations(pairs)
        backend.store(documents)
        done += len(batch)
        written += len(documents)
        progress(source.kind, done, total)
    return written


def reindex(*, kinds=None, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Rebuild the index of `kinds` (all when None) and return the documents written per kind.

    `progress(kind, done, total)` is called after each batch. Each kind is rebuilt in one
    transaction, so searches see the old documents of a kind until its new ones are in.
    """
    progress = progress or (lambda kind, done, total: None)
    written = {}
    for source in SOURCES:
        if kinds and source.kind not in kinds:
            continue
        with transaction.atomic():
            written[source.kind] = _rebuild_kind(source, progress)
        logger.info("Search index rebuilt for %s: %d documents", source.kind, written[source.kind])
    return written
