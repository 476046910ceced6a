"""System checks of the site's own settings (`metroscope check`, and before `migrate`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def static_manifest_built(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With hashed static files asked for, their manifest must exist: without it every page
    fails on its first `{% static %}`. (No tag: collectstatic, which makes the manifest, runs
    only the checks tagged `staticfiles`.)"""
    if not settings.STATIC_MANIFEST or settings.STATIC_MANIFEST_FILE.exists():
        return []
    return [
        Warning(
            f"METROSCOPE_STATIC_MANIFEST is on but {settings.STATIC_MANIFEST_FILE} does not "
            "exist: every page will fail until the static files are built.",
            hint="Run `metroscope collectstatic --noinput` (make setup does).",
            id="metroscope.W001",
        )
    ]
