"""Accountability lived inside the plan app until issue 16; its tables kept their names
(`plan_activity`, `plan_historicalactivity`, `plan_historicalactivity_outcomes`, …) so that an
existing database migrates in place. Every model here names its table through these two."""

from __future__ import annotations

from typing import Any

from simple_history.models import HistoricalRecords

PREFIX = "plan"


def table(model_name: str) -> str:
    """The table a model of this app had in the plan app."""
    return f"{PREFIX}_{model_name.lower()}"


class History(HistoricalRecords):
    """django-simple-history's records under the plan-era table names, many-to-many
    histories included (HistoricalRecords names only the main history table)."""

    def create_history_model(self, model: Any, inherited: bool) -> Any:
        if not inherited and getattr(self, "table_name", None) is None:
            self.table_name = table(f"historical{model._meta.object_name}")
        return super().create_history_model(model, inherited)

    def get_meta_options_m2m(self, through_model: Any) -> dict[str, Any]:
        options: dict[str, Any] = super().get_meta_options_m2m(through_model)
        options["db_table"] = table(self.get_history_model_name(through_model))
        return options
