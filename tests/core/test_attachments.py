"""Attached files are PNG, JPEG, WebP or GIF images and PDF documents, recognised by their
content; anything else, or anything too large, is refused with a message that says why; a
stored file never outlives a record that failed to save."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.test import RequestFactory
from django.utils import translation

from metroscope.core import attachments
from metroscope.core.attachments import FileKind
from tests.core.files import HTML, PDF, image_bytes, upload


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("fmt", "name", "content_type", "suffix"),
    [
        ("PNG", "plan.png", "image/png", ".png"),
        ("JPEG", "street.JPG", "image/jpeg", ".jpg"),
        ("WEBP", "trees.webp", "image/webp", ".webp"),
        ("GIF", "anim.gif", "image/gif", ".gif"),
    ],
)
def test_images_are_recognised_by_their_content(fmt, name, content_type, suffix):
    checked = attachments.check_upload(upload(name, image_bytes(fmt)))
    assert (checked.kind, checked.content_type, checked.suffix) == (
        FileKind.IMAGE,
        content_type,
        suffix,
    )


def test_a_pdf_without_a_suffix_is_judged_by_content():
    assert attachments.check_upload(upload("scan", PDF)) == attachments.PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", HTML, "is a web page (HTML), not a PNG, JPEG, WebP or GIF image nor a PDF"),
        ("photo.png", PDF, "is named as a PNG file but holds a PDF file"),
        ("report.pdf", image_bytes("PNG"), "is named as a PDF file but holds a PNG file"),
        ("photo.jpg", image_bytes("PNG"), "is named as a JPEG file but holds a PNG file"),
        ("photo.bmp", image_bytes("BMP"), "is an unknown type, not a PNG"),
        ("drawing.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "an SVG drawing"),
        ("broken.pdf", PDF.replace(b"%%EOF", b""), "This PDF is incomplete"),
        ("cut.png", image_bytes("PNG")[:40], "not a PNG, JPEG, WebP or GIF image"),
        ("empty.png", b"", "is empty"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(name, content, message):
    with pytest.raises(ValidationError) as refused:
        attachments.check_upload(upload(name, content))
    assert message in " ".join(refused.value.messages)


def test_the_size_limit_is_the_setting(settings):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 1000
    assert attachments.max_bytes() == 1000
    with pytest.raises(ValidationError, match="larger than 1000"):
        attachments.check_upload(upload("big.png", image_bytes("PNG", (400, 400))))


def test_the_display_name_drops_folders():
    checked = attachments.check_upload(upload("plan.png", image_bytes()))
    assert attachments.display_name(upload("../../etc/plan.png", b"x"), checked) == "plan.png"


def _record(tmp_path: Path) -> SimpleNamespace:
    """What `store` needs of a record: a file field's `save`, `name` and `storage`."""
    storage = FileSystemStorage(location=tmp_path)

    def save(name, content, save):
        record.file.name = storage.save(name, content)

    record = SimpleNamespace(file=SimpleNamespace(name="", storage=storage, save=save))
    return record


def test_a_stored_file_is_kept_under_a_random_name(tmp_path):
    record = _record(tmp_path)
    checked = attachments.check_upload(upload("plan.png", image_bytes()))
    attachments.store(record, upload("plan.png", image_bytes()), checked, lambda: None)
    assert record.file.name.endswith(".png")
    assert "plan" not in record.file.name
    assert (tmp_path / record.file.name).is_file()


def test_a_stored_file_is_removed_when_the_record_fails_to_save(tmp_path):
    record = _record(tmp_path)
    checked = attachments.check_upload(upload("r.pdf", PDF))

    def fail() -> None:
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        attachments.store(record, upload("r.pdf", PDF), checked, fail)
    assert list(tmp_path.iterdir()) == []


def test_the_size_handler_skips_the_file_before_other_handlers_keep_it():
    handler = attachments.SizeLimitHandler(limit=10)
    handler.new_file("attachments", "a.png", "image/png", None)
    assert handler.receive_data_chunk(b"12345", 0) == b"12345"
    with pytest.raises(attachments.SkipFile):
        handler.receive_data_chunk(b"678901", 5)
    with pytest.raises(attachments.SkipFile):
        handler.new_file("attachments", "b.png", "image/png", 11)
    assert handler.refused == ["a.png", "b.png"]


def test_limit_uploads_puts_the_size_check_first_and_reports_what_it_refused(settings):
    settings.METROSCOPE_ATTACHMENT_MAX_BYTES = 10
    request = RequestFactory().post("/", {"file": upload("big.png", b"x" * 100)})
    handler = attachments.limit_uploads(request)
    assert request.upload_handlers[0] is handler
    assert "file" not in request.FILES
    assert attachments.refused_for_size(request) == ["big.png"]
