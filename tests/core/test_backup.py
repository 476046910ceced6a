"""The backup drill: back up the loaded open data and a media file, restore into an empty
database and folder, and find 0 differences in every table; a damaged backup or a database
that is not empty is refused before anything is written.

On SQLite the tests' database is in memory and inside the test's transaction, which SQLite's
backup would wait for: the drill copies it into a file (sqlite3's serialize) and runs
`metroscope backup` and `metroscope restore` on that file in their own processes, as an
operator would. On PostgreSQL they run here, on the session's committed data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from metroscope.core import backup

pytestmark = pytest.mark.django_db


class Operator:
    """Runs `metroscope backup` and `restore` on the data the tests loaded."""

    def __init__(self, tmp_path: Path, media: Path) -> None:
        self.media = media
        self.env: dict[str, str] = {}
        if connection.vendor == "sqlite":
            source = tmp_path / "source.sqlite3"
            source.write_bytes(connection.connection.serialize())
            self.env = {
                k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "METROSCOPE_VAR")
            } | {
                "DATABASE_URL": f"sqlite:///{source}",
                "METROSCOPE_VAR": str(tmp_path / "var"),
                "DJANGO_SETTINGS_MODULE": "metroscope.settings",
            }

    def __call__(self, *args: str) -> str:
        if not self.env:
            from io import StringIO

            out = StringIO()
            call_command(*args, stdout=out)
            return out.getvalue()
        done = subprocess.run(  # noqa: S603  (this interpreter, the project's own command)
            [sys.executable, "-m", "django", *args, "--settings", "metroscope.settings"],
            env=self.env | {"METROSCOPE_MEDIA_ROOT": str(self.media)},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(done.stderr.strip().splitlines()[-1])
        return done.stdout


@pytest.fixture
def empty_database(tmp_path):
    """A DATABASE_URL of an empty database of the same kind as the tests'."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_restore"
    admin = backup._pg_url(db | {"NAME": "postgres"})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield backup._pg_url(db | {"NAME": name})
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media_file():
    folder = Path(settings.MEDIA_ROOT) / "awards" / "2024"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "dossier.pdf"
    path.write_bytes(b"%PDF-1.7 a submission\n")
    yield path
    path.unlink()


def test_the_drill_restores_every_table_with_zero_differences(tmp_path, empty_database, media_file):
    run = Operator(tmp_path, Path(settings.MEDIA_ROOT))
    out = tmp_path / "backup"
    run("backup", "--out", str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tables"]["observatory_observation"]["rows"] > 100_000
    assert manifest["tables"]["members_member"]["rows"] == 141
    assert "secret key is not in this backup" in manifest["secret_key"]
    assert set(manifest["files"]) == {backup.DATABASE_FILES[connection.vendor], "media.tar"}

    media = tmp_path / "restored-media"
    said = run("restore", str(out), "--into", empty_database, "--media", str(media))

    assert "0 differences" in said
    assert (media / "awards" / "2024" / "dossier.pdf").read_bytes() == media_file.read_bytes()


def test_a_damaged_or_misdirected_restore_writes_nothing(tmp_path, empty_database):
    run = Operator(tmp_path, tmp_path / "no-media")
    out = tmp_path / "backup"
    run("backup", "--out", str(out))
    with pytest.raises(CommandError, match="not empty: a backup goes into a new folder"):
        run("backup", "--out", str(out))

    database = out / backup.DATABASE_FILES[connection.vendor]
    original = database.read_bytes()
    database.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    with pytest.raises(CommandError, match=f"{database.name} does not match its checksum"):
        run("restore", str(out), "--into", empty_database)
    database.write_bytes(original)

    # Into the database backed up, which holds its tables: refused, nothing touched.
    with pytest.raises(CommandError, match="is not empty: restore into an empty"):
        run("restore", str(out), "--media", str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()


def test_sqlite_is_not_backed_up_from_inside_a_transaction(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's backup API only")
    with pytest.raises(backup.BackupError, match="outside a transaction"):
        backup.backup(tmp_path / "b")
