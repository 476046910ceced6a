from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanConfig(AppConfig):
    name = "metroscope.plan"
    verbose_name = _("Strategic plan")

    def ready(self) -> None:
        from metroscope.core.loading import register_loader
        from metroscope.plan.loaders import load_plan_data

        register_loader("plan", load_plan_data, order=20)
