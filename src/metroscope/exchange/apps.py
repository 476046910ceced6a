from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "metroscope.exchange"
    verbose_name = _("Exchange")

    def ready(self) -> None:
        from metroscope.core.loading import register_loader
        from metroscope.exchange import access  # noqa: F401  (registers django-rules permissions)
        from metroscope.exchange.loaders import load_exchange_data

        register_loader("exchange", load_exchange_data, order=40)

        from metroscope.core.panels import register_panel
        from metroscope.exchange.panels import lagging_solutions

        register_panel("observatory.metro_profile", "exchange.lagging", lagging_solutions)

        # The search index: kept in step by signals, checked once more after each load.
        from metroscope.exchange import search

        register_loader("exchange-search", search.refresh_index, order=90)

        from metroscope.exchange import needs

        needs.register()
