"""Playwright in Debian's Chromium against a live server, with axe for accessibility."""

from __future__ import annotations

import os
import secrets
import sqlite3
import time
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db import connection, transaction
from django.test import TransactionTestCase
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect, sync_playwright

from metroscope.accountability.version import LedgerVersion
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
    """The open data as loaded once, put back after each browser test instead of Django's
    flush (which empties every table) and a reload (~30 s). SQLite: the backup API copies the
    in-memory test database back whole (well under a second). PostgreSQL: statement triggers
    note which tables a test wrote to, and only those are emptied and copied back (binary
    COPY) in one transaction, Django's deferred foreign keys checked at its commit — a journey
    writes to a handful of tables, so this takes a fraction of a second instead of truncating
    and refilling all of them (6-7 s each way under load). Sequences are not reset: keys a
    test used are never handed out again, so no per-process cache keyed by a newest key can
    mistake later data for earlier. The metro table's version token is renewed after every
    restore for the same reason."""

    DIRTY = "e2e_dirty_tables"

    def __init__(self) -> None:
        self.sqlite: sqlite3.Connection | None = None
        self.tables: dict[str, bytes] = {}
        self.armed = False  # a journey is using the data: restore it at its teardown

    @property
    def taken(self) -> bool:
        return self.sqlite is not None or bool(self.tables)

    def _tables(self) -> list[str]:
        # The version rows of the metro table and of the plan's tables are written by their
        # triggers as the rows they follow come back (copying them too would collide);
        # the search engine's own term tables (`<table>_fts`, no model of their own) are
        # emptied with their entries and must come back with them.
        tables = set(connection.introspection.django_table_names(include_views=False))
        engine = {
            name
            for name in connection.introspection.table_names()
            if name.endswith("_fts") and name.removesuffix("_fts") in tables
        }
        versions = {MetroVersion._meta.db_table, LedgerVersion._meta.db_table}
        return sorted((tables | engine) - versions)

    def take(self) -> None:
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(self.sqlite)
            return
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table in self._tables():
                with cursor.cursor.copy(f"COPY {quote(table)} TO STDOUT (FORMAT BINARY)") as copy:
                    self.tables[table] = b"".join(bytes(chunk) for chunk in copy)
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {self.DIRTY} (name text PRIMARY KEY)")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {self.DIRTY}_mark() RETURNS trigger "  # noqa: S608
                f"LANGUAGE plpgsql AS $$ BEGIN INSERT INTO {self.DIRTY} VALUES (TG_TABLE_NAME) "
                "ON CONFLICT DO NOTHING; RETURN NULL; END $$"
            )
            for table in self.tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {self.DIRTY} AFTER INSERT OR UPDATE OR DELETE "
                    f"OR TRUNCATE ON {quote(table)} FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION {self.DIRTY}_mark()"
                )
            cursor.execute(f"DELETE FROM {self.DIRTY}")  # noqa: S608 (our own table names)

    def restore(self) -> None:
        connection.ensure_connection()
        if self.sqlite is not None:
            self._backup_back()
        else:
            self._restore_written()
        MetroVersion.objects.filter(pk=1).update(token=secrets.randbits(62))

    def _backup_back(self) -> None:
        # The live server's thread shares the in-memory database; a request the closed page
        # left running still holds a statement, and SQLite refuses to overwrite a database
        # in use: wait for it (a few seconds at most) before giving up.
        assert self.sqlite is not None
        for attempt in range(50):
            try:
                self.sqlite.backup(connection.connection)
                return
            except sqlite3.OperationalError as exc:
                if "in use" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)

    def _restore_written(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT name FROM {self.DIRTY}")  # noqa: S608 (our own table names)
            written = {name for (name,) in cursor.fetchall()} & self.tables.keys()
            # an entry table's delete trigger takes its terms with it
            written |= {f"{t}_fts" for t in written} & self.tables.keys()
            for table in sorted(written):
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 (our own table names)
            for table in sorted(written):
                with cursor.cursor.copy(f"COPY {quote(table)} FROM STDIN (FORMAT BINARY)") as copy:
                    copy.write(self.tables[table])
            cursor.execute(f"DELETE FROM {self.DIRTY}")  # noqa: S608 (our own table names)

    def restore_all(self) -> None:
        """Everything back after a flush (a teardown that could not restore)."""
        connection.ensure_connection()
        if self.sqlite is not None:
            self.restore()
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
            cursor.execute(f"DELETE FROM {self.DIRTY}")  # noqa: S608 (our own table names)


SNAPSHOT = DataSnapshot()
_flush = TransactionTestCase._fixture_teardown


def _back_to_snapshot(self: TransactionTestCase) -> None:
    """A journey's teardown: the snapshot back instead of Django's flush (any other
    transactional test still gets the flush); if that fails, the flush, and the next
    journey's set-up restores everything."""
    if not SNAPSHOT.armed:
        _flush(self)
        return
    SNAPSHOT.armed = False
    try:
        SNAPSHOT.restore()
    except Exception:
        _flush(self)
        raise


TransactionTestCase._fixture_teardown = _back_to_snapshot  # type: ignore[method-assign]


@pytest.fixture
def open_data(transactional_db) -> None:
    if not Member.objects.exists():  # emptied by a flush
        if SNAPSHOT.taken:
            SNAPSHOT.restore_all()
        else:
            call_command("load_open_data", verbosity=0)
    if not SNAPSHOT.taken:  # the session's load (other tests roll back) or the one above
        SNAPSHOT.take()
    SNAPSHOT.armed = True


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


# No htmx request in flight and no transition running (a swapped region fades back from
# `.htmx-request`'s opacity for 0.2 s: checked mid-fade, its text fails colour contrast).
SETTLED = """() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')
    && document.getAnimations().every(a => a.playState !== 'running')"""


def assert_accessible(page: Page) -> None:
    """No serious or critical axe violation on the page once it has settled."""
    page.wait_for_function(SETTLED)
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


# --- the journeys' shared steps (issue 19): widths, languages, the checks after each page ------

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
LANGUAGES = ("en", "fr", "es")
# Each journey in each language at each width: the cases of issue 19's "Done when".
JOURNEY_CASES = [
    pytest.param(language, size, id=f"{language}-{size['width']}")
    for language in LANGUAGES
    for size in (LAPTOP, PHONE)
]

# Every chart drawn (or failed): only then has the page its final width.
CHARTS_DRAWN = """() => [...document.querySelectorAll('[data-chart]')]
    .every(e => e.dataset.ready || e.dataset.error)"""
WIDTHS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def prefix(language: str) -> str:
    """The path prefix of a language: none for English, the default."""
    return "" if language == "en" else f"/{language}"


def tr(language: str, text: str) -> str:
    """The interface's `text` in `language`. For French and Spanish it must differ from the
    English: a page that fell back to English would otherwise pass an assertion on it."""
    with translation.override(language):
        translated = gettext(text)
    assert language == "en" or translated != text, f"{text!r} has no {language} translation"
    return translated


def assert_fits(page: Page) -> None:
    scroll_width, window_width = page.evaluate(WIDTHS)
    assert scroll_width <= window_width, (
        f"{page.url} is {scroll_width} px wide in a {window_width} px window"
    )


def check(page: Page, language: str | None = None) -> None:
    """After each page of a journey: in the language asked for, its charts drawn, no wider
    than the window, and no serious or critical axe violation."""
    if language is not None:
        expect(page.locator("html")).to_have_attribute("lang", language)
    page.wait_for_function(CHARTS_DRAWN)
    assert_fits(page)
    assert_accessible(page)


def open_menu(page: Page) -> None:
    """On a phone the menu (links, languages, account) is collapsed: open it, once the
    page's script is ready to."""
    page.wait_for_load_state()
    toggle = page.locator(".menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")


def sign_in_as(page: Page, username: str, language: str = "en") -> None:
    """Sign in from the login page in `language`; everyone lands on My Metroscope."""
    page.goto(f"{prefix(language)}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{prefix(language)}/me/")


def sign_out(page: Page) -> None:
    open_menu(page)
    page.locator("nav.account form button").click()
    expect(page.locator("nav.account form button")).to_have_count(0)
