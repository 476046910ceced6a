"""scripts/upgrade_check.py's comparison: what it accepts as the expected changes of an upgrade
(new migration rows, content types relabelled in place) and what it reports. CI runs the check
itself on both databases (.ci/run); these tests keep its verdicts honest."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "upgrade_check.py"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("upgrade_check", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def snapshot(*, rows=3, checksum="abc", migrations=(), content_types=()):
    return {
        "plan_activity": (rows, checksum, []),
        "django_migrations": (
            len(migrations),
            "",
            [(i, *m, None) for i, m in enumerate(migrations)],
        ),
        "django_content_type": (len(content_types), "", list(content_types)),
    }


def test_expected_changes_are_no_difference(check):
    before = snapshot(migrations=[("plan", "0006")], content_types=[(1, "plan", "activity")])
    after = snapshot(
        migrations=[("plan", "0006"), ("plan", "0007")],
        content_types=[(1, "accountability", "activity"), (2, "accountability", "trip")],
    )
    assert check.compare(before, after) == []


def test_a_changed_row_is_reported(check):
    assert check.compare(snapshot(), snapshot(checksum="changed")) == [
        "plan_activity: 3 rows → 3 rows, checksum changed"
    ]


def test_a_lost_row_or_table_is_reported(check):
    assert check.compare(snapshot(rows=3), snapshot(rows=2, checksum="x"))
    after = snapshot()
    del after["plan_activity"]
    assert check.compare(snapshot(), after) == ["plan_activity: dropped (3 rows)"]


def test_a_content_type_that_changes_model_or_disappears_is_reported(check):
    before = snapshot(content_types=[(1, "plan", "activity"), (2, "plan", "trip")])
    after = snapshot(content_types=[(1, "accountability", "workplan")])
    assert check.compare(before, after) == [
        "django_content_type: id 1 plan.activity became ('accountability', 'workplan')",
        "django_content_type: plan.trip (id 2) removed",
    ]


def test_a_dropped_column_is_a_difference_and_an_added_one_is_not(check):
    before = {"observatory_observation": ["id", "value", "note"]}
    dropped = {"observatory_observation": ["id", "value", "flags"]}
    added = {"observatory_observation": ["id", "value", "note", "flags"]}
    assert check.dropped_columns(before, dropped) == [
        "observatory_observation: column note dropped"
    ]
    assert check.dropped_columns(before, added) == []


def test_a_new_models_permissions_are_listed_and_a_lost_one_is_a_difference(check):
    kept = (1, "Can add trip", 5, "add_trip")
    before = {"auth_permission": (1, "x", [kept])}
    added = {"auth_permission": (2, "y", [kept, (2, "Can add proposed value", 9, "add_x")])}
    assert check._compare_permissions(before, added) == []
    lost = {"auth_permission": (1, "z", [(1, "Can add trip", 5, "add_journey")])}
    assert check._compare_permissions(before, lost) == [
        "auth_permission: (1, 'Can add trip', 5, 'add_trip') changed or removed"
    ]
