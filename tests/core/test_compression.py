"""Pages are compressed with ISA-L, with the header padded against BREACH as Django does."""

import gzip

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from genbo.core.compression import GZipMiddleware, accepts_gzip, compress

PAGE = ("<p>Välkommen till GENBO, nätverken i Familjen Helsingborg.</p>\n" * 200).encode()


def respond(response, *, accept: str = "gzip, deflate, br"):
    request = RequestFactory().get("/", headers={"accept-encoding": accept})
    return GZipMiddleware(lambda request: response)(request)


def test_page_is_compressed():
    response = respond(HttpResponse(PAGE))

    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == PAGE


def test_length_matches_compressed_body():
    response = respond(HttpResponse(PAGE))

    assert response.headers["Content-Length"] == str(len(response.content))


def test_vary_names_accept_encoding():
    response = respond(HttpResponse(PAGE))

    assert "Accept-Encoding" in response.headers["Vary"]


def test_header_carries_a_padding_name():
    compressed = compress(PAGE, max_padding=100)

    assert compressed[3] == gzip.FNAME
    assert gzip.decompress(compressed) == PAGE


def test_padding_length_varies():
    lengths = {len(compress(PAGE, max_padding=100)) for _ in range(20)}

    assert len(lengths) > 1


def test_short_response_is_left_alone():
    response = respond(HttpResponse(b"ok"))

    assert response.content == b"ok"


def test_client_without_gzip_gets_plain_page():
    response = respond(HttpResponse(PAGE), accept="identity")

    assert response.content == PAGE


def test_encoded_response_is_left_alone():
    original = HttpResponse(PAGE, headers={"Content-Encoding": "br"})

    response = respond(original)

    assert response.content == PAGE


def test_strong_etag_becomes_weak():
    response = respond(HttpResponse(PAGE, headers={"ETag": '"v1"'}))

    assert response.headers["ETag"] == 'W/"v1"'


def test_streamed_response_is_compressed():
    response = respond(StreamingHttpResponse(iter([PAGE, PAGE])))

    assert gzip.decompress(b"".join(response.streaming_content)) == PAGE + PAGE


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [
        ("gzip, deflate, br", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("gzip;q=0.5", True),
        ("br, *", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000, br", False),
        ("*;q=0", False),
        ("gzip;q=many", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding_parsing(accept_encoding, expected):
    assert accepts_gzip(accept_encoding) is expected


def test_client_refusing_gzip_gets_plain_page():
    response = respond(HttpResponse(PAGE), accept="gzip;q=0, identity")

    assert response.content == PAGE


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/zip"])
def test_compressed_types_are_left_alone(content_type):
    response = respond(HttpResponse(PAGE, content_type=content_type))

    assert response.content == PAGE


def test_streamed_zip_file_is_left_alone():
    response = respond(StreamingHttpResponse(iter([PAGE]), content_type="application/zip"))

    assert b"".join(response.streaming_content) == PAGE


@pytest.mark.parametrize(
    "content_type", ["text/calendar; charset=utf-8", "application/json", "application/ld+json"]
)
def test_text_types_are_compressed(content_type):
    response = respond(HttpResponse(PAGE, content_type=content_type))

    assert gzip.decompress(response.content) == PAGE


def test_streamed_file_uppercase_gzip():
    response = respond(StreamingHttpResponse(iter([PAGE])), accept="GZIP")

    assert gzip.decompress(b"".join(response.streaming_content)) == PAGE


def test_short_streamed_file_is_left_alone():
    streamed = StreamingHttpResponse(iter([b"ok"]), headers={"Content-Length": "2"})

    response = respond(streamed)

    assert b"".join(response.streaming_content) == b"ok"
