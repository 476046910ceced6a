from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "metroscope.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from metroscope.core import (
            access,  # noqa: F401  (registers its django-rules permissions)
            checks,  # noqa: F401  (registers the system checks)
            page_cache,
        )

        page_cache.connect_signals()
