from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "metroscope.listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        from metroscope.listening import emails

        emails.register()
