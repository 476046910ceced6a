"""Media in an S3 bucket (METROSCOPE_S3_*): every file the site keeps or serves goes through the
storage API, tested against moto's S3 server, started here on a free port of 127.0.0.1 (real
HTTP, boto3 and django-storages as in production; no network beyond this machine)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from metroscope.core import attachments, backup, jobs
from metroscope.core.models import Job
from metroscope.exchange import services
from metroscope.exchange.models import Attachment
from tests.core.files import PDF, upload
from tests.exchange.drafting import make_draft

pytestmark = pytest.mark.django_db

KEYS = {"METROSCOPE_S3_ACCESS_KEY_ID": "testing", "METROSCOPE_S3_SECRET_ACCESS_KEY": "testing"}
CSRF_SECRET = "b" * 32
XLSX = "/observatory/download/xlsx/?metro=barcelona&indicator=pm25_annual_mean"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def settings_storage(env: dict[str, str]) -> dict[str, Any]:
    """STORAGES["default"] as metroscope.settings makes it from these variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("METROSCOPE_S3_")}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['default']))"
    )
    done = subprocess.run(  # noqa: S603  (this interpreter, a fixed script)
        [sys.executable, "-c", code],
        env=base | {"DJANGO_SETTINGS_MODULE": "metroscope.settings"} | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def bucket_settings(s3_endpoint) -> dict[str, str]:
    return {
        "METROSCOPE_S3_BUCKET": "metroscope-media",
        "METROSCOPE_S3_ENDPOINT_URL": s3_endpoint,
        "METROSCOPE_S3_REGION": "eu-west-1",
        **KEYS,
    }


@pytest.fixture(scope="module")
def storage_config(bucket_settings) -> dict[str, Any]:
    return settings_storage(bucket_settings)


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106  (moto's server takes any key)
    )


@pytest.fixture
def bucket(s3_endpoint, storage_config, settings) -> str:
    """A new, empty bucket, and the site's media in it."""
    name = f"metroscope-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    options = storage_config["OPTIONS"] | {"bucket_name": name}
    settings.STORAGES = {**settings.STORAGES, "default": storage_config | {"OPTIONS": options}}
    return name


def keys_in(endpoint: str, bucket: str) -> list[str]:
    found = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in found.get("Contents", []))


def read_object(endpoint: str, bucket: str, key: str) -> bytes:
    return bytes(s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read())


def streamed(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_environment_puts_media_in_the_bucket(bucket_settings, s3_endpoint):
    config = settings_storage(bucket_settings)
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"] | {"location": ""} == {
        "bucket_name": "metroscope-media",
        "endpoint_url": s3_endpoint,
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": "eu-west-1",
        "location": "",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    without = settings_storage({})
    assert without["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_an_attachment_is_kept_in_the_bucket_served_from_it_and_removed(
    bucket, s3_endpoint, officer_barcelona, django_capture_on_commit_callbacks
):
    draft = make_draft(officer_barcelona)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer_barcelona)
    client.cookies["csrftoken"] = CSRF_SECRET
    files = f"/api/v1/solutions/{draft.slug}/attachments"
    response = client.post(
        files,
        {"file": upload("plan.pdf", PDF), "caption": "The plan"},
        HTTP_HOST="127.0.0.1",
        HTTP_X_CSRFTOKEN=CSRF_SECRET,
    )
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get(pk=response.json()["id"])
    assert keys_in(s3_endpoint, bucket) == [attachment.file.name]
    assert read_object(s3_endpoint, bucket, attachment.file.name) == PDF

    served = client.get(response.json()["url"], HTTP_HOST="127.0.0.1")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Length"] == str(len(PDF))
    assert streamed(served) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        gone = client.delete(
            f"{files}/{attachment.pk}", HTTP_HOST="127.0.0.1", HTTP_X_CSRFTOKEN=CSRF_SECRET
        )
    assert gone.status_code == 204, gone.content
    assert keys_in(s3_endpoint, bucket) == []
    assert client.get(response.json()["url"], HTTP_HOST="127.0.0.1").status_code == 404


def test_a_private_file_is_served_from_the_bucket_and_a_missing_one_is_a_404(
    bucket, s3_endpoint, officer_barcelona
):
    draft = make_draft(officer_barcelona)
    attachment = services.attachment_add(
        user=officer_barcelona, solution=draft, upload=upload("plan.pdf", PDF)
    )
    # core.attachments.private_file serves award and group documents the same way
    served = attachments.private_file(attachment)
    assert (served.status_code, served["Cache-Control"]) == (200, "private, no-store")
    assert streamed(served) == PDF

    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=attachment.file.name)
    client = Client()
    client.force_login(officer_barcelona)
    url = reverse("exchange:attachment", args=[draft.slug, attachment.pk])
    assert client.get(url).status_code == 404
    with pytest.raises(Http404):
        attachments.private_file(Attachment.objects.get(pk=attachment.pk))


def test_a_jobs_file_is_written_to_the_bucket_and_downloaded_from_it(bucket, s3_endpoint):
    first = Client().get(XLSX)
    assert first.status_code == 302
    job = Job.objects.get()
    assert job.state == Job.State.DONE
    assert keys_in(s3_endpoint, bucket) == [job.file.name]
    assert job.file.name.startswith("jobs/")

    served = Client().get(first["Location"])
    assert served.status_code == 200
    content = streamed(served)
    assert content == read_object(s3_endpoint, bucket, job.file.name)
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert len(list(book["data"].iter_rows())) == job.result["rows"] + 1

    # Gone from the bucket (pruned): not offered again, and built anew on the next request.
    s3_client(s3_endpoint).delete_object(Bucket=bucket, Key=job.file.name)
    assert Client().get(first["Location"]).status_code == 404
    assert jobs.reusable(job.key) is None
    assert Client().get(XLSX)["Location"] != first["Location"]
    assert len(keys_in(s3_endpoint, bucket)) == 1


def test_two_files_of_one_name_do_not_overwrite_each_other(bucket):
    first = default_storage.save("jobs/2026/12/report.pdf", ContentFile(b"one"))
    second = default_storage.save("jobs/2026/12/report.pdf", ContentFile(b"two"))
    assert first != second
    assert default_storage.open(first).read() == b"one"
    assert default_storage.open(second).read() == b"two"


def test_backups_carry_the_buckets_media_into_an_empty_bucket(
    bucket, s3_endpoint, settings, tmp_path
):
    default_storage.save("awards/2024/dossier.pdf", ContentFile(PDF))
    default_storage.save("jobs/2026/12/table.csv", ContentFile(b"a,b\n1,2\n"))
    archive = tmp_path / "media.tar"
    assert backup.write_media(default_storage, archive) == 2
    with tarfile.open(archive) as tar:
        names = sorted(tar.getnames())
    assert names == ["media/awards/2024/dossier.pdf", "media/jobs/2026/12/table.csv"]

    with pytest.raises(backup.BackupError, match="the media were not empty"):
        backup.restore_media(archive, default_storage)  # into the same bucket: refused

    other = f"{bucket}-restored"
    s3_client(s3_endpoint).create_bucket(
        Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    config = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": config | {"OPTIONS": config["OPTIONS"] | {"bucket_name": other}},
    }
    assert list(backup.stored_names(default_storage)) == []
    assert backup.restore_media(archive, default_storage) == 2
    assert read_object(s3_endpoint, other, "awards/2024/dossier.pdf") == PDF
    assert keys_in(s3_endpoint, other) == ["awards/2024/dossier.pdf", "jobs/2026/12/table.csv"]


def test_a_restore_refuses_names_that_leave_the_media(bucket, s3_endpoint, tmp_path):
    archive = tmp_path / "media.tar"
    with tarfile.open(archive, "w") as tar:
        for name in ("media/fine.txt", "media/../outside.txt"):
            member = tarfile.TarInfo(name)
            member.size = 2
            tar.addfile(member, io.BytesIO(b"hi"))
    with pytest.raises(backup.BackupError, match="would land outside the media"):
        backup.restore_media(archive, default_storage)
    assert keys_in(s3_endpoint, bucket) == []  # checked before the first was written
