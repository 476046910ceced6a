from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Public pages that combine the apps below it (home, about). Top floor: imports any app."""

    name = "metroscope.portal"
    verbose_name = _("Portal")
