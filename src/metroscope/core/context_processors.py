from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from metroscope.core import notifications


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": "Metroscope",
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        # a callable: counted only when a page shows it (the header, for a signed-in person)
        "unread_notifications": lambda: notifications.unread_count(user) if user else 0,
    }
