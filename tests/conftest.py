"""Shared fixtures: the open data loaded once per session, and the personas of the permission
matrix (anonymous, officer of Barcelona, officer of Seoul, secretariat staff, board member)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cache

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import translation

from metroscope.accountability import version as ledger_version
from metroscope.core import page_cache
from metroscope.members.services import role_grant
from metroscope.observatory import page_figures

PASSWORD = "correct-horse-battery-staple"
BARCELONA = "barcelona-city"
SEOUL = "seoul"


def is_browser_journey(item: pytest.Item) -> bool:
    return "tests/e2e/" in item.nodeid.replace(os.sep, "/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser journeys use transactional databases that are emptied after each test; run them
    # last so the session's open data stays in place for everything else. Under pytest-xdist
    # (`--dist load`, see the Makefile) every worker has its own database and runs the tests
    # it is given in this collection order, so the guarantee holds per worker.
    items.sort(key=is_browser_journey)


_journey_ran: list[str] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Fail loudly rather than run on an emptied database if a scheduler ever breaks the order.
    if is_browser_journey(item):
        _journey_ran.append(item.nodeid)
    elif _journey_ran and (
        item.get_closest_marker("django_db") or "db" in getattr(item, "fixturenames", ())
    ):
        pytest.fail(
            f"{item.nodeid} runs after the browser journey {_journey_ran[0]} in this process: "
            "the journeys flush the database, so they must run last (use --dist load)."
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: PT004
    with django_db_blocker.unblock():
        call_command("load_open_data", verbosity=0)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test ends back in the default language. A request to /fr/… through the test client
    activates French in this thread and nothing turns it off, so without this the next test a
    worker runs saw French labels (an order-dependent failure seen under pytest-xdist)."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory) -> Iterator[None]:
    """Files the tests make (jobs' reports and downloads, uploads) go to a folder of the
    session's, not to the checkout's var/media."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


# Static files as the apps' folders hold them, the same whether or not `make setup` has built
# the hashed, compressed copies in var/static (which settings use once they exist): no test
# depends on the last collectstatic. tests/core/test_static_files.py builds and serves those.
FROM_THE_APPS = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "STATIC_MANIFEST": False,
    "WHITENOISE_USE_FINDERS": True,
}


@pytest.fixture(autouse=True, scope="session")
def _static_files_from_the_apps() -> Iterator[None]:
    with override_settings(**FROM_THE_APPS):
        yield


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """The task queue runs each task inside the call that enqueues it, so a test sees the job's
    end; tests/core/test_jobs.py runs the database backend and its worker for real."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    """The suite requests the same pages hundreds of times from one address: the per-client
    limits are off except in the tests of the limits themselves (tests/core/test_security.py),
    which switch them back on."""
    settings.RATELIMIT_ENABLE = False


@pytest.fixture(autouse=True)
def _plan_figures_from_the_database():
    """Each test starts without the plan's per-process figures (ledger_version), so what it
    asserts, query counts included, does not depend on the tests that ran before."""
    ledger_version.clear()


@pytest.fixture(autouse=True)
def _observatory_counts_from_the_database():
    """Each test starts without the Observatory pages' per-process counts (page_figures):
    a rolled-back test's data version can come back with other rows behind it."""
    page_figures.clear()


@pytest.fixture(autouse=True)
def _no_kept_pages(settings):
    """Each test starts without the anonymous pages another test left in the page cache
    (core.page_cache): a rolled-back test's writes can leave a page its token still names.
    And the cache is off unless a test turns it on (tests/core/test_page_cache.py): a test
    that asks for a page twice checks the page, and its pinned query counts the page's own."""
    page_cache.clear()
    settings.METROSCOPE_PAGE_CACHE_SECONDS = 0


@cache
def password_hash() -> str:
    """PASSWORD hashed once per process: the real hasher takes ~0.5 s a call, and the personas
    are made hundreds of times. Every user still gets a genuine hash that signs in."""
    return make_password(PASSWORD)


def make_user(username: str, *roles: tuple[str, str]):
    user = get_user_model().objects.create(username=username, password=password_hash())
    for role, member in roles:
        role_grant(username=username, role=role, member_code=member)
    user.refresh_from_db()
    return user


@pytest.fixture
def staff(db):
    return make_user("staff", ("secretariat", ""))


@pytest.fixture
def officer_barcelona(db):
    return make_user("officer_barcelona", ("officer", BARCELONA))


@pytest.fixture
def officer_seoul(db):
    return make_user("officer_seoul", ("officer", SEOUL))


@pytest.fixture
def board_member(db):
    return make_user("board_member", ("board", ""))


@pytest.fixture
def admin_user(db):
    return make_user("administrator", ("administrator", ""))


# The permission matrices' personas: the shared ones, and "plain", signed in with no role.
PERSONAS = ("anonymous", "officer_barcelona", "officer_seoul", "board_member", "staff", "plain")


def persona_user(request: pytest.FixtureRequest, persona: str):
    if persona == "anonymous":
        return None
    if persona == "plain":
        return make_user("plain")
    return request.getfixturevalue(persona)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
