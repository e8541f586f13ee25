"""Files on S3-compatible storage: moto's server on 127.0.0.1, django-storages' S3 backend.

The server is started by the module fixture on a free port and stopped after. Without
moto the tests are skipped (GENBO_REQUIRE_ALL=1 in CI turns a skip into a failure).
"""

import os
import socket
import subprocess
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from genbo.library.models import FileVersion
from tests.library.conftest import PDF_BYTES

BUCKET = "genbo-test"
START_TIMEOUT_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    pytest.importorskip("moto.server", reason="moto[server] is not installed")
    boto3 = pytest.importorskip("boto3", reason="boto3 is not installed")
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"},
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto's server did not start on port {port}")
                time.sleep(0.1)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            region_name="eu-north-1",
        )
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        yield endpoint, client
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    endpoint, client = s3_endpoint
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "eu-north-1",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    return client


def _object_keys(client) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix="library/")
    return sorted(entry["Key"] for entry in listing.get("Contents", []))


@pytest.mark.django_db
def test_s3_round_trip(client, s3_storage, employee, member, settings):
    before = _object_keys(s3_storage)
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["file"]),
        {"title": "På S3", "upload": SimpleUploadedFile("Rapport från Åstorp.pdf", PDF_BYTES)},
    )

    assert response.status_code == 302
    version = FileVersion.objects.get()
    assert _object_keys(s3_storage) == sorted([*before, version.storage_name])
    stored = s3_storage.get_object(Bucket=BUCKET, Key=version.storage_name)["Body"].read()
    assert stored == PDF_BYTES

    download = client.get(reverse("library:download", args=[version.pk]))

    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in download


@pytest.mark.django_db
def test_s3_rejected_upload_writes_nothing(client, s3_storage, employee):
    before = _object_keys(s3_storage)
    client.force_login(employee)

    response = client.post(
        reverse("library:create", args=["file"]),
        {"title": "Program", "upload": SimpleUploadedFile("a.exe", b"MZ" + b"\x00" * 64)},
    )

    assert response.status_code == 200
    assert _object_keys(s3_storage) == before
