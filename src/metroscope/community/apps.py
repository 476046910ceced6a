from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "metroscope.community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from metroscope.community.panels import member_links, need_experts
        from metroscope.core.panels import register_panel

        register_panel("exchange.need_suggestions", "community.experts", need_experts)
        register_panel("members.member_links", "community.links", member_links)
