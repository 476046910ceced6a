"""Shared fixtures: the open data loaded once per session, and the personas of the permission
matrix (anonymous, officer of Barcelona, officer of Seoul, secretariat staff, board member)."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from metroscope.members.services import role_grant

PASSWORD = "correct-horse-battery-staple"
BARCELONA = "barcelona-city"
SEOUL = "seoul"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser journeys use transactional databases that are emptied after each test; run them
    # last so the session's open data stays in place for everything else.
    items.sort(key=lambda item: "tests/e2e/" in item.nodeid.replace(os.sep, "/"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: PT004
    with django_db_blocker.unblock():
        call_command("load_open_data", verbosity=0)


def make_user(username: str, *roles: tuple[str, str]):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
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


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
