"""Absolute links for what leaves the site (e-mails, PDFs), made from METROSCOPE_SITE_URL,
the address people reach the site at, since no request is there to tell it."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """The site's address followed by the path (which starts with "/")."""
    return str(settings.METROSCOPE_SITE_URL).rstrip("/") + path
