"""Playwright in Debian's Chromium against a live server, with axe for accessibility."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from playwright.sync_api import Browser, Page, expect, sync_playwright

from metroscope.members.models import Member
from metroscope.observatory.models import MetroVersion
from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make browser` or set CHROMIUM.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class DataSnapshot:
    """The open data as loaded once, put back after each browser test's flush in a second or
    two instead of loading it again (~30 s each): SQLite's backup API copies every page of the
    in-memory test database; PostgreSQL copies each table out and in (binary COPY) and sets
    the sequences past the restored keys."""

    def __init__(self) -> None:
        self.sqlite: sqlite3.Connection | None = None
        self.tables: dict[str, bytes] = {}

    @property
    def taken(self) -> bool:
        return self.sqlite is not None or bool(self.tables)

    def _tables(self) -> list[str]:
        # The metro table's version row is written by its triggers as the metros come back;
        # the search engine's own term tables (`<table>_fts`, no model of their own) are
        # emptied with their entries and must come back with them.
        tables = set(connection.introspection.django_table_names(include_views=False))
        engine = {
            name
            for name in connection.introspection.table_names()
            if name.endswith("_fts") and name.removesuffix("_fts") in tables
        }
        return sorted((tables | engine) - {MetroVersion._meta.db_table})

    def take(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.sqlite)
            return
        with connection.cursor() as cursor:
            for table in self._tables():
                name = connection.ops.quote_name(table)
                with cursor.cursor.copy(f"COPY {name} TO STDOUT (FORMAT BINARY)") as copy:
                    self.tables[table] = b"".join(bytes(chunk) for chunk in copy)

    def restore(self) -> None:
        connection.ensure_connection()
        if self.sqlite is not None:
            self.sqlite.backup(connection.connection)
            return
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            # The engine's term tables are emptied by their entry table's TRUNCATE trigger
            # (naming them here too would truncate them twice in one statement, refused).
            emptied = [t for t in self.tables if not t.endswith("_fts")]
            cursor.execute(f"TRUNCATE {', '.join(quote(t) for t in emptied)} CASCADE")
            for table, data in self.tables.items():
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(data)
            models = list(apps.get_models(include_auto_created=True))
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


SNAPSHOT = DataSnapshot()


@pytest.fixture
def open_data(transactional_db) -> None:
    if not Member.objects.exists():  # emptied by the previous browser test's flush
        if SNAPSHOT.taken:
            SNAPSHOT.restore()
            return
        call_command("load_open_data", verbosity=0)
    if not SNAPSHOT.taken:  # the session's load (other tests roll back) or the one above
        SNAPSHOT.take()


@pytest.fixture
def page(browser: Browser, live_server, open_data) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    # Nothing may leave the machine: any request to another host fails the test.
    outside: list[str] = []

    def guard(route, request):  # type: ignore[no-untyped-def]
        if request.url.startswith(live_server.url) or request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not outside, f"requests to remote hosts: {outside}"
    assert not errors, f"JavaScript errors: {errors}"


AXE = Axe()


def assert_accessible(page: Page) -> None:
    """No serious or critical axe violation on the page as it is now."""
    results = AXE.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    details = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in bad
    )
    assert not bad, f"axe found serious/critical violations on {page.url}:\n{details}"


def sign_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
