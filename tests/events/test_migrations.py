"""The rename of programs to events (issue 16) keeps the database as it was: the same tables,
the programs migrations counted as applied, the content types (and so permissions and the
admin's log) relabelled in place."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from metroscope.events.models import Event
from tests.conftest import make_user
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db

relabel = import_module("metroscope.events.migrations.0003_content_types_from_programs")
EDITOR = SimpleNamespace(connection=connection)
TABLES = {
    "programs_certificatesending",
    "programs_event",
    "programs_feedback",
    "programs_historicalevent",
    "programs_historicalregistration",
    "programs_historicalsession",
    "programs_historicalspeaker",
    "programs_registration",
    "programs_session",
    "programs_speaker",
}


@pytest.fixture(autouse=True)
def _fresh_content_types() -> Iterator[None]:
    """The tests move content type rows under the cache's feet: forget it before and after."""
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def as_before_the_rename() -> None:
    """What a database migrated by the programs app holds: its content types by that label."""
    ContentType.objects.filter(app_label="events").update(app_label="programs")
    ContentType.objects.clear_cache()


def labels() -> dict[str, int]:
    rows = ContentType.objects.filter(app_label__in=("programs", "events"))
    return {f"{ct.app_label}.{ct.model}": ct.pk for ct in rows}


def test_every_model_keeps_its_programs_table():
    models = apps.get_app_config("events").get_models()
    assert {m._meta.db_table for m in models} == TABLES
    assert set(connection.introspection.table_names()) >= TABLES


def test_the_events_migrations_replace_the_programs_ones_one_for_one():
    executor = MigrationExecutor(connection)
    replaces = {
        key: m.replaces for key, m in executor.loader.replacements.items() if key[0] == "events"
    }
    assert replaces == {
        ("events", "0001_initial"): [("programs", "0001_initial")],
        ("events", "0002_certificate_sending"): [("programs", "0002_certificate_sending")],
    }


def test_a_database_migrated_by_programs_builds_nothing_again():
    recorded = MigrationRecorder.Migration.objects
    recorded.filter(app="events", name__in=["0001_initial", "0002_certificate_sending"]).delete()
    recorded.get_or_create(app="programs", name="0001_initial")
    recorded.get_or_create(app="programs", name="0002_certificate_sending")
    executor = MigrationExecutor(connection)
    executor.loader.check_consistent_history(connection)
    assert ("events", "0002_certificate_sending") in executor.loader.applied_migrations
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_the_models_need_no_new_migration():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)  # exits 1 otherwise


def test_the_relabel_keeps_the_rows_permissions_and_admin_log():
    staff = make_user("staff", ("secretariat", ""))
    before = labels()
    event_type = ContentType.objects.get_for_model(Event)
    permissions = set(Permission.objects.filter(content_type=event_type).values_list("pk"))
    event = make_event()
    LogEntry.objects.create(
        user=staff,
        content_type=event_type,
        object_id=str(event.pk),
        object_repr=str(event),
        action_flag=ADDITION,
    )
    as_before_the_rename()
    assert set(labels()) == {name.replace("events.", "programs.") for name in before}

    relabel.forwards(apps, EDITOR)

    assert labels() == before
    assert set(Permission.objects.filter(content_type=event_type).values_list("pk")) == permissions
    assert LogEntry.objects.get().get_edited_object() == event
    staff = get_user_model().objects.get(pk=staff.pk)  # no cached permissions
    assert staff.has_perm("events.change_event")


def test_the_relabel_keeps_the_old_rows_over_new_ones_a_stopped_migrate_made():
    before = labels()
    as_before_the_rename()
    newer = ContentType.objects.create(app_label="events", model="event")
    Permission.objects.create(content_type=newer, codename="add_event", name="Can add event")

    relabel.forwards(apps, EDITOR)

    assert labels() == before
    assert not ContentType.objects.filter(pk=newer.pk).exists()


def test_the_relabel_does_nothing_on_a_fresh_database():
    before = list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model"))
    relabel.forwards(apps, EDITOR)
    assert list(ContentType.objects.order_by("pk").values_list("pk", "app_label", "model")) == (
        before
    )


def test_the_relabel_goes_back():
    before = labels()
    relabel.backwards(apps, EDITOR)
    assert labels() == {name.replace("events.", "programs."): pk for name, pk in before.items()}
