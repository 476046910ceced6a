from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "metroscope.community"
    verbose_name = _("Community")

    def ready(self) -> None:
        from metroscope.community.panels import member_engagement_link, need_experts
        from metroscope.core.panels import register_panel

        register_panel("exchange.need_suggestions", "community.experts", need_experts)
        register_panel("members.member_page", "community.engagement", member_engagement_link)
