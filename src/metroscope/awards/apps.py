from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "metroscope.awards"
    verbose_name = _("Guangzhou Award")

    def ready(self) -> None:
        from metroscope.awards.loaders import load_awards_data
        from metroscope.core.loading import register_loader

        # After the exchange (40): past results link to its Guangzhou Award solutions.
        register_loader("awards", load_awards_data, order=50)
