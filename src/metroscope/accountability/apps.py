from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    """Floor 4: the plan's activities, money, people, carbon, risks, dashboards and the Board
    report. Its tables keep the `plan_*` names they had when it lived inside the plan app."""

    name = "metroscope.accountability"
    verbose_name = _("Accountability")

    def ready(self) -> None:
        from metroscope.accountability.activities.loaders import load_activities_data
        from metroscope.accountability.carbon.factors import load_emission_factors
        from metroscope.core.loading import register_loader

        register_loader("activities", load_activities_data, order=25)
        register_loader("emission-factors", load_emission_factors, order=26)
