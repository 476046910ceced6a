"""The one gate for views some people may not open (core.roles.requires): the responses every
"Secretariat only" page gave before it, anonymous → sign-in page, refused → 403, and the test
asked before the view runs."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from metroscope.core.roles import requires

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
