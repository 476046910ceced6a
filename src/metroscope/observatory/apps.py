from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "metroscope.observatory"
    verbose_name = _("Observatory")

    def ready(self) -> None:
        from metroscope.core.loading import register_loader
        from metroscope.observatory import access  # noqa: F401  (registers django-rules permissions)
        from metroscope.observatory.loaders import load_observatory_data

        register_loader("observatory", load_observatory_data, order=30)

        from metroscope.core.panels import register_panel
        from metroscope.observatory.panels import member_places_panel

        register_panel("members.member_page", "observatory.places", member_places_panel)

        from metroscope.observatory import emails

        emails.register()

        from django.conf import settings

        from metroscope.observatory import panel

        panel.configure(settings.METROSCOPE_FIGURES_CACHE or None)

        from metroscope.core.page_cache import register_version
        from metroscope.observatory.panel import data_version

        register_version("observatory", data_version)
