"""Drafts written through the services, as an officer would, for the workflow tests."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from metroscope.exchange import services
from metroscope.exchange.models import Collection, Solution
from metroscope.members.models import Member

PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def draft_data(**values: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Superblocks for the workflow suite",
        "summary": "Streets given back to people, written by the workflow tests.",
        "description": "Some **Markdown**.",
        "collection": Collection.objects.get(code="use"),
        "city": "Barcelona",
        "country_iso3": "esp",
        "tags": "mobility, public space, mobility",
        "sdgs": [11, 3],
    }
    data.update(values)
    return data


def make_draft(user: Any, **values: Any) -> Solution:
    return services.solution_create(user=user, data=draft_data(**values))


def member(code: str) -> Member:
    return Member.objects.get(code=code)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (4, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)
