"""Open-data loader of the events calendar: the association's real events among the plan's
activities (data/plan/activities.csv: congresses, World Metropolitan Days, trainings, policy
debates, Board meetings and General Assemblies) become events of the calendar, with the dates
and places their sources give (kept on the activity). The sources state no capacity, so none
takes registrations: staff give one and open them. Only created here, never overwritten (a
second load changes nothing, and what staff opened stays open)."""

from __future__ import annotations

from pathlib import Path

from metroscope.accountability.activities.loaders import open_data_codes
from metroscope.accountability.activities.models import Activity
from metroscope.core.loading import LoadReport
from metroscope.events.models import EVENT_TYPES, Event


def load_events_data(data_dir: Path, report: LoadReport) -> None:
    report.step("events")
    activities = Activity.objects.filter(
        code__in=open_data_codes(data_dir), type__in=EVENT_TYPES
    ).order_by("start_date", "code")
    for activity in activities:
        _event, created = Event.objects.get_or_create(
            activity=activity, defaults={"capacity": None, "registration_open": False}
        )
        report.add(Event._meta.label, "created" if created else "unchanged")
