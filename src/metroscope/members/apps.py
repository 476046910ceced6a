from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "metroscope.members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from metroscope.core.loading import register_loader
        from metroscope.members import access  # noqa: F401  (registers its django-rules permissions)
        from metroscope.members.loaders import load_members_data

        register_loader("members", load_members_data, order=10)
