"""Files and items for the Idébiblioteket tests: real bytes of each accepted kind."""

import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from genbo.library import services
from genbo.library.models import Item
from tests.helpers import image_bytes

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
CSV_BYTES = "kommun;antal\nHöganäs;12\nÅstorp;7\n".encode()
# The first bytes of a Windows program (the "MZ" DOS header).
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
SVG_BYTES = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def docx_bytes() -> bytes:
    """Return a minimal Office Open XML word-processing document."""
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return output.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def png_bytes() -> bytes:
    return image_bytes(width=4, height=4)


@pytest.fixture
def library(employee, member, convener, closed_network, open_network):
    """Items of each access: a public file item by the employee, an open network's link
    item by the convener, and a closed network's file item by the member, with a comment.
    """
    public = services.item_create(
        author=employee,
        kind=Item.Kind.FILE,
        title="Mall för introduktion",
        description="En mall som alla kan använda.",
        uploads=[upload("Introduktion för nyanställda på Höganäs.pdf", PDF_BYTES)],
    )
    open_link = services.item_create(
        author=convener,
        kind=Item.Kind.LINK,
        title="Bra länk om rekrytering",
        network=open_network,
        links=[("https://www.example.se/rekrytering", "Rekrytering")],
    )
    closed = services.item_create(
        author=member,
        kind=Item.Kind.FILE,
        title="Hemlig handlingsplan för omorganisationen",
        network=closed_network,
        uploads=[upload("handlingsplan.csv", CSV_BYTES)],
    )
    services.comment_add(item=closed, author=member, body="Hemlig kommentar om budgeten")
    public_version = public.files.get().versions.get()
    closed_file = closed.files.get()
    return SimpleNamespace(
        public=public,
        public_file=public.files.get(),
        public_version=public_version,
        open_link=open_link,
        closed=closed,
        closed_file=closed_file,
        closed_version=closed_file.versions.get(),
    )
