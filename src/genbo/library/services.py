"""Writes in Idébiblioteket: items, files and their versions, links, comments, useful marks,
and meeting attachments.

A file is checked completely before anything is written to storage. It is written before
the database rows, and deleted again when the rows cannot be stored, so a failed upload
leaves nothing behind.
"""

import logging
import re
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from genbo.core.audit import audit_record
from genbo.library import files
from genbo.library.models import (
    COMMENT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    URL_MAX_LENGTH,
    Comment,
    FileVersion,
    Item,
    ItemFile,
    Link,
    MeetingAttachment,
    UsefulMark,
)
from genbo.networks.models import Membership
from genbo.search.services import index_object, remove_object

logger = logging.getLogger(__name__)

ITEM_FIELDS = {
    "title",
    "description",
    "municipality",
    "network",
    "background",
    "what_was_done",
    "results",
    "contact_person",
    "period_start",
    "period_end",
}
PROJECT_ONLY_FIELDS = {
    "background",
    "what_was_done",
    "results",
    "contact_person",
    "period_start",
    "period_end",
}
ALLOWED_URL_SCHEMES = ("http", "https")
# A scheme is letters before a colon; "intranet.example:8080/x" has a port, not a scheme.
SCHEME_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*:(?!\d)", re.IGNORECASE)


def clean_url(raw: str) -> str:
    """Return a web address that is safe to link to, or raise ValidationError.

    Only http and https are accepted. An address without a scheme is rejected with the
    https form suggested, rather than guessed, so that what is stored is what was typed.
    """
    url = (raw or "").strip()
    if not url:
        raise ValidationError(_("Write the web address."))
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(
            _("The web address can be at most %(limit)d characters long.")
            % {"limit": URL_MAX_LENGTH}
        )
    if any(ord(char) < 32 or ord(char) == 127 for char in url):
        raise ValidationError(_("The web address contains control characters."))
    scheme = urlsplit(url).scheme.lower() if SCHEME_PATTERN.match(url) else ""
    if not scheme:
        raise ValidationError(
            _("The web address must start with https:// or http://, for example https://%(url)s.")
            % {"url": url[:100]}
        )
    if scheme not in ALLOWED_URL_SCHEMES:
        raise ValidationError(
            _("Only web addresses that start with https:// or http:// can be shared.")
        )
    if urlsplit(url).username is not None:
        raise ValidationError(_("The web address must not contain a user name or password."))
    try:
        URLValidator(schemes=list(ALLOWED_URL_SCHEMES))(url)
    except ValidationError:
        raise ValidationError(
            _("“%(url)s” is not a valid web address.") % {"url": url[:100]}
        ) from None
    return url


def _clean_item_text(*, kind: str, title: str, description: str) -> str:
    title = " ".join((title or "").split())
    errors = {}
    if not title:
        errors["title"] = _("Write a title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("The title can be at most %(limit)d characters long.") % {
            "limit": TITLE_MAX_LENGTH
        }
    if kind == Item.Kind.TIP and not (description or "").strip():
        errors["description"] = _("Write the tip.")
    if errors:
        raise ValidationError(errors)
    return title


def can_edit(item: Item, user) -> bool:
    return item.author_id is not None and item.author_id == user.pk


def _check_network(network, user) -> None:
    """Only active members of a network may share items in it."""
    if network is None:
        return
    is_member = Membership.objects.filter(
        network=network, user=user, status=Membership.Status.ACTIVE
    ).exists()
    if not is_member:
        raise ValidationError({"network": _("You can share only in networks you are a member of.")})


def item_create(
    *,
    author,
    kind: str,
    title: str,
    description: str = "",
    competences=(),
    municipality=None,
    network=None,
    uploads=(),
    links=(),
    municipalities_involved=(),
    **project_fields,
) -> Item:
    """Create an item with its files and links.

    `links` is a sequence of (url, title). A file item needs at least one upload and a
    link item one link. Files are checked first, written to storage next and removed again
    when the database rows cannot be stored.
    """
    if kind not in Item.Kind.values:
        raise ValidationError(_("Choose what kind of item to share."))
    unknown = set(project_fields) - PROJECT_ONLY_FIELDS
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    title = _clean_item_text(kind=kind, title=title, description=description)
    uploads = [upload for upload in uploads if upload is not None]
    if kind == Item.Kind.FILE and not uploads:
        raise ValidationError({"upload": _("Choose a file to upload.")})
    if kind == Item.Kind.LINK and not links:
        raise ValidationError({"url": _("Write the web address.")})
    if kind not in (Item.Kind.FILE, Item.Kind.PROJECT) and uploads:
        raise ValidationError(_("Only file and project items have files."))
    if kind != Item.Kind.PROJECT and project_fields:
        project_fields = {}
    cleaned_links = [
        (clean_url(url), " ".join((link_title or "").split())) for url, link_title in links
    ]
    _check_network(network, author)
    checked = []
    for upload in uploads:
        try:
            checked.append(files.check_upload(upload))
        except ValidationError as error:
            raise ValidationError({"upload": error.messages}) from None

    item = Item(
        kind=kind,
        title=title,
        description=description,
        municipality=municipality,
        network=network,
        author=author,
        **project_fields,
    )
    item.full_clean(exclude=["author", "contact_person"])
    written: list[str] = []
    try:
        for one in checked:
            written.append(files.save_checked(one))
        with transaction.atomic():
            item.save()
            item.competences.set(competences)
            if kind == Item.Kind.PROJECT:
                item.municipalities_involved.set(municipalities_involved)
            for one, storage_name in zip(checked, written, strict=True):
                item_file = ItemFile.objects.create(item=item)
                FileVersion.objects.create(
                    item_file=item_file,
                    number=1,
                    **files.stored_file_fields(one, storage_name, by=author),
                )
            Link.objects.bulk_create(
                [Link(item=item, url=url, title=link_title) for url, link_title in cleaned_links]
            )
            audit_record(action="library.item_create", actor=author, target=item, item_id=item.pk)
            index_object(item)
    except Exception:
        for storage_name in written:
            files.delete_stored(storage_name)
        raise
    return item


@transaction.atomic
def item_update(
    *,
    item: Item,
    by,
    title: str,
    description: str = "",
    competences=(),
    municipalities_involved=None,
    **fields,
) -> Item:
    """Change the texts and tags of one's own item; its kind, files and links stay."""
    if not can_edit(item, by):
        raise PermissionDenied("author")
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")
    item.title = _clean_item_text(kind=item.kind, title=title, description=description)
    item.description = description
    if "network" in fields and fields["network"] != item.network:
        _check_network(fields["network"], by)
    for name, value in fields.items():
        if item.kind == Item.Kind.PROJECT or name not in PROJECT_ONLY_FIELDS:
            setattr(item, name, value)
    item.full_clean(exclude=["author", "contact_person"])
    item.save()
    item.competences.set(competences)
    if item.kind == Item.Kind.PROJECT and municipalities_involved is not None:
        item.municipalities_involved.set(municipalities_involved)
    index_object(item)
    return item


def item_delete(*, item: Item, by) -> None:
    """Delete one's own item for good, with its comments, marks, links and every file version.

    The stored files are deleted after the commit, so a rollback keeps them.
    """
    if not can_edit(item, by):
        raise PermissionDenied("author")
    with transaction.atomic():
        storage_names = list(
            FileVersion.objects.filter(item_file__item=item).values_list("storage_name", flat=True)
        )
        audit_record(
            action="library.item_delete",
            actor=by,
            target=item,
            item_id=item.pk,
            files=len(storage_names),
        )
        remove_object(item)
        item.delete()

        def delete_files():
            for name in storage_names:
                files.delete_stored(name)

        transaction.on_commit(delete_files)


def _store_version(*, upload, by, create_rows) -> object:
    """Check `upload`, write it, then call create_rows(fields) inside a transaction.

    The written file is deleted when create_rows raises.
    """
    # NOTE: a caller's outer transaction that rolls back after this returns leaves the
    # file in storage; the views call the services outside any transaction.
    try:
        checked = files.check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from None
    storage_name = files.save_checked(checked)
    try:
        with transaction.atomic():
            return create_rows(files.stored_file_fields(checked, storage_name, by=by))
    except Exception:
        files.delete_stored(storage_name)
        raise


def file_add(*, item: Item, by, upload) -> FileVersion:
    """Add a new document to one's own file or project item."""
    if not can_edit(item, by):
        raise PermissionDenied("author")
    if not item.takes_files:
        raise ValidationError(_("Only file and project items have files."))

    def create_rows(fields):
        item_file = ItemFile.objects.create(item=item)
        version = FileVersion.objects.create(item_file=item_file, number=1, **fields)
        Item.objects.filter(pk=item.pk).update(updated_at=fields["uploaded_at"])
        audit_record(action="library.file_add", actor=by, target=item, version_id=version.pk)
        return version

    return _store_version(upload=upload, by=by, create_rows=create_rows)


def version_add(*, item_file: ItemFile, by, upload) -> FileVersion:
    """Upload a new version of a document; the earlier versions stay downloadable."""
    item = item_file.item
    if not can_edit(item, by):
        raise PermissionDenied("author")

    def create_rows(fields):
        # The lock makes two uploads at once get different numbers.
        ItemFile.objects.select_for_update().get(pk=item_file.pk)
        latest = item_file.versions.aggregate(latest=Max("number"))["latest"] or 0
        version = FileVersion.objects.create(item_file=item_file, number=latest + 1, **fields)
        Item.objects.filter(pk=item.pk).update(updated_at=fields["uploaded_at"])
        audit_record(
            action="library.version_add",
            actor=by,
            target=item,
            version_id=version.pk,
            number=version.number,
        )
        return version

    return _store_version(upload=upload, by=by, create_rows=create_rows)


@transaction.atomic
def link_add(*, item: Item, by, url: str, title: str = "") -> Link:
    if not can_edit(item, by):
        raise PermissionDenied("author")
    if not item.takes_links:
        raise ValidationError(_("Only link and project items have links."))
    try:
        url = clean_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from None
    return Link.objects.create(item=item, url=url, title=" ".join((title or "").split()))


@transaction.atomic
def comment_add(*, item: Item, author, body: str) -> Comment:
    if not (body or "").strip():
        raise ValidationError({"body": _("Write something in the comment.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": _("The comment can be at most %(limit)d characters long.")
                % {"limit": COMMENT_MAX_LENGTH}
            }
        )
    comment = Comment.objects.create(item=item, author=author, body=body)
    Item.objects.filter(pk=item.pk).update(comment_count=F("comment_count") + 1)
    return comment


@transaction.atomic
def useful_toggle(*, item: Item, user, marked: bool | None = None) -> bool:
    """Mark `item` as useful or take the mark back; return whether the user now marks it.

    With `marked` given, the call sets that state, so a repeated or replayed request
    changes nothing more; without it, the mark is toggled.
    """
    if item.author_id == user.pk:
        raise ValidationError(_("You cannot mark your own item as useful."))
    exists = UsefulMark.objects.filter(item=item, user=user).exists()
    requested_state = (not exists) if marked is None else marked
    if requested_state == exists:
        return exists
    if not requested_state:
        removed, _details = UsefulMark.objects.filter(item=item, user=user).delete()
        if removed:
            Item.objects.filter(pk=item.pk, useful_count__gt=0).update(
                useful_count=F("useful_count") - 1
            )
        return False
    try:
        with transaction.atomic():
            UsefulMark.objects.create(item=item, user=user)
    except IntegrityError:
        # Another request stored the same mark a moment ago.
        return True
    Item.objects.filter(pk=item.pk).update(useful_count=F("useful_count") + 1)
    return True


def is_convener(meeting, user) -> bool:
    return Membership.objects.filter(
        network_id=meeting.network_id,
        user=user,
        role=Membership.Role.CONVENER,
        status=Membership.Status.ACTIVE,
    ).exists()


def attachment_add(*, meeting, by, upload) -> MeetingAttachment:
    """Attach an agenda document or presentation to a meeting; conveners only."""
    if not is_convener(meeting, by):
        raise PermissionDenied("convener")

    def create_rows(fields):
        attachment = MeetingAttachment.objects.create(meeting=meeting, **fields)
        audit_record(
            action="meeting.attachment_add",
            actor=by,
            target=meeting,
            attachment_id=attachment.pk,
        )
        return attachment

    return _store_version(upload=upload, by=by, create_rows=create_rows)


def attachment_delete(*, attachment: MeetingAttachment, by) -> None:
    meeting = attachment.meeting
    if not is_convener(meeting, by):
        raise PermissionDenied("convener")
    storage_name = attachment.storage_name
    with transaction.atomic():
        audit_record(
            action="meeting.attachment_delete",
            actor=by,
            target=meeting,
            attachment_id=attachment.pk,
        )
        attachment.delete()
        transaction.on_commit(lambda: files.delete_stored(storage_name))
