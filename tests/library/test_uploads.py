"""Uploads and downloads through real multipart requests: kinds, names, limits, headers.

Every bad input is rejected with a message next to the file field, and leaves nothing in
storage. Downloads carry nosniff, an RFC 5987 file name, and `attachment` for everything
but images and PDF.
"""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from genbo.library import files, services
from genbo.library.models import FileVersion, Item, Link
from tests.helpers import field_block, in_swedish_start
from tests.library.conftest import (
    CSV_BYTES,
    EXE_BYTES,
    HTML_BYTES,
    PDF_BYTES,
    SVG_BYTES,
    docx_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "library"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def _share_file(client, name: str, data: bytes, **fields):
    form = {"title": "Delat dokument", "description": "", "competences": "", **fields}
    form["upload"] = SimpleUploadedFile(name, data)
    return client.post(reverse("library:create", args=["file"]), form)


GOOD_FILES = [
    ("Årsrapport för Höganäs.pdf", PDF_BYTES, "application/pdf"),
    ("antal.csv", CSV_BYTES, "text/csv; charset=utf-8"),
    ("bild.png", png_bytes(), "image/png"),
    ("mall.docx", docx_bytes(), files.KINDS["docx"].content_type),
    (
        "anteckningar.md",
        "# Rubrik\n\nText med å, ä och ö.\n".encode(),
        "text/markdown; charset=utf-8",
    ),
    ("utan-ändelse", b"bara text\n", "text/plain; charset=utf-8"),
]


@pytest.mark.parametrize(
    ("name", "data", "content_type"), GOOD_FILES, ids=[g[0] for g in GOOD_FILES]
)
def test_upload_stores_file_by_content(client, settings, employee, name, data, content_type):
    client.force_login(employee)

    response = _share_file(client, name, data)

    assert response.status_code == 302
    version = FileVersion.objects.get()
    assert version.original_name == name
    assert version.content_type == content_type
    assert version.size == len(data)
    assert version.storage_name.startswith("library/")
    assert name not in version.storage_name
    assert [path.read_bytes() for path in _stored_files(settings)] == [data]


# (case, file name, bytes, the start of the expected message)
BAD_FILES = [
    ("empty", "tom.pdf", b"", "The file “%(name)s” is empty."),
    ("pdf-named-html", "rapport.pdf.html", PDF_BYTES, "The file name ends in .%(extension)s"),
    ("exe", "program.exe", EXE_BYTES, "Programs and scripts cannot be uploaded."),
    ("exe-named-pdf", "faktura.pdf", EXE_BYTES, "Programs and scripts cannot be uploaded."),
    ("svg-script", "logga.svg", SVG_BYTES, "HTML, SVG and XML files cannot be uploaded"),
    ("html", "sida.txt", HTML_BYTES, "HTML, SVG and XML files cannot be uploaded"),
    ("long-name", "a" * 296 + ".pdf", PDF_BYTES, "The file name is %(length)d characters long"),
    ("binary", "data.bin", bytes(range(256)) * 4, "GENBO could not tell what kind of file"),
]


@pytest.mark.parametrize(
    ("case", "name", "data", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_upload_rejected_next_to_field(client, settings, employee, case, name, data, message):
    client.force_login(employee)

    response = _share_file(client, name, data, title="Mitt dokument")

    assert response.status_code == 200
    block = field_block(response.content.decode(), "upload")
    expected_start = in_swedish_start(message, escape_html=True)
    assert expected_start in block
    assert 'value="Mitt dokument"' in response.content.decode()
    assert Item.objects.count() == 0
    assert _stored_files(settings) == []


def test_name_with_path_stored_by_base_name(client, settings, employee):
    # Django's multipart parser keeps only the last part of a path, so the name is harmless.
    client.force_login(employee)

    _share_file(client, "../../etc/passwd", b"root:x:0:0\n")

    assert FileVersion.objects.get().original_name == "passwd"
    assert all(path.name != "passwd" for path in _stored_files(settings))


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "mapp/fil.pdf", "mapp\\fil.pdf", "fil\x00.pdf", "..", "a" * 201 + ".pdf"],
)
def test_unsafe_name_rejected_by_check(name):
    # UploadedFile itself drops the path, so the name check is called on the raw name.
    with pytest.raises(ValidationError):
        files.clean_file_name(name)


def test_name_keeps_swedish_letters_nfc():
    decomposed = "A\u030arsrapport.pdf"  # "Å" as A and a combining ring, as macOS sends it.

    checked = files.check_upload(SimpleUploadedFile(decomposed, PDF_BYTES))

    assert checked.original_name == "Årsrapport.pdf"


def test_macro_document_rejected():
    import io
    import zipfile

    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override ContentType="application/'
            'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<document/>")

    with pytest.raises(ValidationError):
        files.check_upload(SimpleUploadedFile("mall.docx", output.getvalue()))


def test_upload_over_limit_stopped_early(client, settings, employee):
    settings.GENBO_UPLOAD_MAX_BYTES = 1000
    client.force_login(employee)

    response = _share_file(client, "stor.csv", b"a;b\n" * 400_000, title="Stor fil")

    assert response.status_code == 200
    block = field_block(response.content.decode(), "upload")
    with translation.override(settings.LANGUAGE_CODE):
        expected = escape(files.too_large_message())
    assert expected in block
    assert Item.objects.count() == 0
    assert _stored_files(settings) == []


def test_size_handler_stops_before_reading_all(rf, settings):
    settings.GENBO_UPLOAD_MAX_BYTES = 10
    request = rf.post("/", {"upload": SimpleUploadedFile("a.txt", b"x" * 100)})
    handler = files.SizeLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 50, b"boundary")

    handler.new_file("upload", "a.txt", "text/plain", 100)
    handler.receive_data_chunk(b"x" * 10, 0)
    with pytest.raises(files.StopUpload):
        handler.receive_data_chunk(b"x", 10)

    assert request.upload_too_large is True


def test_too_large_request_stopped_at_first_file(rf, settings):
    settings.GENBO_UPLOAD_MAX_BYTES = 10
    request = rf.post("/")
    handler = files.SizeLimitUploadHandler(request)
    handler.handle_raw_input(None, {}, 10 + files.MULTIPART_OVERHEAD_BYTES + 1, b"boundary")

    with pytest.raises(files.StopUpload):
        handler.new_file("upload", "a.txt", "text/plain", None)


def test_failed_database_insert_leaves_storage_clean(settings, employee, monkeypatch):
    def failing_create(*args, **kwargs):
        raise IntegrityError("simulated failure")

    monkeypatch.setattr(FileVersion.objects, "create", failing_create)

    with pytest.raises(IntegrityError):
        services.item_create(
            author=employee,
            kind="file",
            title="Dokument",
            uploads=[upload("rapport.pdf", PDF_BYTES)],
        )

    assert _stored_files(settings) == []
    assert Item.objects.count() == 0


def test_failed_storage_write_leaves_storage_clean(settings, employee, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    original_save = FileSystemStorage._save

    def half_write(storage, name, content):
        original_save(storage, name, SimpleUploadedFile("x", b"%PDF-half"))
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", half_write)

    with pytest.raises(OSError):
        services.item_create(
            author=employee, kind="file", title="Dokument", uploads=[upload("a.pdf", PDF_BYTES)]
        )

    assert _stored_files(settings) == []


def test_new_version_keeps_old(client, settings, library, employee):
    client.force_login(employee)
    url = reverse("library:version_add", args=[library.public_file.pk])

    response = client.post(
        url, {"upload": SimpleUploadedFile("Introduktion v2.pdf", PDF_BYTES + b"%v2")}
    )

    assert response.status_code == 302
    versions = list(library.public_file.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert len(_stored_files(settings)) == 3  # two versions plus the closed item's file
    page = client.get(library.public.get_absolute_url()).content.decode()
    assert "Introduktion v2.pdf" in page
    assert reverse("library:download", args=[versions[0].pk]) in page
    old = client.get(reverse("library:download", args=[versions[0].pk]))
    assert b"".join(old.streaming_content) == PDF_BYTES


def test_delete_removes_files_after_commit(
    client, settings, library, employee, django_capture_on_commit_callbacks
):
    client.force_login(employee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("library:delete", args=[library.public.pk]))

    assert response.status_code == 302
    assert not Item.objects.filter(pk=library.public.pk).exists()
    assert len(_stored_files(settings)) == 1  # only the closed item's file is left


# Downloads.


def test_download_headers_for_pdf_inline(client, library, employee):
    client.force_login(employee)

    response = client.get(reverse("library:download", args=[library.public_version.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"] == (
        "inline; filename*=utf-8''Introduktion%20f%C3%B6r%20nyanst%C3%A4llda"
        "%20p%C3%A5%20H%C3%B6gan%C3%A4s.pdf"
    )
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_of_text_is_attachment(client, library, member):
    client.force_login(member)

    response = client.get(reverse("library:download", args=[library.closed_version.pk]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="handlingsplan.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_download_through_x_accel_redirect(client, settings, library, employee):
    settings.GENBO_X_ACCEL_REDIRECT_PREFIX = "/protected-media/"
    client.force_login(employee)

    response = client.get(reverse("library:download", args=[library.public_version.pk]))

    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == (
        "/protected-media/" + library.public_version.storage_name
    )
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_anonymous_download_goes_to_sign_in(client, library):
    response = client.get(reverse("library:download", args=[library.public_version.pk]))

    assert response.status_code == 302


# Links.

BAD_LINKS = [
    ("javascript", "javascript:alert(1)", "Only web addresses that start with https://"),
    ("data", "data:text/html,<script>alert(1)</script>", "Only web addresses that start with"),
    ("file", "file:///etc/passwd", "Only web addresses that start with https://"),
    ("no-scheme", "www.helsingborg.se/jobb", "The web address must start with https://"),
    ("credentials", "https://anna:hemligt@example.se/", "The web address must not contain"),
    ("invalid", "https://", "“%(url)s” is not a valid web address."),
]


@pytest.mark.parametrize(("case", "url", "message"), BAD_LINKS, ids=[b[0] for b in BAD_LINKS])
def test_bad_link_rejected(client, employee, case, url, message):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["link"]),
        {"title": "Länk", "url": url, "link_title": "", "competences": ""},
    )

    assert response.status_code == 200
    block = field_block(response.content.decode(), "url")
    assert in_swedish_start(message, escape_html=True) in block
    assert Link.objects.count() == 0


def test_link_rendered_without_referrer(client, employee):
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["link"]),
        {"title": "Länk", "url": "https://www.example.se/a?b=1", "link_title": "Exempel"},
    )
    page = client.get(response.url).content.decode()

    assert (
        '<a href="https://www.example.se/a?b=1" rel="noopener noreferrer nofollow">Exempel</a>'
        in page
    )


def test_upload_without_csrf_token_rejected(employee, settings):
    # The upload views are exempt from the middleware and protected again in the view.
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(employee)

    response = _share_file(client, "rapport.pdf", PDF_BYTES)

    assert response.status_code == 403
    assert Item.objects.count() == 0
    assert _stored_files(settings) == []
