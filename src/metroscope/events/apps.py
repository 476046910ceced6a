from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "metroscope.events"
    verbose_name = _("Programmes: events and learning")

    def ready(self) -> None:
        from metroscope.core.loading import register_loader
        from metroscope.core.panels import register_panel
        from metroscope.core.sources import register_source
        from metroscope.events import emails, panels, selectors
        from metroscope.events.loaders import load_events_data

        emails.register()

        # The plan's people (floor 4) count events' attendance and speakers without
        # importing events (floor 5).
        register_source("plan.participants", "events.attended", selectors.plan_participant_rows)
        register_source("plan.speakers", "events.speakers", selectors.plan_speaker_rows)
        register_panel("plan.people", "events.urban_leaders", panels.urban_leaders)
        register_panel("plan.activity", "events.event", panels.activity_event)
        # after the activities (25) it extends
        register_loader("events", load_events_data, order=28)
