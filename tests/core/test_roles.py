"""The Secretariat role every access.py builds on, and the one gate for views some people may
not open (core.roles.requires): the responses every "Secretariat only" page gave before it,
anonymous → sign-in page, refused → 403, and the test asked before the view runs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from metroscope.core import access
from metroscope.core.roles import is_secretariat, requires

ran: list[int] = []


@requires(lambda user: user.allowed)
def page(request, pk: int) -> HttpResponse:
    ran.append(pk)
    return HttpResponse("ok")


def _request(user):
    request = RequestFactory().get("/somewhere/7/")
    request.user = user
    return request


def test_an_anonymous_visitor_is_sent_to_sign_in_without_the_test_being_asked():
    ran.clear()
    response = page(_request(AnonymousUser()), pk=7)  # AnonymousUser has no `allowed`
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/somewhere/7/"
    assert ran == []


def test_a_signed_in_user_the_test_refuses_gets_403_before_the_view_runs():
    ran.clear()
    with pytest.raises(PermissionDenied):
        page(_request(SimpleNamespace(is_authenticated=True, allowed=False)), pk=7)
    assert ran == []


def test_a_signed_in_user_the_test_lets_in_gets_the_view():
    ran.clear()
    response = page(_request(SimpleNamespace(is_authenticated=True, allowed=True)), pk=7)
    assert response.status_code == 200
    assert ran == [7]
    assert page.__name__ == "page"


@pytest.mark.django_db
def test_the_secretariat_is_its_active_staff_and_active_superusers(staff):
    """Every access.py builds on this one predicate; its edges are the ones the copies it
    replaced agreed on (some added `is_authenticated and`, which changes nothing)."""
    assert is_secretariat(staff)
    assert not is_secretariat(AnonymousUser())
    superuser = get_user_model().objects.create(username="root", is_superuser=True)
    assert is_secretariat(superuser)  # no group needed
    assert not access.can_use_back_office(superuser)  # the admin's flag, not the role
    superuser.is_active = False
    assert not is_secretariat(superuser)
    staff.is_active = False
    assert not is_secretariat(staff)
    assert access.can_use_back_office(staff)  # the role grant sets the flag
