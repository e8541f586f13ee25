"""Checks and storage of uploaded files, shared by library items and meeting attachments.

The kind of a file is read from its content (magic bytes), never from its name. Only the
kinds in KINDS are accepted. HTML, SVG, XML, JavaScript and programs are rejected outright,
so nothing that a browser could run is ever stored. Names keep å, ä and ö for display; in
storage a file gets a random name under library/<yyyy>/<mm>/.
"""

import codecs
import hashlib
import logging
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from genbo.library.models import FILE_NAME_MAX_LENGTH

logger = logging.getLogger(__name__)

HEAD_BYTES = 4096
CHUNK_BYTES = 64 * 1024
# Room for the other form fields of a multipart request besides the file itself.
MULTIPART_OVERHEAD_BYTES = 256 * 1024
# A [Content_Types].xml larger than this is not an Office document that people write.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Kind:
    content_type: str
    label: str
    extensions: tuple[str, ...]
    # Images and PDF may open in the browser; everything else is always downloaded.
    inline: bool = False


KINDS = {
    "pdf": Kind("application/pdf", "PDF", ("pdf",), inline=True),
    "png": Kind("image/png", "PNG", ("png",), inline=True),
    "jpeg": Kind("image/jpeg", "JPEG", ("jpg", "jpeg"), inline=True),
    "gif": Kind("image/gif", "GIF", ("gif",), inline=True),
    "webp": Kind("image/webp", "WebP", ("webp",), inline=True),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
        ("docx",),
    ),
    "xlsx": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel", ("xlsx",)
    ),
    "pptx": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint",
        ("pptx",),
    ),
    "odt": Kind("application/vnd.oasis.opendocument.text", "OpenDocument text", ("odt",)),
    "ods": Kind(
        "application/vnd.oasis.opendocument.spreadsheet", "OpenDocument spreadsheet", ("ods",)
    ),
    "odp": Kind(
        "application/vnd.oasis.opendocument.presentation", "OpenDocument presentation", ("odp",)
    ),
    "zip": Kind("application/zip", "ZIP", ("zip",)),
    "csv": Kind("text/csv; charset=utf-8", "CSV", ("csv", "tsv")),
    "markdown": Kind("text/markdown; charset=utf-8", "Markdown", ("md", "markdown")),
    "text": Kind("text/plain; charset=utf-8", "text", ("txt", "text", "log")),
}
TEXT_KINDS = {"csv", "markdown", "text"}
TEXT_EXTENSIONS = {ext: key for key in TEXT_KINDS for ext in KINDS[key].extensions}
OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}
ODF_TYPES = {KINDS[key].content_type: key for key in ("odt", "ods", "odp")}
PROGRAM_SIGNATURES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
MARKUP_MARKERS = (b"<!doctype", b"<html", b"<svg", b"<?xml", b"<script", b"<body", b"<iframe")


def max_upload_bytes() -> int:
    return settings.GENBO_UPLOAD_MAX_BYTES


def too_large_message() -> str:
    return _("The file is larger than %(limit)s, the largest size GENBO accepts.") % {
        "limit": filesizeformat(max_upload_bytes())
    }


def accepted_kinds_text() -> str:
    return _(
        "GENBO accepts PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, WebP, "
        "ZIP and plain text (such as CSV and Markdown)."
    )


def clean_file_name(name: str) -> str:
    """Return the display name of an upload, or raise ValidationError.

    The name is normalised to NFC so that å, ä and ö compare equal however the browser
    composed them. Path separators, control characters (NUL among them) and the names
    "." and ".." are rejected rather than stripped, so that the name shown is the name sent.
    """
    name = unicodedata.normalize("NFC", name or "").strip()
    if not name:
        raise ValidationError(_("The file has no name. Give it a name and upload it again."))
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise ValidationError(
            _("The file name “%(name)s” contains a path. Upload the file by its name alone.")
            % {"name": name[:60]}
        )
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise ValidationError(
            _("The file name contains control characters. Rename the file and upload it again.")
        )
    if len(name) > FILE_NAME_MAX_LENGTH:
        raise ValidationError(
            _(
                "The file name is %(length)d characters long; it can be at most %(limit)d. "
                "Rename the file and upload it again."
            )
            % {"length": len(name), "limit": FILE_NAME_MAX_LENGTH}
        )
    return name


def _extension(name: str) -> str:
    suffix = PurePosixPath(name).suffix
    return suffix[1:].lower() if suffix else ""


def _read_head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head


def _zip_kind(upload) -> str:
    """Return "docx", "xlsx", "pptx", "odt", "ods", "odp" or "zip" for a ZIP archive."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return ODF_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > MAX_CONTENT_TYPES_BYTES:
                    raise ValidationError(_("The Office document could not be read."))
                content_types = archive.read(info).lower()
                if b"macroenabled" in content_types:
                    raise ValidationError(
                        _("Documents with macros cannot be uploaded. Save one without macros.")
                    )
                for folder, key in OOXML_FOLDERS.items():
                    if any(name.startswith(folder) for name in names):
                        return key
            return "zip"
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ValidationError(_("The ZIP archive or Office document is damaged.")) from None
    finally:
        upload.seek(0)


def _is_utf8_text(upload) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    upload.seek(0)
    try:
        for chunk in iter(lambda: upload.read(CHUNK_BYTES), b""):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        upload.seek(0)
    return True


def _text_kind(upload, head: bytes, name: str) -> str:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(b"<") or any(marker in lowered for marker in MARKUP_MARKERS):
        raise ValidationError(
            _("HTML, SVG and XML files cannot be uploaded, because a browser could run them.")
        )
    if lowered.startswith(b"#!"):
        raise ValidationError(_("Programs and scripts cannot be uploaded."))
    if not _is_utf8_text(upload):
        raise ValidationError(
            _("GENBO could not tell what kind of file this is.") + " " + accepted_kinds_text()
        )
    return TEXT_EXTENSIONS.get(_extension(name), "text")


def detect_kind(upload, name: str) -> str:
    """Return the key in KINDS of the file's content, or raise ValidationError."""
    head = _read_head(upload)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if head.startswith(PROGRAM_SIGNATURES):
        raise ValidationError(_("Programs and scripts cannot be uploaded."))
    return _text_kind(upload, head, name)


def _check_extension(name: str, key: str) -> None:
    """Reject a name whose extension contradicts the content ("rapport.pdf.html" with a PDF).

    A name without an extension is accepted, and the download carries the detected type.
    """
    extension = _extension(name)
    kind = KINDS[key]
    if not extension or extension in kind.extensions:
        return
    if key in TEXT_KINDS and extension in TEXT_EXTENSIONS:
        return
    raise ValidationError(
        _(
            "The file name ends in .%(extension)s, but the content is %(kind)s. "
            "Rename the file so that it ends in .%(expected)s."
        )
        % {"extension": extension, "kind": kind.label, "expected": kind.extensions[0]}
    )


@dataclass
class CheckedUpload:
    upload: object
    original_name: str
    kind_key: str
    size: int
    sha256: str

    @property
    def kind(self) -> Kind:
        return KINDS[self.kind_key]

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def check_upload(upload) -> CheckedUpload:
    """Check name, size and kind of an uploaded file; raise ValidationError with the reason."""
    if upload is None:
        raise ValidationError(_("Choose a file to upload."))
    name = clean_file_name(upload.name)
    if upload.size == 0:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name})
    if upload.size > max_upload_bytes():
        raise ValidationError(too_large_message())
    key = detect_kind(upload, name)
    _check_extension(name, key)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(CHUNK_BYTES), b""):
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        upload=upload, original_name=name, kind_key=key, size=upload.size, sha256=digest.hexdigest()
    )


def new_storage_name(checked: CheckedUpload) -> str:
    now = timezone.localtime()
    return f"library/{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{checked.kind.extensions[0]}"


def save_checked(checked: CheckedUpload) -> str:
    """Write a checked upload to storage and return its storage name.

    When the write fails halfway, whatever was written is deleted before the error goes on.
    """
    name = new_storage_name(checked)
    checked.upload.seek(0)
    try:
        return default_storage.save(name, checked.upload, max_length=300)
    except Exception:
        delete_stored(name)
        raise


def delete_stored(name: str) -> None:
    """Delete a file from storage, logging rather than raising when that fails."""
    try:
        if default_storage.exists(name):
            default_storage.delete(name)
    except Exception:
        logger.exception("Deleting %s from storage failed", name)


def stored_file_fields(checked: CheckedUpload, storage_name: str, *, by) -> dict:
    return {
        "original_name": checked.original_name,
        "storage_name": storage_name,
        "size": checked.size,
        "content_type": checked.content_type,
        "sha256": checked.sha256,
        "uploaded_by": by,
        "uploaded_at": timezone.now(),
    }


def is_inline(content_type: str) -> bool:
    return any(kind.inline and kind.content_type == content_type for kind in KINDS.values())


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as a file passes GENBO_UPLOAD_MAX_BYTES.

    A request whose Content-Length is already over the limit is stopped at its first
    file. Django then reads and discards the rest of the body in chunks, so nothing of
    it is kept in memory or in a temporary file. The view sees `request.upload_too_large`
    and shows the limit next to the file field.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.received = 0
        self.request_too_large = False
        request.upload_too_large = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request_too_large = content_length > self.limit + MULTIPART_OVERHEAD_BYTES
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_too_large:
            self._stop()

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _stop(self):
        self.request.upload_too_large = True
        raise StopUpload(connection_reset=False)


def read_uploads_with_limit(request) -> None:
    """Put SizeLimitUploadHandler first; call before request.POST or request.FILES is read."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request))
