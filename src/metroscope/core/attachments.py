"""What a file people attach to a record may be: a PNG, JPEG, WebP or GIF image (decoded by
Pillow) or a PDF document, recognised by its content, never by its name, and no larger than
METROSCOPE_ATTACHMENT_MAX_BYTES. Too large a file is refused while it is being received
(`SizeLimitHandler`), before any upload handler keeps its bytes. A record keeps a checked file
in a `file` field under a random name (`store`); its `kind` field takes `FileKind`."""

from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.db import models
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, UnidentifiedImageError

DEFAULT_MAX_BYTES = 10 * 1024**2
# Pillow format → (content type, file suffixes people use for it, the one a stored file gets first)
IMAGE_FORMATS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PNG": ("image/png", (".png",)),
    "JPEG": ("image/jpeg", (".jpg", ".jpeg", ".jpe", ".jfif")),
    "WEBP": ("image/webp", (".webp",)),
    "GIF": ("image/gif", (".gif",)),
}
PDF_SUFFIXES = frozenset({".pdf"})
PDF_TAIL_BYTES = 2048  # %%EOF ends the file, give or take trailing whitespace or junk
SUFFIX_NAMES = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".jfif": "JPEG",
    ".webp": "WebP",
    ".gif": "GIF",
    ".pdf": "PDF",
}
ACCEPT = "image/png,image/jpeg,image/webp,image/gif,application/pdf"


class FileKind(models.TextChoices):
    IMAGE = "image", gettext_lazy("Image")
    PDF = "pdf", gettext_lazy("PDF document")


def max_bytes() -> int:
    return int(getattr(settings, "METROSCOPE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_message(name: str) -> str:
    return _("“%(name)s” is larger than %(limit)s, the most a file may weigh.") % {
        "name": name,
        "limit": filesizeformat(max_bytes()),
    }


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    suffix: str
    label: str


PDF = CheckedFile(FileKind.PDF, "application/pdf", ".pdf", "PDF")


def display_name(upload: Any, checked: CheckedFile) -> str:
    """The name the uploader gave the file (no folders, at most 200 characters), for display."""
    return PurePath(str(upload.name)).name[:200] or checked.label


def store(record: Any, upload: Any, checked: CheckedFile, save: Callable[[], None]) -> None:
    """Put a checked upload in the record's `file` under a random name, then `save` the
    record; when saving fails the stored file is removed again, so no orphan file stays."""
    record.file.save(secrets.token_hex(16) + checked.suffix, upload, save=False)
    stored = record.file.name
    try:
        save()
    except Exception:
        record.file.storage.delete(stored)
        raise


def _read(upload: IO[bytes], start: int, length: int) -> bytes:
    upload.seek(start)
    return upload.read(length)


def _looks_like(head: bytes) -> str:
    """A name for what the bytes really are, to tell people why their file is refused."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return _("a web page (HTML)")
    if text.startswith(b"<svg") or (text.startswith(b"<?xml") and b"<svg" in text):
        return _("an SVG drawing")
    if text.startswith(b"<"):
        return _("markup text (HTML or XML)")
    if head.startswith(b"PK\x03\x04"):
        return _("a ZIP archive or an office document")
    if head.startswith((b"MZ", b"\x7fELF")):
        return _("a program")
    return _("an unknown type")


def _image(upload: IO[bytes]) -> CheckedFile | None:
    """The image's type if Pillow decodes it as one of the allowed formats, else None."""
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(IMAGE_FORMATS)) as image:
                found = image.format or ""
                image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ValidationError(
            _("This image has too many pixels to be shown safely; please make it smaller."),
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        return None
    if found not in IMAGE_FORMATS:
        return None
    content_type, suffixes = IMAGE_FORMATS[found]
    label = "WebP" if found == "WEBP" else found
    return CheckedFile(FileKind.IMAGE, content_type, suffixes[0], label)


def _pdf(upload: IO[bytes], size: int) -> CheckedFile | None:
    if _read(upload, 0, 5) != b"%PDF-":
        return None
    tail = _read(upload, max(0, size - PDF_TAIL_BYTES), PDF_TAIL_BYTES)
    if b"%%EOF" not in tail:
        raise ValidationError(
            _("This PDF is incomplete: its end is missing. Save or export it again."),
            code="truncated_pdf",
        )
    return PDF


def _suffix_matches(name: str, checked: CheckedFile) -> None:
    suffix = PurePath(name).suffix.lower()
    if not suffix:
        return
    allowed: Collection[str] = PDF_SUFFIXES
    if checked.kind != FileKind.PDF:
        allowed = next(s for t, s in IMAGE_FORMATS.values() if t == checked.content_type)
    if suffix in allowed:
        return
    named = SUFFIX_NAMES.get(suffix, suffix)
    raise ValidationError(
        _(
            "“%(name)s” is named as a %(named)s file but holds a %(found)s file. Rename it, "
            "or upload the file you meant."
        )
        % {"name": name, "named": named, "found": checked.label},
        code="name_mismatch",
    )


def check_upload(upload: Any) -> CheckedFile:
    """The file's kind and content type, read from its bytes; ValidationError with a message
    for people when it is too large, not an allowed image or PDF, or named as another type."""
    name = PurePath(str(upload.name or "")).name
    size = upload.size
    if size is None or size > max_bytes():
        raise ValidationError(too_large_message(name), code="too_large")
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    checked = _pdf(upload, size) or _image(upload)
    if checked is None:
        found = _looks_like(_read(upload, 0, 512))
        raise ValidationError(
            _(
                "“%(name)s” is %(found)s, not a PNG, JPEG, WebP or GIF image nor a PDF "
                "document. Files are recognised by their content, not by their name."
            )
            % {"name": name, "found": found},
            code="not_allowed",
        )
    _suffix_matches(name, checked)
    upload.seek(0)
    return checked


class SizeLimitHandler(FileUploadHandler):
    """First of the request's upload handlers: skips (never keeps) any file that grows past
    the limit, and notes its name so the page can say why it is missing."""

    def __init__(self, request: Any = None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = max_bytes() if limit is None else limit
        self.refused: list[str] = []

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        if content_length is not None and content_length > self.limit:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        self.refused.append(PurePath(str(self.file_name or "")).name)
        raise SkipFile


def limit_uploads(request: Any, limit: int | None = None) -> SizeLimitHandler:
    """Put the size check first among the request's upload handlers (`limit` bytes, else the
    attachments' limit). Call it before anything reads the body (a CSRF check does): Django
    refuses new handlers afterwards."""
    handler = SizeLimitHandler(request, limit)
    request.upload_handlers = [handler, *request.upload_handlers]
    return handler


def size_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """An API view whose request gets the size check first among its upload handlers,
    before the authentication's CSRF check reads the body (as the pages do)."""

    @wraps(view)
    def limited(request: Any, *args: Any, **kwargs: Any) -> Any:
        limit_uploads(request)
        return view(request, *args, **kwargs)

    return limited


def refused_for_size(request: Any) -> list[str]:
    """The names of the files `limit_uploads` left out of this request for their size."""
    return [
        name
        for handler in request.upload_handlers
        if isinstance(handler, SizeLimitHandler)
        for name in handler.refused
    ]


def private_file(record: Any) -> FileResponse:
    """A stored upload (`file`, `content_type`, `name`) served to someone allowed to read it:
    never cached by a shared cache or kept by the browser, and, except PDFs (the browsers'
    PDF viewers do not run sandboxed), under a sandbox policy so that no script in it runs with
    the site's origin. 404 when the file is gone."""
    try:
        handle = record.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=record.content_type, filename=record.name)
    response["Cache-Control"] = "private, no-store"
    if record.content_type != "application/pdf":
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
