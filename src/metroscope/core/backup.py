"""Backups one can restore: the database (SQLite's online backup API; PostgreSQL's `pg_dump`
custom format, taken from a snapshot), the media files, and a manifest with each file's
SHA-256 and each table's row count and checksum, read from the very snapshot that was saved.
A restore checks the files against the manifest before touching anything, fills an empty
database, and compares every table again: the drill passes with 0 differences.

The secret key is not in a backup (whoever holds a backup should not be able to forge
sessions); the manifest reminds whoever restores to keep METROSCOPE_SECRET_KEY apart.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import connection
from django.utils import timezone

FORMAT = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA_FILE = "media.tar"
MANIFEST = "manifest.json"
KEY_REMINDER = (
    "The secret key is not in this backup. Restore with the same METROSCOPE_SECRET_KEY (or "
    "var/secret_key) to keep sessions and password-reset links valid; the data needs no key."
)
_MOD = 2**256


class BackupError(Exception):
    """A backup or a restore that cannot go on, with the reason."""


@dataclass(frozen=True)
class Difference:
    table: str
    expected: dict[str, Any] | None
    found: dict[str, Any] | None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def stored_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file's name in a storage (a folder on disk, a bucket), through the storage API."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # a media folder not made yet holds nothing
        return
    for name in names:
        yield f"{folder}{name}"
    for sub in folders:
        yield from stored_names(storage, f"{folder}{sub}/")


def _where(storage: Storage) -> str:
    """A storage as people name it: its folder, or its bucket."""
    bucket = getattr(storage, "bucket_name", None)
    return f"the bucket {bucket}" if bucket else str(getattr(storage, "location", storage))


def write_media(media: Storage, archive: Path) -> int:
    """Every file of the media (a folder or a bucket, through the storage API) into a tar
    under media/; no archive when there is none. Returns how many files."""
    names = sorted(stored_names(media))
    if not names:
        return 0
    with tarfile.open(archive, "w") as tar:
        for name in names:
            with media.open(name, "rb") as handle:
                member = tarfile.TarInfo(f"media/{name}")
                member.size = media.size(name)
                tar.addfile(member, handle)
    return len(names)


def restore_media(archive: Path, media: Storage) -> int:
    """Put each regular file of the archive's media/ back under its own name, through the
    storage API (a folder or a bucket); a name that would leave the media is refused first."""
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.startswith("media/")]
        for member in members:  # all checked before the first is written
            path = PurePosixPath(member.name)
            if ".." in path.parts or len(path.parts) < 2:
                raise BackupError(f"{member.name} in {MEDIA_FILE} would land outside the media.")
        for member in members:
            name = member.name.removeprefix("media/")
            handle = tar.extractfile(member)
            if handle is None:  # not a regular file after all
                continue
            saved = media.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"{name} was restored as {saved}: the media were not empty.")
    return len(members)


def table_sums(cursor: Any, tables: list[str], quote: Callable[[str], str]) -> dict[str, Any]:
    """Each table's row count and a checksum of its rows that does not depend on their order
    (the sum of each row's SHA-256, modulo 2**256)."""
    sums: dict[str, Any] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (a table name, quoted)
        count, total = 0, 0
        while rows := cursor.fetchmany(5000):
            for row in rows:
                count += 1
                digest = hashlib.sha256(repr(tuple(row)).encode("utf-8", "surrogatepass"))
                total = (total + int.from_bytes(digest.digest(), "big")) % _MOD
        sums[table] = {"rows": count, "checksum": f"{total:064x}"}
    return sums


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    found = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [row[0] for row in found]


def _sqlite_sums(path: Path) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        return table_sums(
            conn.cursor(), _sqlite_tables(conn), lambda t: '"' + t.replace('"', '""') + '"'
        )
    finally:
        conn.close()


def _pg_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return [row[0] for row in cursor.fetchall()]


def _pg_url(db: Any) -> str:
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def _pg(url: str, *, snapshot: bool = False) -> Iterator[Any]:
    import psycopg

    with psycopg.connect(url) as conn:
        if snapshot:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield conn


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def backup(out: Path, *, say: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Write a backup of the configured database and media files into `out` (a new or empty
    folder); returns the manifest."""
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} is not empty: a backup goes into a new folder.")
    out.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    target = out / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        if connection.in_atomic_block:  # SQLite's backup would wait for this very transaction
            raise BackupError("a backup of SQLite runs outside a transaction")
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            connection.connection.backup(destination)  # a consistent copy, while others write
        finally:
            destination.close()
        sums = _sqlite_sums(target)
    else:
        url = _pg_url(settings.DATABASES["default"])
        with _pg(url, snapshot=True) as conn:
            name = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            # pg_dump reads the same snapshot as the sums below
            _run(["pg_dump", "--format=custom", f"--snapshot={name}", f"--file={target}", url])
            cursor = conn.cursor()
            sums = table_sums(cursor, _pg_tables(cursor), _pg_quote)
    say(f"database: {len(sums)} tables, {sum(t['rows'] for t in sums.values()):,} rows")
    files = {target.name: {"sha256": _sha256(target), "bytes": target.stat().st_size}}
    archive = out / MEDIA_FILE
    count = write_media(storages["default"], archive)
    if count:
        files[MEDIA_FILE] = {"sha256": _sha256(archive), "bytes": archive.stat().st_size}
        say(f"media: {count:,} files, {archive.stat().st_size:,} bytes")
    manifest = {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(timespec="seconds"),
        "database": vendor,
        "files": files,
        "tables": sums,
        "secret_key": KEY_REMINDER,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def _checked(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a Metroscope backup.")
    manifest: dict[str, Any] = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    for name, expected in manifest["files"].items():
        file = folder / name
        if not file.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if _sha256(file) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest


def restore(
    folder: Path,
    *,
    into: str | None = None,
    media_root: Path | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> list[Difference]:
    """Restore a backup into an empty database (the configured one, or the DATABASE_URL
    `into`) and an empty media folder; returns the tables that differ from the manifest."""
    manifest = _checked(folder)
    db = dj_database_url.parse(into) if into else settings.DATABASES["default"]
    vendor = "sqlite" if db["ENGINE"].endswith("sqlite3") else "postgresql"
    if vendor != manifest["database"]:
        raise BackupError(f"this backup is of a {manifest['database']} database, not {vendor}")
    media = FileSystemStorage(location=media_root) if media_root else storages["default"]
    if MEDIA_FILE in manifest["files"] and next(stored_names(media), None) is not None:
        raise BackupError(f"{_where(media)} is not empty: restore media into an empty one.")
    source = folder / DATABASE_FILES[vendor]
    if vendor == "sqlite":
        name = str(db["NAME"])
        uri = name.startswith("file:")  # e.g. the tests' shared in-memory database
        target = Path(name)
        if uri or (target.exists() and target.stat().st_size):
            probe = sqlite3.connect(name, uri=uri)
            try:
                if _sqlite_tables(probe):
                    raise BackupError(f"{name} is not empty: restore into an empty database.")
            finally:
                probe.close()
        if uri:
            raise BackupError(f"{name} is not a file: restore into a database file.")
        target.parent.mkdir(parents=True, exist_ok=True)
        origin, destination = sqlite3.connect(source), sqlite3.connect(target)
        try:
            origin.backup(destination)
        finally:
            origin.close()
            destination.close()
        found = _sqlite_sums(target)
    else:
        url = _pg_url(db)
        with _pg(url) as conn:
            if _pg_tables(conn.cursor()):
                raise BackupError(
                    f"the database {db['NAME']} is not empty: restore into an empty one."
                )
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}", str(source)])
        with _pg(url) as conn:
            cursor = conn.cursor()
            found = table_sums(cursor, _pg_tables(cursor), _pg_quote)
    say(f"database: {len(found)} tables restored")
    if MEDIA_FILE in manifest["files"]:
        count = restore_media(folder / MEDIA_FILE, media)
        say(f"media: {count:,} files restored into {_where(media)}")
    expected = manifest["tables"]
    return [
        Difference(table, expected.get(table), found.get(table))
        for table in sorted(set(expected) | set(found))
        if expected.get(table) != found.get(table)
    ]
