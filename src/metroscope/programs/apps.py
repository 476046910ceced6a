from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "metroscope.programs"
    verbose_name = _("Programmes: events and learning")
